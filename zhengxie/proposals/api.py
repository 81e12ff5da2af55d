"""The proposals API under /api/v1/: list, drafts, detail, workflow actions and attachments — a stable contract for
mobile clients. Endpoints only read input, call one service or action, and render what the caller may see; who may
do what comes from ``workflow.py`` through ``actions.py`` and is never decided here.

Refusals are JSON ``{"message", "errors"?}``: 401 not signed in, 404 not visible to the caller (or no such object),
403 visible but not the caller's to act on, 409 not possible in the current state, 422 bad input. A refused call
changes nothing.
"""

import enum

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from zhengxie.core.api_body import read_json
from zhengxie.core.api_errors import Invalid, NotFound
from zhengxie.core.exceptions import InvalidInput
from zhengxie.core.request_size import api_accepts_upload
from zhengxie.core.uploads import STORED_TYPES

from . import actions, read_models, selectors, services
from . import workflow as wf
from .choices import (
    AssignmentRole,
    AssignmentState,
    CosignState,
    ExcellentState,
    KeyState,
    ProposalState,
    ReplyState,
    Satisfaction,
)
from .conf import conf, grade_label, rejection_ground_label
from .models import Attachment
from .schemas import (
    ERRORS,
    AttachmentOut,
    ErrorOut,
    ProposalDetail,
    ProposalDraftIn,
    ProposalDraftPatch,
    ProposalFilters,
    ProposalPage,
)

router = Router(tags=["proposals"])

MAX_PAGE = 200

# The path's {action}: every action of the table a person can take. "edit" is PATCH /proposals/{id}; scheduled
# (system) moves are not offered.
ProposalAction = enum.StrEnum(
    "ProposalAction",
    {n: n for n, s in wf.PROPOSAL_ACTIONS.items() if wf.SYSTEM not in s.who and n != "edit"},
)
AssignmentAction = enum.StrEnum(
    "AssignmentAction", {n: n for n, s in wf.ASSIGNMENT_ACTIONS.items() if wf.SYSTEM not in s.who}
)

_WHO = {
    wf.AUTHOR: "the proposer who filed it",
    wf.INVITED: "an invited co-signer who has not answered",
    wf.EVALUATOR: "its proposer (and the proposers of proposals merged into it)",
    wf.OFFICE: "the proposal office",
    wf.LEADER: "a leader",
    wf.SUPERVISOR: "the supervising leader",
    wf.UNIT: "staff of the assigned unit",
    wf.UNIT_LEADER: "a leader of the assigned unit",
    wf.OVERSEER: "an overseer",
}


# Input ---------------------------------------------------------------------------------------------------------


def _json_object(request) -> dict:
    """The request body as a JSON object; an empty body is ``{}``. Anything else is 422, not ninja's 400."""
    if not request.body:
        return {}
    try:
        data = read_json(request.body)  # also refuses deep nesting, NUL and lone surrogates, naming the field
    except InvalidInput as refusal:
        if refusal.errors:
            raise
        raise Invalid(refusal.message, [{"field": None, "message": "invalid JSON"}]) from None
    if not isinstance(data, dict):
        raise Invalid(_("请求体须为 JSON 对象。"), [{"field": None, "message": "expected a JSON object"}])
    return data


def _validated(schema: type[BaseModel], data: dict) -> BaseModel:
    try:
        return schema.model_validate(data)
    except PydanticValidationError as e:
        # Same shape as ninja's own body errors, so the API's handler names the fields the same way.
        raise ValidationError(
            [{"loc": ("body", "payload", *err["loc"]), "msg": err["msg"]} for err in e.errors()]
        ) from None


def _json_body_doc(schema: type[BaseModel] | None = None, *, examples: dict | None = None, required=True) -> dict:
    if schema is not None:
        body_schema = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    else:
        body_schema = {"type": "object", "additionalProperties": True}
    media = {"schema": body_schema}
    if examples:
        media["examples"] = examples
    return {"requestBody": {"required": required, "content": {"application/json": media}}}


# Output --------------------------------------------------------------------------------------------------------


def _local(dt):
    return timezone.localtime(dt) if dt is not None else None


def _user_ref(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name or user.username}


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _attachment_out(a: Attachment) -> dict:
    return {
        "id": a.pk,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "reply_id": a.reply_id,
        "uploaded_at": _local(a.uploaded_at),
    }


def _reply_out(part: read_models.ReplyPart) -> dict:
    r = part.reply
    return {
        "id": r.pk,
        "round": r.round,
        "text": r.text,
        "grade": r.final_grade,
        "grade_label": grade_label(r.final_grade),
        "grade_note": r.grade_note,
        "state": r.state,
        "state_label": str(ReplyState(r.state).label),
        "signed_at": _local(r.signed_at),
        "approved_at": _local(r.approved_at),
        "return_comment": r.return_comment,
        "contact_person": r.contact_person,
        "contact_phone": r.contact_phone,
        "attachments": [_attachment_out(a) for a in part.files],
    }


def _step_label(action: str) -> str:
    return wf.step_label(action)


def _list_item(row: read_models.ListRow) -> dict:
    return {
        "id": row.pk,
        "number": row.number,
        "title": row.title,
        "year": row.year,
        "state": row.state,
        "state_label": row.state_label,
        "category": None if row.category_id is None else {"id": row.category_id, "name": row.category_name},
        "proposer": {
            "kind": row.proposer_kind,
            "name": row.proposer_name,
            "member_id": row.member_id,
            "collective_id": row.collective_id,
            "cosigner_count": row.cosigner_count,
        },
        "is_key": row.is_key,
        "is_excellent": row.is_excellent,
        "submitted_at": _local(row.submitted_at),
        "registered_at": _local(row.registered_at),
        "imported": row.imported,
    }


def _review(p) -> dict | None:
    if p.state not in (ProposalState.DRAFT, ProposalState.REJECTED, ProposalState.CONVERTED):
        return None
    if not (p.office_comment or p.rejection_ground or p.converted_kind):
        return None
    return {
        "rejection_ground": p.rejection_ground,
        "rejection_ground_label": rejection_ground_label(p.rejection_ground) if p.rejection_ground else "",
        "converted_kind": p.converted_kind,
        "comment": p.office_comment,
    }


def _detail(user, proposal_id: int) -> dict:
    p = selectors.proposal_get(user=user, pk=proposal_id)
    if p is None:
        raise NotFound(_("提案不存在或您无权查看。"))
    return _detail_of(user, p)


def _after_action(user, proposal_id: int):
    """The detail after a successful action, or 204 when the action took the proposal out of the caller's sight
    (the office returning a proposal to its author: a draft is the author's alone)."""
    p = selectors.proposal_get(user=user, pk=proposal_id)
    return Status(204, None) if p is None else _detail_of(user, p)


def _detail_of(user, p) -> dict:
    """The proposal's read model (``read_models.proposal_detail``) as the API writes it."""
    detail = read_models.proposal_detail(user, p)
    assignments_out = []
    for part in detail.assignments:
        a, reply, ext = part.assignment, part.reply, part.pending_extension
        assignments_out.append(
            {
                "id": a.pk,
                "unit": _ref(a.unit),
                "role": a.role,
                "role_label": str(AssignmentRole(a.role).label),
                "state": a.state,
                "state_label": str(AssignmentState(a.state).label),
                "round": a.round,
                "assigned_at": _local(a.assigned_at),
                "accepted_at": _local(a.accepted_at),
                "dispute_deadline": a.dispute_deadline,
                "due_date": a.due_date,
                "overdue": part.overdue,
                "reply": _reply_out(reply) if reply is not None else None,
                "co_opinion": part.co_opinion or None,
                "pending_extension": (
                    {"requested_due": ext.requested_due, "reason": ext.reason, "requested_at": _local(ext.requested_at)}
                    if ext is not None
                    else None
                ),
                "allowed_actions": part.allowed_actions,
            }
        )
    return {
        "id": p.pk,
        "number": p.number,
        "year": p.year,
        "state": p.state,
        "state_label": str(ProposalState(p.state).label),
        "title": p.title,
        "analysis": p.analysis,
        "suggestions": p.suggestions,
        "category": _ref(p.category),
        "is_session_proposal": p.is_session_proposal,
        "proposers": {
            "lead": _ref(p.lead_member),
            "collective": _ref(p.collective),
            "filed_by": p.author.display_name or p.author.username,
            "cosigners": [
                {
                    "member_id": c.member_id,
                    "name": c.member.name,
                    "state": c.state,
                    "state_label": str(CosignState(c.state).label),
                    "answered_at": _local(c.answered_at),
                }
                for c in detail.cosignatures
            ],
        },
        "suggested_units": [_ref(u) for u in detail.suggested_units],
        "assignments": assignments_out,
        "timeline": [
            {
                "at": _local(e.at),
                "actor": e.actor_label,
                "action": e.action,
                "action_label": _step_label(e.action),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
            }
            for e in detail.timeline
        ],
        "allowed_actions": detail.allowed_actions,
        "evaluations": [
            {
                "id": e.pk,
                "reply_id": e.reply_id,
                "unit": _ref(a.unit),
                "on_behalf_of": e.proposal_id,
                "satisfaction": e.satisfaction,
                "satisfaction_label": str(Satisfaction(e.satisfaction).label),
                "comment": e.comment,
                "at": _local(e.at),
            }
            for e, a in detail.evaluations
        ],
        "attachments": [_attachment_out(a) for a in detail.files],
        "review": _review(p),
        "merged_into": (
            None
            if p.merged_into is None
            else {"id": p.merged_into.pk, "number": p.merged_into.number, "title": p.merged_into.title}
        ),
        "key_state": p.key_state,
        "is_key": p.key_state == KeyState.APPROVED,
        "supervising_leader": _user_ref(p.supervising_leader),
        "excellent_state": p.excellent_state,
        "is_excellent": p.excellent_state == ExcellentState.APPROVED,
        "rehandling_count": p.rehandling_count,
        "created_at": _local(p.created_at),
        "submitted_at": _local(p.submitted_at),
        "cosign_deadline": _local(p.cosign_deadline),
        "registered_at": _local(p.registered_at),
        "assigned_at": _local(p.assigned_at),
        "replied_at": _local(p.replied_at),
        "evaluation_deadline": p.evaluation_deadline,
        "closed_at": _local(p.closed_at),
        "followup_on": p.followup_on,
    }


# List and drafts -----------------------------------------------------------------------------------------------


@router.get(
    "/proposals",
    response={200: ProposalPage, 401: ErrorOut, 422: ErrorOut},
    operation_id="proposals_list",
    summary="List proposals (提案列表)",
    description=(
        "The proposals the caller may see, newest first (by year and number): drafts only to their author; after "
        "submission to the proposers, the proposal office, leaders and overseers; registered ones to every member; "
        "a handling unit only what is assigned to it.\n\n"
        "Filters combine with AND. Page with `limit` (1–200) and `offset`; `count` is the total before paging."
    ),
)
def list_proposals(request, filters: Query[ProposalFilters]):
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    wanted = filters.dict(exclude={"limit", "offset"})
    rows = selectors.proposal_rows(user=request.user, filters=wanted)
    return {
        "count": rows.count(),
        "items": [_list_item(row) for row in read_models.list_rows(rows[offset : offset + limit])],
    }


@router.post(
    "/proposals",
    response={201: ProposalDetail, **ERRORS},
    operation_id="proposals_create_draft",
    summary="Create a draft (保存草稿)",
    description=(
        "Save a new draft. A serving member files in their own name; the contact of a collective proposer (or the "
        "proposal office) files in the collective's name with `collective_id` (no co-signers then). Unknown fields "
        "are refused (422). Nobody but the author sees a draft. Submit it with "
        "POST /api/v1/proposals/{id}/actions/submit. Answers 201 with the proposal's detail."
    ),
    openapi_extra=_json_body_doc(ProposalDraftIn, required=False),
)
def create_proposal(request):
    data = _validated(ProposalDraftIn, _json_object(request)).model_dump()
    if data["collective_id"] is None:
        del data["collective_id"]
    proposal = services.proposal_create_draft(author=request.user, data=data)
    return Status(201, _detail(request.user, proposal.pk))


@router.get(
    "/proposals/{proposal_id}",
    response={200: ProposalDetail, 401: ErrorOut, 404: ErrorOut},
    operation_id="proposals_get",
    summary="A proposal's detail (提案详情)",
    description=(
        "Everything about the proposal the caller may see: content, proposers with the co-signers' answers, "
        "suggested units, assignments (each with the reply the caller may read, or null, and the actions the caller "
        "may take on it), the timeline (internal steps of a unit only to the office and that unit), evaluations of "
        "the replies the caller may read, attachments, and `allowed_actions` — the workflow actions the caller may "
        "take now. 404 when the proposal does not exist or the caller may not see it."
    ),
)
def get_proposal(request, proposal_id: int):
    return _detail(request.user, proposal_id)


@router.patch(
    "/proposals/{proposal_id}",
    response={200: ProposalDetail, **ERRORS},
    operation_id="proposals_update_draft",
    summary="Edit a draft (修改草稿)",
    description=(
        "Change a draft (its author only; the `edit` action of `allowed_actions`). Only the fields sent change; "
        "`cosigner_ids` and `suggested_unit_ids` replace the lists. 409 once the proposal is submitted. Answers with "
        "the proposal's detail."
    ),
    openapi_extra=_json_body_doc(ProposalDraftPatch, required=False),
)
def update_proposal(request, proposal_id: int):
    data = _validated(ProposalDraftPatch, _json_object(request)).model_dump(exclude_unset=True)
    services.proposal_update_draft(proposal_id=proposal_id, actor=request.user, data=data)
    return _detail(request.user, proposal_id)


# Actions -------------------------------------------------------------------------------------------------------


def _actions_doc(flow, names) -> str:
    lines = []
    for name in names:
        step = flow[name]
        sources = ", ".join(sorted(str(s) for s in step.sources))
        who = "; ".join(_WHO[w] for w in sorted(step.who))
        fields = step.schema.model_fields
        body = ", ".join(f"`{f}`" + ("" if info.is_required() else " optional") for f, info in fields.items())
        lines.append(
            f"- `{name}` ({step.label}) — from: {sources}; by: {who}. Body: "
            + (f"{body} (schema `{name}` below)." if body else "No body.")
        )
    return "\n".join(lines)


_ACTION_STATUSES = (
    "204 (no body) when the action succeeded but took the proposal out of the caller's sight — the office returning "
    "a proposal for revision makes it its author's draft again. "
    "403 when the caller may see the proposal but the action is not theirs; 404 when they may not see it (or "
    "there is no such object); 409 when the current state or a rule of the workflow does not allow it (the message "
    "says why); 422 when the body is not a JSON object or does not match the action's schema (`errors` names the "
    "fields). "
    "Nothing changes on any refusal. An empty body counts as `{}`."
)


@router.post(
    "/proposals/{proposal_id}/actions/{action}",
    response={200: ProposalDetail, 204: None, **ERRORS},
    operation_id="proposals_act",
    summary="Take a workflow action on a proposal (提案操作)",
    description=(
        "Run one action of the proposal workflow; the caller's `allowed_actions` in the detail lists those possible "
        "now. The body is a JSON object whose keys depend on the action. Answers 200 with the updated detail.\n\n"
        + _ACTION_STATUSES
        + "\n\n"
        + _actions_doc(wf.PROPOSAL, [a.value for a in ProposalAction])
    ),
    openapi_extra=wf.PROPOSAL.openapi_body([a.value for a in ProposalAction]),
)
def proposal_action(request, proposal_id: int, action: ProposalAction):
    payload = _json_object(request)
    actions.proposal_act(proposal_id=proposal_id, action=action.value, actor=request.user, payload=payload)
    return _after_action(request.user, proposal_id)


@router.post(
    "/assignments/{assignment_id}/actions/{action}",
    response={200: ProposalDetail, 204: None, **ERRORS},
    operation_id="assignments_act",
    summary="Take a workflow action on an assignment (交办办理操作)",
    description=(
        "Run one action on an assignment (a proposal sent to one handling unit); each assignment in the proposal's "
        "detail lists the caller's `allowed_actions`. The body is a JSON object whose keys depend on the action. "
        "Answers 200 with the updated detail of the assignment's proposal.\n\n"
        + _ACTION_STATUSES
        + "\n\n"
        + _actions_doc(wf.ASSIGNMENT, [a.value for a in AssignmentAction])
    ),
    openapi_extra=wf.ASSIGNMENT.openapi_body([a.value for a in AssignmentAction]),
)
def assignment_action(request, assignment_id: int, action: AssignmentAction):
    payload = _json_object(request)
    assignment = actions.assignment_act(
        assignment_id=assignment_id, action=action.value, actor=request.user, payload=payload
    )
    return _after_action(request.user, assignment.proposal_id)


# Attachments ---------------------------------------------------------------------------------------------------


@router.post(
    "/proposals/{proposal_id}/attachments",
    response={201: AttachmentOut, **ERRORS, 413: ErrorOut},
    operation_id="proposals_attach",
    summary="Upload an attachment (上传附件)",
    description=(
        "Multipart upload: `file`, and `reply_id` to attach to a draft reply (staff of that reply's unit) instead "
        "of to the draft proposal itself (its author). The type is judged from the content — PDF, Word, Excel or an "
        "image — and the name's extension must match it (a PDF named `.html` is refused). The size limit is the "
        "PROPOSALS ATTACHMENT_MAX_BYTES setting (default 20 MB); a request declaring a larger body (Content-Length) "
        "is refused with 413 before it is read. The SHA-256 checksum is stored. 409 once the proposal or reply is "
        "submitted."
    ),
)
@decorate_view(api_accepts_upload(lambda: conf("ATTACHMENT_MAX_BYTES")))
def upload_attachment(request, proposal_id: int, file: File[UploadedFile], reply_id: Form[int | None] = None):
    # Read at most one byte past the limit: enough for the service to refuse an oversize file (after checking
    # who may upload), never a whole huge upload in memory.
    data = file.read(conf("ATTACHMENT_MAX_BYTES") + 1)
    att = services.attachment_add(
        proposal_id=proposal_id, actor=request.user, name=file.name or "", data=data, reply_id=reply_id
    )
    return Status(201, _attachment_out(att))


@router.get(
    "/attachments/{attachment_id}",
    response={401: ErrorOut, 404: ErrorOut},
    operation_id="attachments_download",
    summary="Download an attachment (下载附件)",
    description=(
        "The file, as uploaded, with its checked content type, to those who may see the proposal (and, for a "
        "reply's attachment, that reply). 404 otherwise."
    ),
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                # Served with the type checked when it was uploaded.
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in STORED_TYPES},
            }
        }
    },
)
def download_attachment(request, attachment_id: int):
    att = Attachment.objects.filter(pk=attachment_id).first()
    if att is None or not services.attachment_readable(attachment=att, user=request.user):
        raise NotFound(_("附件不存在或您无权查看。"))
    try:
        handle = att.file.open("rb")
    except OSError:
        raise NotFound(_("附件文件缺失。")) from None
    return FileResponse(handle, as_attachment=True, filename=att.name, content_type=att.content_type)


@router.delete(
    "/attachments/{attachment_id}",
    response={204: None, **ERRORS},
    operation_id="attachments_delete",
    summary="Delete an attachment (删除附件)",
    description=(
        "Remove an attachment the caller uploaded while the proposal (or reply) is still a draft: 403 for someone "
        "else's file, 409 once submitted."
    ),
)
def delete_attachment(request, attachment_id: int):
    services.attachment_remove(attachment_id=attachment_id, actor=request.user)
    return Status(204, None)
