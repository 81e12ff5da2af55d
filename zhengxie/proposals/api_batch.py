"""The batch actions of the proposal office under /api/v1/: 立案 or 交办 many proposals with one call, each through
the workflow engine on its own (``batch.proposals_batch_act``), answered with each proposal's outcome."""

import enum

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import read_json
from zhengxie.core.api_errors import Forbidden, Invalid
from zhengxie.core.exceptions import InvalidInput
from zhengxie.core.workflow import BIGINT_MAX

from . import workflow as wf
from .batch import BATCH_ACTIONS, MAX_BATCH, proposals_batch_act
from .schemas import ERRORS

router = Router(tags=["proposals"])

BatchAction = enum.StrEnum("BatchAction", {name: name for name in BATCH_ACTIONS})


class BatchOutcome(Schema):
    id: int = Field(description="The proposal's id, as sent.")
    number: str = Field(description="Its number (案号) once registered; empty before, or when not visible.")
    title: str = Field(description="Its title (案由); empty when the caller may not see the proposal.")
    done: bool
    status: int = Field(description="200 when done; else 403, 404, 409 or 422 as the single action would answer.")
    message: str = Field(description="What was done, or why it was refused, in words fit to show to the user.")


class BatchResult(Schema):
    done: int = Field(description="How many proposals the action was taken on.")
    refused: int = Field(description="How many were refused (each says why).")
    results: list[BatchOutcome] = Field(description="One per id sent (repeats once), in the order sent.")


def _body_doc() -> dict:
    ids = {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
        "minItems": 1,
        "maxItems": MAX_BATCH,
        "description": f"The proposals to act on: 1 to {MAX_BATCH} ids.",
    }
    variants, examples = [], {}
    for name in BATCH_ACTIONS:
        schema = wf.PROPOSAL.input_json_schema(name)
        schema["properties"] = {"ids": ids, **schema.get("properties", {})}
        schema["required"] = ["ids", *schema.get("required", [])]
        variants.append(schema)
        examples[name] = {"summary": name, "value": {"ids": [101, 102, 105], **wf.PROPOSAL[name].example}}
    media = {"schema": {"anyOf": variants}, "examples": examples}
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def _body(request) -> dict:
    try:
        data = read_json(request.body or b"{}")
    except InvalidInput as refusal:
        if refusal.errors:
            raise
        raise Invalid(refusal.message, [{"field": None, "message": "invalid JSON"}]) from None
    if not isinstance(data, dict):
        raise Invalid(_("请求体须为 JSON 对象。"), [{"field": None, "message": "expected a JSON object"}])
    ids = data.get("ids")
    # Ids are JSON integers here (a page's form sends them as text and is read by ``batch.batch_ids`` alone).
    if isinstance(ids, list) and any(isinstance(v, bool) or not isinstance(v, int) for v in ids):
        raise InvalidInput(_("所选提案无效。"), {"ids": _("须为提案编号的列表")})
    return data


@router.post(
    "/proposals/batch-actions/{action}",
    response={200: BatchResult, **ERRORS},
    operation_id="proposals_batch_act",
    summary="Register or assign many proposals at once (批量立案、批量交办)",
    description=(
        "The proposal office's batch actions: `register` (立案; no other input) or `assign` (交办; the same body as "
        "the single `assign` action — `mode`, `units`, `due_date` — applied to every proposal). The body is that "
        f"input plus `ids`, 1 to {MAX_BATCH} proposal ids.\n\n"
        "Each proposal is checked and changed on its own, in its own transaction, exactly as "
        "`POST /proposals/{proposal_id}/actions/{action}` would: one refused proposal neither stops nor undoes the "
        "others. The answer is 200 with one result per id, in the order sent (repeats once): `done`, or `status` "
        "(403, 404, 409, 422) and `message` saying why in words. "
        "403 for a caller who is not the proposal office; 422, changing nothing, when `ids` is missing, empty, too "
        "long or not a list of ids, or when the shared input does not match the action's schema (`errors` names the "
        "fields)."
    ),
    openapi_extra=_body_doc(),
)
def proposals_batch(request, action: BatchAction):
    if not has_perm(request.user, "proposals.review"):
        raise Forbidden(_("只有提案委可以批量立案或交办。"))
    data = _body(request)
    ids = data.pop("ids", None)
    outcomes = proposals_batch_act(ids=ids, action=action.value, actor=request.user, payload=data)
    return {
        "done": sum(1 for o in outcomes if o.done),
        "refused": sum(1 for o in outcomes if not o.done),
        "results": [
            {"id": o.id, "number": o.number, "title": o.title, "done": o.done, "status": o.status, "message": o.message}
            for o in outcomes
        ],
    }
