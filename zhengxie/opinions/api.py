"""The opinion reports API under ``/api/v1/opinions``: list with filters, drafts, detail with ``allowed_actions``
and versions, the workflow's actions and attachments. Endpoints read input, call one service or action, and write
out the screen's read model (``read_models.report_detail``); who may do what comes from ``workflow.py``.

Refusals are JSON ``{"message", "errors"?}``: 401 not signed in, 404 not visible to the caller (or no such object),
403 visible but not the caller's to act on, 409 not possible in the current state, 422 bad input. A refused call
changes nothing."""

import datetime
import enum
from typing import Literal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import Forbidden, NotFound, refusals
from zhengxie.core.api_types import Id, PageNumber, Year
from zhengxie.core.request_size import api_accepts_upload
from zhengxie.core.uploads import STORED_TYPES

from . import read_models, selectors, services
from . import workflow as wf
from .choices import Level, ProposerKind, ReportState
from .models import OpinionAttachment

router = Router(tags=["opinions"])
MAX_PAGE = 200
ERRORS = refusals(401, 403, 404, 409, 422)
ReportAction = enum.StrEnum("ReportAction", {n: n for n, s in wf.OPINION.actions.items() if wf.SYSTEM not in s.who})
_WHO = {
    wf.AUTHOR: "the author who filed it",
    wf.INVITED: "an invited co-author who has not answered",
    wf.EDITOR: "an editor (信息员)",
    wf.LEADER: "a leader",
    wf.STAFF: "the secretariat (editors included)",
}


# Schemas -------------------------------------------------------------------------------------------------------


class OpinionFilters(Schema):
    year: Year | None = Field(None, description="Report year (年度).")
    state: ReportState | None = Field(None, description="Only reports in this state.")
    category: Id | None = Field(None, description="Category id.")
    level: Level | None = Field(None, description="Only reports sent to this level (city, province, national).")
    mine: bool | None = Field(None, description="true: reports the caller wrote (filed, lead or co-author).")
    # The statistics' figures (GET /api/v1/opinions/statistics) list their reports with these.
    received: bool | None = Field(None, description="true: received (not a draft).")
    signed_off: bool | None = Field(None, description="true: signed off (签发), whatever happened since.")
    reported: bool | None = Field(None, description="true: reported upward to at least one level.")
    instructed: bool | None = Field(None, description="true: with at least one leader's instruction (批示).")
    adopted: Literal["city", "province", "national", "any"] | None = Field(
        None, description="Adopted by this level, or by any level."
    )
    member: Id | None = Field(None, description="Member id: lead author or confirmed co-author.")
    sector: Id | None = Field(None, description="Sector id of the lead author when submitted.")
    proposer_kind: ProposerKind | None = Field(None, description="member | collective | staff")
    limit: PageNumber = Field(50, description="Page size, 1–200 (larger values are capped at 200).")
    offset: PageNumber = Field(0, description="Items to skip.")


class OpinionRef(Schema):
    id: int
    name: str


class OpinionLevelOut(Schema):
    level: str
    level_label: str
    status: str = Field(description="未报送 / 已报送，未采用 / 已采用, in words.")
    reported_on: datetime.date | None
    adopted_on: datetime.date | None
    publication: str


class OpinionRow(Schema):
    id: int
    number: str
    title: str
    year: int
    state: str
    state_label: str
    category: str
    proposer: str
    submitted_at: datetime.datetime | None
    levels: list[OpinionLevelOut]


class OpinionPage(Schema):
    count: int
    items: list[OpinionRow]


class OpinionCoAuthorOut(Schema):
    member_id: int
    name: str
    state: str
    state_label: str


class OpinionVersionOut(Schema):
    number: int
    title: str
    content: str
    suggestions: str
    by: str
    at: datetime.datetime
    note: str


class OpinionInstructionOut(Schema):
    level: str
    level_label: str
    leader: str
    date: datetime.date
    text: str


class OpinionAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime


class OpinionEventOut(Schema):
    at: datetime.datetime
    actor: str
    action_label: str
    note: str


class OpinionProposalRef(Schema):
    id: int
    number: str
    title: str


class OpinionDetail(Schema):
    id: int
    number: str
    year: int
    state: str
    state_label: str
    title: str
    content: str
    suggestions: str
    category: OpinionRef | None
    proposer_kind: str
    proposer: str
    lead_member: OpinionRef | None
    collective: OpinionRef | None
    coauthors: list[OpinionCoAuthorOut]
    submitted_at: datetime.datetime | None
    signed_off_at: datetime.datetime | None
    archive_reason: str
    levels: list[OpinionLevelOut]
    instructions: list[OpinionInstructionOut]
    versions: list[OpinionVersionOut]
    attachments: list[OpinionAttachmentOut]
    events: list[OpinionEventOut]
    from_proposal: OpinionProposalRef | None
    allowed_actions: list[str]


class OpinionDraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field("", max_length=200)
    content: str = Field("", max_length=20000)
    suggestions: str = Field("", max_length=20000)
    category_id: Id | None = None
    coauthor_ids: list[Id] = Field(default_factory=list, max_length=50)
    collective_id: Id | None = Field(None, description="File in the name of a collective the caller is contact of.")
    as_staff: bool = Field(False, description="File as the secretariat's staff (not as a member).")


class OpinionDraftPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=200)
    content: str | None = Field(None, max_length=20000)
    suggestions: str | None = Field(None, max_length=20000)
    category_id: Id | None = None
    coauthor_ids: list[Id] | None = Field(None, max_length=50)


# Output --------------------------------------------------------------------------------------------------------


def _local(dt):
    return timezone.localtime(dt) if dt is not None else None


def _levels(fates) -> list[dict]:
    return [
        {
            "level": f.level,
            "level_label": f.label,
            "status": str(f.words),
            "reported_on": f.reported_on,
            "adopted_on": f.adopted_on,
            "publication": f.publication,
        }
        for f in fates
    ]


def _row(row: read_models.ReportRow) -> dict:
    return {
        "id": row.id,
        "number": row.number,
        "title": row.title,
        "year": row.year,
        "state": row.state,
        "state_label": str(row.state_label),
        "category": row.category,
        "proposer": row.proposer,
        "submitted_at": _local(row.submitted_at),
        "levels": _levels(row.levels),
    }


def _detail(user, report_id: int) -> dict:
    r = selectors.report_get(user=user, pk=report_id)
    if r is None:
        raise NotFound(_("社情民意信息不存在或您无权查看。"))
    d = read_models.report_detail(r, user)
    return {
        "id": r.pk,
        "number": r.number,
        "year": r.year,
        "state": r.state,
        "state_label": str(r.get_state_display()),
        "title": r.title,
        "content": r.content,
        "suggestions": r.suggestions,
        "category": {"id": r.category.pk, "name": r.category.name} if r.category_id else None,
        "proposer_kind": r.proposer_kind,
        "proposer": d.row.proposer,
        "lead_member": {"id": r.lead_member.pk, "name": r.lead_member.name} if r.lead_member_id else None,
        "collective": {"id": r.collective.pk, "name": r.collective.name} if r.collective_id else None,
        "coauthors": [{**c, "state_label": str(c["state_label"])} for c in d.coauthors],
        "submitted_at": _local(r.submitted_at),
        "signed_off_at": _local(r.signed_off_at),
        "archive_reason": d.archive_reason,
        "levels": _levels(d.levels),
        "instructions": [
            {
                "level": i.level,
                "level_label": str(i.get_level_display()),
                "leader": i.leader,
                "date": i.date,
                "text": i.text,
            }
            for i in d.instructions
        ],
        "versions": [
            {
                "number": v.number,
                "title": v.title,
                "content": v.content,
                "suggestions": v.suggestions,
                "by": v.by_label,
                "at": _local(v.at),
                "note": v.note,
            }
            for v in d.versions
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": _local(a.uploaded_at),
            }
            for a in d.attachments
        ],
        "events": [
            {"at": _local(e["at"]), "actor": e["actor_label"], "action_label": e["label"], "note": e["note"]}
            for e in d.events
        ],
        "from_proposal": d.proposal,
        "allowed_actions": d.allowed_actions,
    }


def _require(request, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise Forbidden(_("您无权使用社情民意信息。"))


def _validated(schema: type[BaseModel], data: dict) -> BaseModel:
    try:
        return schema.model_validate(data)
    except PydanticValidationError as e:
        raise ValidationError(
            [{"loc": ("body", "payload", *err["loc"]), "msg": err["msg"]} for err in e.errors()]
        ) from None


def _body_doc(schema: type[BaseModel]) -> dict:
    body = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": body}}}}


# Operations ----------------------------------------------------------------------------------------------------


@router.get(
    "/opinions",
    response={200: OpinionPage, **refusals(401, 403, 422)},
    operation_id="opinions_list",
    summary="List opinion reports (社情民意列表)",
    description=(
        "The reports the caller may see, newest first: drafts only to their author (and invited co-authors); after "
        "submission to the authors, the secretariat, its editors and the leaders. Filters combine with AND. Page "
        "with `limit` (1–200) and `offset`; `count` is the total before paging."
    ),
)
def list_reports(request, filters: Query[OpinionFilters]):
    _require(request, "opinions.view")
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    wanted = filters.dict(exclude={"limit", "offset"})
    qs = selectors.report_list(user=request.user, filters=wanted)
    rows = read_models.report_rows(*selectors.report_row_values(qs[offset : offset + limit]))
    return {"count": qs.count(), "items": [_row(row) for row in rows]}


@router.post(
    "/opinions",
    response={201: OpinionDetail, **ERRORS},
    operation_id="opinions_create_draft",
    summary="Create a draft (保存社情民意草稿)",
    description=(
        "Save a new draft: a serving member files in their own name (with `coauthor_ids`, invited to confirm); a "
        "collective's contact with `collective_id`; the secretariat's staff with `as_staff`. Submit it with "
        "POST /api/v1/opinions/{id}/actions/submit. Answers 201 with the report's detail."
    ),
    openapi_extra=_body_doc(OpinionDraftIn),
)
def create_report(request):
    data = _validated(OpinionDraftIn, json_object(request)).model_dump()  # a bad body is 422 whoever sends it
    _require(request, "opinions.write")
    for key in ("collective_id", "as_staff"):
        if not data[key]:
            del data[key]
    report = services.report_create_draft(author=request.user, data=data)
    return Status(201, _detail(request.user, report.pk))


@router.get(
    "/opinions/{report_id}",
    response={200: OpinionDetail, **refusals(401, 403, 404)},
    operation_id="opinions_get",
    summary="An opinion report's detail (社情民意详情)",
    description=(
        "The report, its co-authors' answers, every version (the text as submitted and after each edit), its fate "
        "at every level (reported, adopted with date and publication), instructions, attachments, its progress, "
        "and `allowed_actions` — the workflow actions the caller may take now. 404 when not visible."
    ),
)
def get_report(request, report_id: Id):
    _require(request, "opinions.view")
    return _detail(request.user, report_id)


@router.patch(
    "/opinions/{report_id}",
    response={200: OpinionDetail, **ERRORS},
    operation_id="opinions_update_draft",
    summary="Edit a draft (修改社情民意草稿)",
    description="Change a draft (its author only). Only the fields sent change; `coauthor_ids` replaces the list.",
    openapi_extra=_body_doc(OpinionDraftPatch),
)
def update_report(request, report_id: Id):
    data = _validated(OpinionDraftPatch, json_object(request)).model_dump(exclude_unset=True)
    _require(request, "opinions.write")
    services.report_update_draft(report_id=report_id, actor=request.user, data=data)
    return _detail(request.user, report_id)


def _actions_doc(names) -> str:
    lines = []
    for name in names:
        step = wf.OPINION[name]
        sources = ", ".join(sorted(str(s) for s in step.sources))
        who = "; ".join(_WHO[w] for w in sorted(step.who))
        fields = step.schema.model_fields
        body = ", ".join(f"`{f}`" + ("" if info.is_required() else " optional") for f, info in fields.items())
        lines.append(
            f"- `{name}` ({step.label}) — from: {sources}; by: {who}. Body: "
            + (f"{body} (schema `{name}` below)." if body else "No body.")
        )
    return "\n".join(lines)


@router.post(
    "/opinions/{report_id}/actions/{action}",
    response={200: OpinionDetail, **ERRORS},
    operation_id="opinions_act",
    summary="Take a workflow action on an opinion report (社情民意操作)",
    description=(
        "Run one action of the report workflow; `allowed_actions` in the detail lists those possible now. Answers "
        "200 with the updated detail. 403 when the caller may see the report but the action is not theirs; 404 when "
        "not visible; 409 when the state or a rule does not allow it; 422 when the body does not match the action's "
        "schema. Nothing changes on any refusal. An empty body counts as `{}`.\n\n"
        + _actions_doc([a.value for a in ReportAction])
    ),
    openapi_extra=wf.OPINION.openapi_body([a.value for a in ReportAction]),
)
def report_action(request, report_id: Id, action: ReportAction):
    payload = json_object(request)
    _require(request, "opinions.view")
    services.report_act(report_id=report_id, action=action.value, actor=request.user, payload=payload)
    return _detail(request.user, report_id)


@router.post(
    "/opinions/{report_id}/attachments",
    response={201: OpinionAttachmentOut, **ERRORS, **refusals(413)},
    operation_id="opinions_attach",
    summary="Upload an attachment (上传社情民意附件)",
    description=(
        "Multipart upload of `file` to a draft (its author) or to a report being edited (an editor). The type is "
        "judged from the content (PDF, Word, Excel or an image) and the extension must match; at most 20 MB."
    ),
)
@decorate_view(api_accepts_upload(lambda: services.ATTACHMENT_MAX_BYTES))
def upload_attachment(request, report_id: Id, file: File[UploadedFile]):
    _require(request, "opinions.view")
    data = file.read(services.ATTACHMENT_MAX_BYTES + 1)
    att = services.attachment_add(report_id=report_id, actor=request.user, name=file.name or "", data=data)
    return Status(
        201,
        {
            "id": att.pk,
            "name": att.name,
            "content_type": att.content_type,
            "size": att.size,
            "sha256": att.sha256,
            "uploaded_at": _local(att.uploaded_at),
        },
    )


@router.get(
    "/opinions/attachments/{opinion_attachment_id}",
    response={**refusals(401, 403, 404)},
    operation_id="opinions_attachment_download",
    summary="Download an attachment (下载社情民意附件)",
    description="The file as uploaded, to those who may see the report; 404 otherwise.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in STORED_TYPES},
            }
        }
    },
)
def download_attachment(request, opinion_attachment_id: Id):
    _require(request, "opinions.view")
    att = OpinionAttachment.objects.filter(pk=opinion_attachment_id).first()
    if att is None or not services.attachment_readable(attachment=att, user=request.user):
        raise NotFound(_("附件不存在或您无权查看。"))
    try:
        handle = att.file.open("rb")
    except OSError:
        raise NotFound(_("附件文件缺失。")) from None
    return FileResponse(handle, as_attachment=True, filename=att.name, content_type=att.content_type)
