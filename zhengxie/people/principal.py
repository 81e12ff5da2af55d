"""Who the signed-in person is to the access rules: the roles they hold (granted, and derived from the organisation
data this app keeps: a serving member, a sector's convener, a post at a handling unit), the units they work for, and
the unread notifications the page header shows. ``PeopleConfig.ready`` hands ``compute_roles`` to
``core.access``, which asks it once per user object (``roles_of``)."""

from django.db import connection

from zhengxie.accounts.models import RoleGrant
from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.notifications.models import Notification
from zhengxie.notifications.selectors import unread_count

from .choices import MemberStatus
from .models import HandlingUnit, Member, Sector, UnitStaff


def _principal_rows(user) -> list[tuple]:
    """Everything every page asks about the signed-in person, in one statement: the granted roles, the serving
    member (and whether they convene a sector), the posts at active handling units, and the number of unread
    notifications (the badge in the page header). Written as SQL: the same four ORM queries cost about 2 ms more per
    page, most of it building them."""
    grants, members, sectors = RoleGrant._meta.db_table, Member._meta.db_table, Sector._meta.db_table
    staff, units = UnitStaff._meta.db_table, HandlingUnit._meta.db_table
    notifications = Notification._meta.db_table
    sql = (
        f"SELECT 'g', g.role, NULL, NULL FROM {grants} g WHERE g.user_id = %s "
        f"UNION ALL SELECT 'm', NULL, m.id, "
        f"CASE WHEN EXISTS (SELECT 1 FROM {sectors} s WHERE s.convener_id = m.id) THEN 1 ELSE 0 END "
        f"FROM {members} m WHERE m.user_id = %s AND m.status = %s "
        f"UNION ALL SELECT 'u', NULL, p.unit_id, CASE WHEN p.is_leader THEN 1 ELSE 0 END "
        f"FROM {staff} p INNER JOIN {units} h ON h.id = p.unit_id WHERE p.user_id = %s AND h.is_active "
        f"UNION ALL SELECT 'n', NULL, COUNT(*), NULL "
        f"FROM {notifications} n WHERE n.recipient_id = %s AND n.read_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, MemberStatus.SERVING.value, user.pk, user.pk])
        return cursor.fetchall()


def compute_roles(user) -> frozenset[Role]:
    """The user's roles, granted and derived; also remembers on the user object the ids of the active handling
    units they work for (``units_of``) and the number of unread notifications (``unread_notifications``), read by
    the same statement."""
    roles: set[Role] = set()
    unit_ids: list[int] = []
    for kind, role, ref, flag in _principal_rows(user):
        if kind == "n":
            user._zx_unread = ref
        elif kind == "g":
            roles.add(Role(role))
        elif kind == "m":
            roles.add(Role.MEMBER)
            if flag:
                roles.add(Role.SECTOR_CONVENER)
        else:
            roles.add(Role.UNIT_STAFF)
            unit_ids.append(ref)
            if flag:
                roles.add(Role.UNIT_LEADER)
    user._zx_units = sorted(unit_ids)
    return frozenset(roles)


def units_of(user) -> list[int]:
    """Ids of the active handling units the user works for: read with the user's roles (``compute_roles``) once per
    user object, as the roles are."""
    roles_of(user)
    return list(getattr(user, "_zx_units", None) or [])


def unread_notifications(user) -> int:
    """Unread notifications of the signed-in user, as read with their roles in this request (``compute_roles``);
    counted afresh once something has marked some read (``notifications.services.mark_read``)."""
    roles_of(user)
    cached = getattr(user, "_zx_unread", None)
    return unread_count(user=user) if cached is None else cached
