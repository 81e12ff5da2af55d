from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from zhengxie.core.access import roles_of
from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Id, PageNumber
from zhengxie.core.validators import mask_id_number, mask_mobile

from . import personal_search, selectors
from .choices import MemberStatus, UnitKind
from .models import Member, UnitStaff

router = Router(tags=["people"])


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    sector_id: int
    sector: str
    party_id: int
    party: str
    work_unit: str
    title: str
    is_standing_committee: bool
    status: str
    mobile: str
    id_number: str


class MemberPage(Schema):
    count: int
    items: list[MemberOut]


class MemberFilters(Schema):
    sector: Id | None = None
    party: Id | None = None
    special_committee: Id | None = None
    status: MemberStatus | None = None
    standing: bool | None = None
    q: str | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, 200)), max(0, offset)


def _member_out(user, m) -> dict:
    reveal = selectors.can_see_personal_data(user=user, member=m)
    return {
        "id": m.pk,
        "name": m.name,
        "gender": m.gender,
        "ethnicity": m.ethnicity,
        "sector_id": m.sector_id,
        "sector": m.sector.name,
        "party_id": m.party_id,
        "party": m.party.name,
        "work_unit": m.work_unit,
        "title": m.title,
        "is_standing_committee": m.is_standing_committee,
        "status": m.status,
        "mobile": m.mobile if reveal else mask_mobile(m.mobile),
        "id_number": m.id_number if reveal else mask_id_number(m.id_number),
    }


class MemberRef(Schema):
    id: int
    name: str
    sector: str
    party: str


class UnitRef(Schema):
    id: int
    name: str
    is_leader: bool


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    member: MemberRef | None
    units: list[UnitRef]


# The account's own endpoint, served here because the member record and the unit posts are this app's data; it
# keeps the operation id and tag it was published with.
@router.get("/me", response=MeOut, operation_id="zhengxie_accounts_api_me", tags=["accounts"])
def me(request):
    """The signed-in user, their roles, and the member record or handling units behind the account."""
    user = request.user
    member = Member.objects.select_related("sector", "party").filter(user=user).first()
    posts = UnitStaff.objects.select_related("unit").filter(user=user, unit__is_active=True)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(r.value for r in roles_of(user)),
        "member": None
        if member is None
        else {
            "id": member.pk,
            "name": member.name,
            "sector": member.sector.name,
            "party": member.party.name,
        },
        "units": [{"id": p.unit_id, "name": p.unit.name, "is_leader": p.is_leader} for p in posts],
    }


class RefusalOut(Schema):
    message: str
    errors: list[dict] | None = None


@router.get("/members", response={200: MemberPage, 429: RefusalOut})
def list_members(request, filters: Query[MemberFilters]):
    """Members the caller may see (paginated with ``limit``/``offset``); personal data masked unless permitted.

    ``q`` matches names and work units; an exact ID number or mobile finds its member only for the roles that see
    those fields unmasked — counted per user and minute (429 beyond the limit) and audited."""
    limit, offset = _page(filters.limit, filters.offset)
    personal_search.personal_search_record(user=request.user, q=filters.q or "")
    qs = selectors.member_list(user=request.user, filters=filters.dict())
    return {"count": qs.count(), "items": [_member_out(request.user, m) for m in qs[offset : offset + limit]]}


@router.get("/members/{member_id}", response={200: MemberOut, **refusals(404)})
def get_member(request, member_id: int):
    member = selectors.member_get(user=request.user, pk=member_id)
    if member is None:
        get_object_or_404(selectors.Member.objects.none())
    return _member_out(request.user, member)


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    contact_phone: str
    is_active: bool


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitFilters(Schema):
    kind: UnitKind | None = None
    active: bool | None = None
    q: str | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


@router.get("/units", response=UnitPage)
def list_units(request, filters: Query[UnitFilters]):
    """Handling units the caller may see (paginated with ``limit``/``offset``)."""
    limit, offset = _page(filters.limit, filters.offset)
    qs = selectors.unit_list(user=request.user, filters=filters.dict())
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


@router.get("/units/{unit_id}", response={200: UnitOut, **refusals(404)})
def get_unit(request, unit_id: int):
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    if unit is None:
        get_object_or_404(selectors.HandlingUnit.objects.none())
    return unit
