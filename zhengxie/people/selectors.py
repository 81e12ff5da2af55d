"""Reads of organisation data that know the user: each returns only what that user may see."""

from django.core.cache import cache
from django.db.models import Q, QuerySet

from zhengxie.core import crypto
from zhengxie.core.access import has_perm, roles_of
from zhengxie.core.roles import Role

from .choices import MemberStatus
from .models import Committee, HandlingUnit, Member, Sector, UnitStaff
from .personal_search import may_search_personal_data, personal_field
from .principal import unread_notifications

ORG_WIDE = {Role.SECRETARIAT, Role.PROPOSAL_OFFICE, Role.LEADER, Role.ADMIN}


def member_list(*, user, filters: dict | None = None) -> QuerySet[Member]:
    """Members the user may see: the organisation-wide roles see all; a convener sees their sectors' members;
    a member sees themselves; anyone else sees none."""
    roles = roles_of(user)
    qs = Member.objects.select_related("sector", "party")
    if not roles & ORG_WIDE:
        visible = Q(pk__in=[])
        if Role.SECTOR_CONVENER in roles:
            visible |= Q(sector__convener__user=user)
        if Role.MEMBER in roles:
            visible |= Q(user=user)
        qs = qs.filter(visible)
    return _filter_members(qs, filters or {}, personal=may_search_personal_data(user=user))


def _filter_members(qs, f: dict, *, personal: bool):
    if f.get("sector"):
        qs = qs.filter(sector_id=f["sector"])
    if f.get("party"):
        qs = qs.filter(party_id=f["party"])
    if f.get("special_committee"):
        qs = qs.filter(special_committees__id=f["special_committee"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("standing") in (True, "1", "true"):
        qs = qs.filter(is_standing_committee=True)
    q = (f.get("q") or "").strip()
    if q:
        # Exact ID number or mobile (via the keyed digest) for the roles that may see them; else, and for everyone
        # else always, a name / work-unit match — so a number finds nobody, the same as a number nobody has.
        field = personal_field(q) if personal else None
        if field is not None:
            name, value = field
            qs = qs.filter(**{f"{name}_digest": crypto.digest(value)})
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(work_unit__icontains=q))
    return qs.order_by("sector__sort_order", "id")


def member_get(*, user, pk: int) -> Member | None:
    return member_list(user=user).prefetch_related("special_committees", "terms").filter(pk=pk).first()


def can_see_personal_data(*, user, member: Member) -> bool:
    """Unmasked ID number and mobile: the secretariat and admins, and the member themselves."""
    return has_perm(user, "people.view_personal_data") or (member.user_id is not None and member.user_id == user.pk)


def unit_list(*, user, filters: dict | None = None) -> QuerySet[HandlingUnit]:
    """Organisation-wide roles, overseers and members see every active unit (members name units on proposals);
    unit staff see their own units."""
    roles = roles_of(user)
    qs = HandlingUnit.objects.all()
    if not roles & (ORG_WIDE | {Role.OVERSEER, Role.MEMBER}):
        qs = qs.filter(staff__user=user) if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER} else qs.none()
    elif not has_perm(user, "people.view_unit_list"):
        qs = qs.filter(is_active=True)
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("active") in (True, "1", "true"):
        qs = qs.filter(is_active=True)
    q = (f.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    return qs.distinct().order_by("name")


def unit_get(*, user, pk: int) -> HandlingUnit | None:
    return unit_list(user=user).filter(pk=pk).first()


def committee_name() -> str:
    name = cache.get("zhengxie:committee_name")
    if name is None:
        committee = Committee.objects.only("name").first()
        name = committee.name if committee else "政协履职工作平台"
        cache.set("zhengxie:committee_name", name, 300)
    return name


def page_shell(request) -> dict:
    """What every page's frame shows from this app's data (``core.context_processors``): the committee's name, and
    the signed-in user's unread notifications, read with their roles (``principal.compute_roles``)."""
    context = {"committee_name": committee_name()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = unread_notifications(user)
    return context


def home_figures(*, user, roles) -> dict:
    """What each role's home page shows from the organisation (``core.selectors.home_context``)."""
    ctx: dict = {}
    if roles & {Role.SECRETARIAT, Role.PROPOSAL_OFFICE, Role.LEADER, Role.ADMIN, Role.OVERSEER}:
        ctx["org_figures"] = {
            "members": Member.objects.filter(status=MemberStatus.SERVING).count(),
            "standing": Member.objects.filter(status=MemberStatus.SERVING, is_standing_committee=True).count(),
            "sectors": Sector.objects.count(),
            "units": HandlingUnit.objects.filter(is_active=True).count(),
        }
    if Role.MEMBER in roles:
        ctx["my_member"] = (
            Member.objects.select_related("sector", "party")
            .prefetch_related("special_committees")
            .filter(user=user)
            .first()
        )
    if Role.SECTOR_CONVENER in roles:
        ctx["convened_sectors"] = list(Sector.objects.filter(convener__user=user))
    if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER}:
        ctx["my_posts"] = list(UnitStaff.objects.select_related("unit").filter(user=user, unit__is_active=True))
    return ctx
