"""The outputs of the opinion reports under /api/v1/: the year's statistics and the bulletins (社情民意专报). Mounted
before the opinions router, so that "/opinions/statistics" is never read as a report's id.

GET /api/v1/opinions/statistics answers the same figures as the page opinions:statistics (``statistics.py`` says
what each counts); every figure is ``{value, filters}``, ``filters`` being the query parameters of the reports list
(page /opinions/ and GET /api/v1/opinions) that list exactly the reports behind it.
"""

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from zhengxie.core.access import has_perm
from zhengxie.core.api_errors import Forbidden, NotFound, refusals
from zhengxie.core.api_types import Id, PageNumber, Year

from . import bulletins
from .statistics import Options, statistics_for

router = Router(tags=["opinions"])
# A province has 16,000 members with a report in a year: the API lists at most this many of them.
MEMBERS_MAX = 5000


class OpinionFigure(BaseModel):
    value: int = Field(description="The number of reports.")
    filters: dict[str, str] = Field(
        description='The reports list\'s query parameters listing them, e.g. {"year": "2026", "adopted": "city"}.'
    )


class OpinionStatsRow(BaseModel):
    received: OpinionFigure = Field(
        description="Received: submitted (or arrived from a converted proposal), not drafts."
    )
    signed_off: OpinionFigure = Field(description="Signed off (签发) by a leader, whatever happened after.")
    reported: OpinionFigure = Field(description="Reported (报送) to at least one level.")
    adopted_city: OpinionFigure = Field(description="Adopted (采用) by the city CPPCC.")
    adopted_province: OpinionFigure
    adopted_national: OpinionFigure
    adopted: OpinionFigure = Field(description="Adopted by at least one level.")
    instructed: OpinionFigure = Field(description="With at least one leader's instruction (批示).")


class OpinionNamedRow(OpinionStatsRow):
    id: int
    name: str


class OpinionMemberRow(OpinionNamedRow):
    sector: str = Field(description="The member's sector now.")


class OpinionKindRow(OpinionStatsRow):
    key: str = Field(description="member | collective | staff")
    label: str


class OpinionLevelRow(BaseModel):
    level: str = Field(description="city | province | national")
    label: str
    reported: OpinionFigure
    adopted: OpinionFigure


class OpinionYearRow(OpinionStatsRow):
    year: int


class OpinionStatisticsOut(BaseModel):
    year: int = Field(description="Reports received in this year; later adoptions and instructions count with them.")
    totals: OpinionStatsRow
    by_proposer_kind: list[OpinionKindRow]
    by_member: list[OpinionMemberRow] = Field(
        description="Members as first author or confirmed co-author, most reports first (`members` limits them)."
    )
    members_total: int = Field(description="Members with a report in the year (by_member may show fewer).")
    by_sector: list[OpinionNamedRow] = Field(
        description="By the first author's sector when submitted (members' reports)."
    )
    by_category: list[OpinionNamedRow]
    by_level: list[OpinionLevelRow]
    by_year: list[OpinionYearRow] = Field(description="The year and the nine before it that have reports.")


class OpinionStatisticsFilters(Schema):
    year: Year | None = Field(None, description="Default: this year.")
    members: PageNumber = Field(
        100, description="At most this many members in by_member, most reports first (members_total counts all)."
    )


@router.get(
    "/opinions/statistics",
    response={200: OpinionStatisticsOut, **refusals(403, 422)},
    operation_id="opinions_statistics",
    summary="Opinion report statistics (社情民意信息统计)",
    description="For the secretariat, its editors and the leaders (403 for others).",
)
def opinion_statistics_api(request, filters: Query[OpinionStatisticsFilters]):
    if not has_perm(request.user, "opinions.statistics"):
        raise Forbidden("只有机关干部、信息员和领导可以查看社情民意统计。")
    year = filters.year or timezone.localdate().year
    limit = max(0, min(filters.members, MEMBERS_MAX))
    return statistics_for(user=request.user, year=year, options=Options(member_limit=limit))


# Bulletins -------------------------------------------------------------------------------------------------------


class OpinionBulletinIn(Schema):
    kind: str = Field("special", description="special (社情民意专报) | info (社情民意信息)")
    title: str = Field("", max_length=200, description="The issue's heading (optional).")
    report_ids: list[Id] = Field(
        ..., min_length=1, max_length=bulletins.MAX_REPORTS, description="Signed-off or reported reports, in order."
    )


class OpinionBulletinReportOut(Schema):
    id: int
    number: str
    title: str


class OpinionBulletinOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int
    number: int
    issue: str = Field(description="e.g. 2026年第3期")
    title: str
    issued_on: str
    reports: list[OpinionBulletinReportOut]
    docx_url: str
    pdf_url: str


class OpinionBulletinListOut(Schema):
    count: int
    items: list[OpinionBulletinOut]


class OpinionBulletinFilters(Schema):
    year: Year | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


def _bulletin_out(bulletin, reports) -> dict:
    return {
        "id": bulletin.pk,
        "kind": bulletin.kind,
        "kind_label": bulletin.get_kind_display(),
        "year": bulletin.year,
        "number": bulletin.number,
        "issue": bulletins.issue_label(bulletin),
        "title": bulletin.title,
        "issued_on": bulletin.issued_on.isoformat(),
        "reports": [{"id": r.pk, "number": r.number, "title": r.title} for r in reports],
        "docx_url": reverse("opinions:bulletin_docx", args=[bulletin.pk]),
        "pdf_url": reverse("opinions:bulletin_pdf", args=[bulletin.pk]),
    }


@router.get(
    "/opinion-bulletins",
    response={200: OpinionBulletinListOut, **refusals(403)},
    operation_id="opinion_bulletins_list",
    summary="Bulletin issues (社情民意专报), newest first",
)
def bulletin_list_api(request, filters: Query[OpinionBulletinFilters]):
    if not has_perm(request.user, "opinions.bulletins"):
        raise Forbidden("只有机关干部、信息员和领导可以查看社情民意专报。")
    qs = bulletins.bulletin_list(user=request.user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    limit, offset = max(1, min(filters.limit, 200)), max(0, filters.offset)
    page = list(qs[offset : offset + limit])
    reports = bulletins.reports_of([b.pk for b in page])
    return {"count": qs.count(), "items": [_bulletin_out(b, reports.get(b.pk, [])) for b in page]}


@router.post(
    "/opinion-bulletins",
    response={201: OpinionBulletinOut, **refusals(403, 422)},
    operation_id="opinion_bulletins_create",
    summary="Compile a new issue (编发专报) from signed-off reports",
    description="Numbered next in its kind and this year. For the secretariat and its editors.",
)
def bulletin_create_api(request, body: OpinionBulletinIn):
    bulletin = bulletins.bulletin_create(
        actor=request.user, data={"kind": body.kind, "title": body.title, "report_ids": body.report_ids}
    )
    return Status(201, _bulletin_out(bulletin, bulletins.bulletin_reports(bulletin)))


@router.get(
    "/opinion-bulletins/{bulletin_id}",
    response={200: OpinionBulletinOut, **refusals(403, 404)},
    operation_id="opinion_bulletins_get",
    summary="One bulletin issue",
)
def bulletin_get_api(request, bulletin_id: Id):
    if not has_perm(request.user, "opinions.bulletins"):
        raise Forbidden("只有机关干部、信息员和领导可以查看社情民意专报。")
    bulletin = bulletins.bulletin_get(user=request.user, pk=bulletin_id)
    if bulletin is None:
        raise NotFound()
    return _bulletin_out(bulletin, bulletins.bulletin_reports(bulletin))
