from zhengxie.people.choices import MemberStatus

from .roles import Role


def compute_roles(user) -> frozenset[Role]:
    from zhengxie.people.models import Member, Sector, UnitStaff

    roles = {Role(r) for r in user.role_grants.values_list("role", flat=True)}
    member = Member.objects.filter(user=user, status=MemberStatus.SERVING).only("id").first()
    if member is not None:
        roles.add(Role.MEMBER)
        if Sector.objects.filter(convener=member).exists():
            roles.add(Role.SECTOR_CONVENER)
    for is_leader in UnitStaff.objects.filter(user=user, unit__is_active=True).values_list("is_leader", flat=True):
        roles.add(Role.UNIT_STAFF)
        if is_leader:
            roles.add(Role.UNIT_LEADER)
    return frozenset(roles)


def units_of(user) -> list[int]:
    """Ids of the active handling units the user works for."""
    from zhengxie.people.models import UnitStaff

    return list(UnitStaff.objects.filter(user=user, unit__is_active=True).values_list("unit_id", flat=True))


def sign_in_history(*, user, limit: int = 50):
    return user.sign_ins.all()[:limit]
