"""The organisation's reference lists under /api/v1/ that a client needs to build its forms: sectors, parties, special
committees and collective proposers — ids with their names in words, paginated as ``{"count", "items"}`` like the
other lists, for anyone signed in. None of them holds personal data."""

from ninja import Query, Router, Schema

from zhengxie.core.access import roles_of
from zhengxie.core.api_types import PageNumber
from zhengxie.core.roles import Role

from .choices import CollectiveKind
from .models import CollectiveProposer, Party, Sector, SpecialCommittee

router = Router(tags=["reference data"])

MAX_LIMIT = 200


class PageQuery(Schema):
    limit: PageNumber = 50
    offset: PageNumber = 0


def page_of(qs, query: PageQuery) -> dict:
    """One page of ``qs`` as ``{"count", "items"}``: ``limit`` clamped to 1–200, ``offset`` to 0 and more."""
    limit, offset = max(1, min(query.limit, MAX_LIMIT)), max(0, query.offset)
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


class SectorOut(Schema):
    id: int
    name: str


class SectorPage(Schema):
    count: int
    items: list[SectorOut]


@router.get("/sectors", response=SectorPage)
def list_sectors(request, query: Query[PageQuery]):
    """The sectors (界别) in their order."""
    return page_of(Sector.objects.order_by("sort_order", "id").values("id", "name"), query)


class PartyOut(Schema):
    id: int
    name: str
    short_name: str


class PartyPage(Schema):
    count: int
    items: list[PartyOut]


@router.get("/parties", response=PartyPage)
def list_parties(request, query: Query[PageQuery]):
    """The parties (党派) in their order; ``short_name`` may be empty."""
    return page_of(Party.objects.order_by("sort_order", "id").values("id", "name", "short_name"), query)


class SpecialCommitteeOut(Schema):
    id: int
    name: str


class SpecialCommitteePage(Schema):
    count: int
    items: list[SpecialCommitteeOut]


@router.get("/special-committees", response=SpecialCommitteePage)
def list_special_committees(request, query: Query[PageQuery]):
    """The special committees (专门委员会) in their order."""
    return page_of(SpecialCommittee.objects.order_by("sort_order", "id").values("id", "name"), query)


class CollectiveOut(Schema):
    id: int
    name: str
    kind: CollectiveKind
    kind_label: str
    may_file: bool


class CollectivePage(Schema):
    count: int
    items: list[CollectiveOut]


class CollectiveQuery(PageQuery):
    mine: bool = False


@router.get("/collective-proposers", response=CollectivePage)
def list_collective_proposers(request, query: Query[CollectiveQuery]):
    """The collective proposers (集体提案者). ``may_file``: whether the caller may file a proposal in its name (its
    contacts; the proposal office for any); ``mine=true`` lists only those."""
    user = request.user
    office = Role.PROPOSAL_OFFICE in roles_of(user)
    mine = set(CollectiveProposer.objects.filter(contacts=user).values_list("pk", flat=True))
    qs = CollectiveProposer.objects.order_by("kind", "id")
    if query.mine and not office:
        qs = qs.filter(pk__in=mine)
    page = page_of(qs.only("pk", "name", "kind"), query)
    page["items"] = [
        {
            "id": c.pk,
            "name": c.name,
            "kind": c.kind,
            "kind_label": str(c.get_kind_display()),
            "may_file": office or c.pk in mine,
        }
        for c in page["items"]
    ]
    return page
