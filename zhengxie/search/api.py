"""Search API: ``GET /api/v1/search``."""

from typing import Annotated

from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Year

from . import read_models, registry, selectors
from .forms import MAX_QUERY_CHARS, PAGE_SIZE, clean_query

router = Router(tags=["search"])
MAX_PAGE = 100_000


class SearchFilters(Schema):
    q: Annotated[str, Field(max_length=MAX_QUERY_CHARS)] = ""
    type: Annotated[str, Field(max_length=32)] = ""
    year: Year | None = None
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1

    @field_validator("type")
    @classmethod
    def known_type(cls, value: str) -> str:
        if value and registry.source(value) is None:
            kinds = ", ".join(s.kind for s in registry.sources())
            raise ValueError(f"unknown type (one of: {kinds})")
        return value


class SearchItem(Schema):
    type: str = Field(description="What was found: `proposal` (提案), `reply` (答复); more kinds as modules join.")
    type_label: str = Field(description="The kind in words, in the request's language.")
    id: int = Field(description="The object's id within its type.")
    title: str
    snippet: str = Field(description="The passage around the first match, as plain text.")
    highlights: list[tuple[int, int]] = Field(
        description="Where the query's words occur in `snippet`: [start, end) character offsets, in order."
    )
    year: int | None
    url: str = Field(description="The object's page.")


class SearchPage(Schema):
    count: int = Field(
        description=(
            f"How many results in all (before paging). At most {selectors.CANDIDATES}: a query matching more ranks "
            "the newest of them only, and says so in `count_capped`."
        )
    )
    count_capped: bool = Field(
        description=(
            "True when more entries matched than were ranked: `count` is then a lower bound (the page says "
            "“more than …”); add words or a `type` or `year` filter to narrow the search."
        )
    )
    items: list[SearchItem]


@router.get(
    "/search",
    response={200: SearchPage, **refusals(401)},
    operation_id="search",
    summary="Search (搜索)",
    description=(
        "Proposals, replies (and, as their modules join, opinion reports, outcome documents and recommendations) "
        "holding every word of `q`, best first, among what the caller may see (the same rules as the lists). "
        "Chinese is segmented into words (jieba); traditional and simplified characters find each other; a "
        "two-character word is found inside longer words. Filter by `type` and `year`; "
        f"{PAGE_SIZE} results a `page`. An empty `q`, or one of punctuation only, finds nothing."
    ),
)
def search(request, filters: Query[SearchFilters]):
    query = clean_query(filters.q)
    found = selectors.search(user=request.user, query=query, kind=filters.type, year=filters.year)
    start = (filters.page - 1) * PAGE_SIZE
    rows = read_models.results(found.entries[start : start + PAGE_SIZE], query) if start < found.count else []
    return {
        "count": found.count,
        "count_capped": found.capped,
        "items": [
            {
                "type": r.kind,
                "type_label": r.kind_label,
                "id": r.object_id,
                "title": r.title,
                "snippet": r.snippet,
                "highlights": r.highlights,
                "year": r.year,
                "url": r.url,
            }
            for r in rows
        ],
    }
