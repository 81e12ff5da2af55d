"""Reports on proposals under /api/v1/ (mounted before the proposals router, so that "/proposals/statistics" is
not read as "/proposals/{id}").

GET /api/v1/proposals/statistics answers the figures of the annual proposal work report — the same data as the
page proposals:statistics, the statistics workbook and the draft annual report. Its schema is ``StatisticsOut``
below; the definitions of each figure are in ``zhengxie/proposals/statistics/definitions.py``. The schemas are
plain pydantic models (not ninja's ``Schema``, whose root validator would run once per nested object) that document
the answer; the endpoint renders the figures without validating them again.
"""

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Field, Router
from pydantic import BaseModel

from zhengxie.core.access import has_perm
from zhengxie.core.api_errors import Forbidden, Invalid, NotFound

from .schemas import ErrorOut
from .selectors import visible_proposals
from .statistics import ScopeError, ScopeNotFound, proposal_statistics, resolve_scope

router = Router(tags=["proposals"])


class Figure(BaseModel):
    value: int = Field(description="The count.")
    filters: dict[str, str] = Field(
        description=(
            "Query parameters of the proposal list (page /proposals/ and GET /api/v1/proposals) that list the "
            'proposals behind this figure, e.g. {"year": "2026", "received": "1"}.'
        )
    )


class ScopeOut(BaseModel):
    kind: str = Field(description="year | session | term")
    label: str = Field(description="e.g. 2026年度, 第十七届第五次会议, 第十七届")
    filters: dict[str, str] = Field(description="The scope as list filters: year, session or term.")
    year: int | None
    session_id: int | None
    term_id: int | None


class Totals(BaseModel):
    received: Figure = Field(
        description="Reached the proposal office (see statistics/definitions.py for the exact rule)."
    )
    pending: Figure = Field(description="Received and awaiting review (submitted).")
    registered: Figure = Field(description="Registered (立案), in any later state.")
    merged: Figure
    converted: Figure
    rejected: Figure
    withdrawn: Figure = Field(description="Withdrawn after reaching the office.")
    session_proposals: Figure = Field(description="Received session proposals (大会提案).")
    ordinary_proposals: Figure = Field(description="Received ordinary proposals (平时提案).")
    members: Figure = Field(
        description="Distinct members leading or co-signing (confirmed) a received proposal; its filters list those "
        "members' proposals."
    )
    key: Figure = Field(description="Approved key proposals (重点提案).")
    excellent: Figure = Field(description="Approved excellent proposals (优秀提案).")


class StateRow(BaseModel):
    state: str
    label: str
    count: Figure


class ProposerTypeRow(BaseModel):
    key: str = Field(description="individual | joint | collective")
    label: str
    received: Figure
    registered: Figure


class CollectiveRow(BaseModel):
    id: int
    name: str
    kind: str = Field(description="party | organisation | sector | special_committee")
    received: Figure
    registered: Figure


class NamedRow(BaseModel):
    id: int | None = Field(description="Category, sector or party id; null for the row of collective proposals.")
    name: str
    received: Figure
    registered: Figure


class UnitRow(BaseModel):
    id: int
    name: str
    short_name: str
    assigned: Figure = Field(description="Assignments in any role (reassigned ones excluded).")
    owes_reply: Figure = Field(description="Assignments as single, separate or lead unit (not co-handler).")
    replied: Figure = Field(description="Owing a reply and the reply owed now is approved.")
    replied_on_time: Figure = Field(description="Replied, approved on or before the due date.")
    overdue: Figure = Field(description="Still open and past the due date today.")


class GradeRow(BaseModel):
    grade: str
    label: str
    count: Figure = Field(description="Current replies with this final grade (counted per reply).")


class SatisfactionRow(BaseModel):
    key: str = Field(description="satisfied | basically_satisfied | dissatisfied | not_rated")
    label: str
    count: Figure = Field(description="Ratings recorded on current replies (one per reply and evaluating proposal).")


class ListedProposal(BaseModel):
    id: int
    number: str
    title: str
    proposer: str
    category: str
    state: str
    state_label: str
    supervising_leader: str


class StatisticsOut(BaseModel):
    scope: ScopeOut
    as_of: str = Field(description="The date (Asia/Shanghai) the figures were computed on; 'overdue' is as of it.")
    totals: Totals
    by_state: list[StateRow] = Field(description="Registered proposals by current state.")
    by_proposer_type: list[ProposerTypeRow]
    by_collective: list[CollectiveRow]
    by_category: list[NamedRow]
    by_sector: list[NamedRow] = Field(description="By the lead proposer's sector when submitted.")
    by_party: list[NamedRow] = Field(description="By the lead proposer's party when submitted.")
    by_unit: list[UnitRow]
    by_grade: list[GradeRow]
    satisfaction: list[SatisfactionRow]
    key_proposals: list[ListedProposal]
    excellent_proposals: list[ListedProposal]


@router.get(
    "/proposals/statistics",
    response={200: StatisticsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="proposals_statistics",
    summary="Proposal statistics (提案工作统计)",
    description=(
        "The figures of the annual proposal work report for one scope: `year` (default: this year), `session` "
        "(id: that session's session proposals) or `term` (id: proposals submitted during the term) — at most one "
        "(422 otherwise; 404 for an unknown session or term). For the proposal office, leaders and overseers "
        "(403 for others).\n\n"
        "Every figure is `{value, filters}`: `filters` are the list's query parameters that list the proposals "
        "behind it (added list filters: session, term, received, registered, proposer_type "
        "individual|joint|collective|member, collective, sector, party, filing session|ordinary, grade, "
        "satisfaction, handling owes|replied|on_time|overdue — with `unit`, of that unit's assignment)."
    ),
)
def proposal_statistics_api(request, year: int | None = None, session: int | None = None, term: int | None = None):
    if not has_perm(request.user, "proposals.statistics"):
        raise Forbidden("只有提案委、领导和督查可以查看提案统计。")
    try:
        scope = resolve_scope(year=year, session=session, term=term)
    except ScopeNotFound as exc:
        raise NotFound(str(exc)) from None
    except ScopeError as exc:
        raise Invalid(str(exc)) from None
    figures = proposal_statistics(user=request.user, visible=visible_proposals(request.user), scope=scope)
    # The statistics build the figures in exactly StatisticsOut's shape (test_statistics_snapshots checks the answer
    # against it), so they are rendered as they are: validating their 20,000 nested objects again on every answer
    # took a third of its time at province scale, and the standard library's encoder another 30 ms for the 2.7 MB.
    return HttpResponse(orjson.dumps(figures, default=_json_default), content_type="application/json; charset=utf-8")


_encoder = DjangoJSONEncoder()


def _json_default(value):
    return _encoder.default(value)
