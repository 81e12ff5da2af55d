"""Unit suggestion API: ``POST /api/v1/proposals/suggest-units`` and ``GET /api/v1/proposals/suggest-units/status``."""

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from zhengxie.core.access import has_perm
from zhengxie.core.api_errors import Forbidden, refusals
from zhengxie.core.api_types import Id

from . import services

router = Router(tags=["proposals"])


class SuggestUnitsIn(Schema):
    title: Annotated[str, Field(max_length=services.MAX_TITLE_CHARS, description="案由 (the proposal's title).")] = ""
    text: Annotated[
        str,
        Field(
            max_length=services.MAX_TEXT_CHARS,
            description="The proposal's text (情况分析 and 具体建议).",
        ),
    ] = ""
    limit: Annotated[int, Field(ge=1, le=services.MAX_LIMIT, description="How many units at most.")] = 5
    category: Id | None = Field(None, description="The proposal's category (id of `/api/v1/categories`), if known.")
    suggested_units: Annotated[
        list[Id],
        Field(max_length=services.MAX_SUGGESTED_UNITS, description="The units the proposer suggested (ids)."),
    ] = []


class UnitSuggestionOut(Schema):
    unit_id: int
    unit: str = Field(description="The handling unit's name.")
    score: float = Field(description="How strongly the model points to the unit, from 0 to 1 (not a probability).")
    reasons: list[str] = Field(
        description="Why, in words: similar past proposals by number and who handled them, the proposer's "
        "suggestion, the category's past assignments."
    )


class SuggestionStatusOut(Schema):
    ready: bool = Field(description="Whether a trained model answers suggestions.")
    reason: str = Field(description="In words: what the model learned from, or why there are no suggestions.")
    version: int = Field(description="Grows by one at each training; 0 before the first.")
    trained_at: datetime.datetime | None
    proposals: int = Field(description="Past proposals the model learned from.")
    assignments: int = Field(description="Lead or sole assignments the model learned from.")
    new_assignments: int = Field(description="Lead or sole assignments made since the model learned.")
    retrain_after: int = Field(description="The background job retrains once `new_assignments` reaches this.")


def _check(request):
    if not has_perm(request.user, "suggest.use"):
        raise Forbidden(_("只有提案委可以查看承办单位推荐。"))


@router.post(
    "/proposals/suggest-units",
    response={200: list[UnitSuggestionOut], **refusals(401, 403)},
    operation_id="proposal_suggest_units",
    summary="Suggest handling units (智能交办)",
    description=(
        "The most likely lead or sole handling units for a proposal's title and text, best first, learned from past "
        "assignments (live and imported), with the proposer's suggested units and the category when given. "
        "The answer is a list, as the assignment form reads it; it is empty when there is no trained model yet "
        "(no past assignments) or when nothing in the input points to a unit — "
        "`GET /api/v1/proposals/suggest-units/status` says why in words. Proposal office only."
    ),
)
def suggest_units(request, body: SuggestUnitsIn):
    _check(request)
    rows = services.suggest_units(
        title=body.title,
        text=body.text,
        category=body.category,
        suggested=body.suggested_units,
        limit=body.limit,
    )
    return [{"unit_id": r.unit_id, "unit": r.unit, "score": r.score, "reasons": r.reasons} for r in rows]


@router.get(
    "/proposals/suggest-units/status",
    response={200: SuggestionStatusOut, **refusals(401, 403)},
    operation_id="proposal_suggest_units_status",
    summary="Unit suggestion status (智能交办)",
    description="Whether units can be suggested, and in words why not; what the model learned from and when.",
)
def suggest_units_status(request):
    _check(request)
    s = services.status()
    return {
        "ready": s.ready,
        "reason": s.reason,
        "version": s.version,
        "trained_at": s.trained_at,
        "proposals": s.proposals,
        "assignments": s.assignments,
        "new_assignments": s.new_assignments,
        "retrain_after": s.retrain_after,
    }
