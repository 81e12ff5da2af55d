"""Reference lists of the proposals under /api/v1/ that a client needs to build its forms: the categories of the
draft editor and the leaders a key proposal's supervision is given to. Paginated as ``{"count", "items"}`` like the
other lists, for anyone signed in."""

from ninja import Query, Router, Schema

from zhengxie.people.api_reference import PageQuery, page_of
from zhengxie.people.models import Member

from .actions import leader_users
from .models import Category

router = Router(tags=["reference data"])


class CategoryOut(Schema):
    id: int
    name: str
    is_active: bool


class CategoryPage(Schema):
    count: int
    items: list[CategoryOut]


class CategoryQuery(PageQuery):
    include_inactive: bool = False


@router.get("/categories", response=CategoryPage)
def list_categories(request, query: Query[CategoryQuery]):
    """The proposal categories (提案类别) in their order: those in use for new proposals, or with
    ``include_inactive=true`` also those retired (older proposals still name them)."""
    qs = Category.objects.order_by("sort_order", "id")
    if not query.include_inactive:
        qs = qs.filter(is_active=True)
    return page_of(qs.values("id", "name", "is_active"), query)


class LeaderOut(Schema):
    id: int
    name: str
    post: str


class LeaderPage(Schema):
    count: int
    items: list[LeaderOut]


@router.get("/leaders", response=LeaderPage)
def list_leaders(request, query: Query[PageQuery]):
    """The leaders (领导) a key proposal may be given to for supervision (``supervising_leader_id``): active accounts
    holding the leader role, with their name and, where they are a member, their post — nothing else about them."""
    qs = leader_users().distinct().order_by("display_name", "id").only("pk", "username", "display_name")
    page = page_of(qs, query)
    posts = dict(Member.objects.filter(user__in=[u.pk for u in page["items"]]).values_list("user_id", "title"))
    page["items"] = [{"id": u.pk, "name": str(u), "post": posts.get(u.pk) or ""} for u in page["items"]]
    return page
