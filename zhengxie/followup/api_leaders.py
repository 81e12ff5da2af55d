"""The leaders' follow-up overview under /api/v1/ (mounted before the follow-up's own router).

GET /api/v1/followup/overview answers the same read model as the page /followup/ (``leaders.leaders_overview``):
the year's figures by state, source and department, and one page of its recommendations. The schemas are plain
pydantic models documenting the answer."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from zhengxie.core.access import has_perm
from zhengxie.core.api_errors import Forbidden, refusals
from zhengxie.core.api_types import Id, PageNumber, Year

from .choices import RecommendationState, Source
from .leaders import PAGE_SIZE, TOPIC_MAX, Filters, Overview, Tally, clean_topic, leaders_overview

router = Router(tags=["followup"])
MAX_PAGE_SIZE = 200


class OverviewFilters(Schema):
    year: Year | None = Field(None, description="The year (年度) of the recommendations; this year when absent.")
    source: Source | None = Field(None, description="Only recommendations from this source.")
    unit_id: Id | None = Field(None, description="Only those addressed to this handling unit (department).")
    topic: str | None = Field(
        None, max_length=TOPIC_MAX, description="Words in the source's title (the topic) or the document's title."
    )
    state: RecommendationState | None = Field(None, description="Only recommendations in this state.")
    stale: bool | None = Field(None, description="true: only the stale ones (open and not updated for too long).")
    page: PageNumber = Field(1, description="The page of `items` (clamped to the pages there are).")
    page_size: PageNumber = Field(PAGE_SIZE, description="Items per page, 1–200 (larger values are capped).")


class TallyOut(BaseModel):
    key: str = Field(description="The state, the source, or the handling unit's id.")
    label: str
    count: int
    answered: int = Field(description="Answered (adopted, partly adopted, not adopted, in progress or done).")
    adopted: int = Field(description="Adopted in whole or part (including in progress and done).")
    not_adopted: int
    done: int
    stale: int = Field(description="Open and not updated for the set number of working days.")
    progress: Decimal | None = Field(
        description="Weighted average of the percents (weights of the recommendations; not-adopted ones left out); "
        "null when none counts."
    )


class RowOut(BaseModel):
    id: int
    year: int
    position: int = Field(description="Its number in the document.")
    text: str
    source: Source
    source_label: str
    topic: str = Field(description="The source's title (the consultation's, the supervision topic's …).")
    topic_url: str = Field(description="The source's page.")
    document_id: int
    document_title: str
    document_kind: str
    document_kind_label: str
    document_progress: Decimal | None = Field(description="The document's computed progress (see `progress`).")
    document_sent_on: datetime.date | None
    unit_id: int
    unit_name: str
    state: RecommendationState
    state_label: str
    percent: int = Field(description="Progress 0–100 as the department last reported it.")
    weight: int
    due_date: datetime.date | None
    last_update_at: datetime.datetime = Field(description="The latest answer or progress update (else creation).")
    stale: bool


class FiltersOut(BaseModel):
    year: int
    source: str
    unit_id: int | None
    topic: str
    state: str
    stale: bool


class UnitChoice(BaseModel):
    id: int
    name: str


class OverviewOut(BaseModel):
    count: int = Field(description="Recommendations under the filters that the caller may see.")
    items: list[RowOut] = Field(description="This page of them: newest documents first, each in its order.")
    page: int
    pages: int
    page_size: int
    filters: FiltersOut
    as_of: datetime.date
    stale_working_days: int = Field(description="An open recommendation not updated for this long is stale.")
    total: TallyOut
    by_state: list[TallyOut]
    by_source: list[TallyOut]
    by_unit: list[TallyOut] = Field(description="Every department holding one, most recommendations first.")
    years: list[int] = Field(description="The years on record, newest first.")
    units: list[UnitChoice] = Field(description="The departments holding recommendations in the year.")


def _tally(t: Tally) -> dict:
    return {
        "key": t.key,
        "label": t.label,
        "count": t.count,
        "answered": t.answered,
        "adopted": t.adopted,
        "not_adopted": t.not_adopted,
        "done": t.done,
        "stale": t.stale,
        "progress": t.progress,
    }


def overview_out(o: Overview) -> dict:
    f = o.filters
    return {
        "count": o.count,
        "items": [
            {
                "id": r.id,
                "year": r.year,
                "position": r.position,
                "text": r.text,
                "source": r.source,
                "source_label": r.source_label,
                "topic": r.topic,
                "topic_url": r.topic_url,
                "document_id": r.document_id,
                "document_title": r.document_title,
                "document_kind": r.document_kind,
                "document_kind_label": r.document_kind_label,
                "document_progress": r.document_progress,
                "document_sent_on": r.document_sent_on,
                "unit_id": r.unit_id,
                "unit_name": r.unit_name,
                "state": r.state,
                "state_label": r.state_label,
                "percent": r.percent,
                "weight": r.weight,
                "due_date": r.due_date,
                "last_update_at": r.last_update_at,
                "stale": r.stale,
            }
            for r in o.rows
        ],
        "page": o.page,
        "pages": o.pages,
        "page_size": o.page_size,
        "filters": {
            "year": f.year,
            "source": f.source,
            "unit_id": f.unit_id,
            "topic": f.topic,
            "state": f.state,
            "stale": f.stale,
        },
        "as_of": o.as_of,
        "stale_working_days": o.stale_days,
        "total": _tally(o.total),
        "by_state": [_tally(t) for t in o.by_state],
        "by_source": [_tally(t) for t in o.by_source],
        "by_unit": [_tally(t) for t in o.by_unit],
        "years": o.years,
        "units": [{"id": pk, "name": name} for pk, name in o.units],
    }


@router.get(
    "/followup/overview",
    response={200: OverviewOut, **refusals(403)},
    operation_id="followup_overview",
    summary="The leaders' follow-up overview (成果转化总览)",
    description=(
        "Every recommendation of a year that the caller may see, from every source, with its state, progress, last "
        "update and whether it is stale; the figures by state, source and department; one page of the "
        "recommendations. The same read model as the page /followup/. Leaders, the secretariat and overseers "
        "(an overseer sees key proposals' supervision only); anyone else 403."
    ),
)
def followup_overview(request, filters: Query[OverviewFilters]):
    if not has_perm(request.user, "followup.overview"):
        raise Forbidden(_("您无权查看成果转化总览。"))
    wanted = Filters(
        year=filters.year or timezone.localdate().year,
        source=filters.source or "",
        unit_id=filters.unit_id,
        topic=clean_topic(filters.topic),
        state=filters.state or "",
        stale=bool(filters.stale),
    )
    size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    overview = leaders_overview(
        user=request.user, filters=wanted, page=max(1, min(filters.page, 2**31)), page_size=size
    )
    return overview_out(overview)
