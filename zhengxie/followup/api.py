"""The outcome follow-up API under ``/api/v1/``: outcome documents and recommendations, readable by those who may
see them (the secretariat and leaders all; the proposal office and overseers those of key proposals' supervision; a
department's staff the recommendations addressed to their department and the documents holding them), their
workflow actions, and a recommendation's evidence files. Each answer is the screen's read model
(``read_models``), as the pages render it.

Refusals are JSON ``{"message", "errors"?}``: 401 not signed in, 403 not the caller's to see or act on, 404 not
visible (or no such object), 409 not possible in the current state, 422 bad input. A refused call changes nothing.
"""

import datetime
import enum
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import Forbidden, NotFound, refusals
from zhengxie.core.api_types import Id, PageNumber, Year
from zhengxie.core.request_size import api_accepts_upload
from zhengxie.core.uploads import STORED_TYPES

from . import read_models, services
from . import workflow as wf
from .choices import DocumentState, RecommendationState, Source
from .models import Evidence
from .selectors import stale_cutoff, stale_q, visible_documents, visible_recommendations

router = Router(tags=["followup"])
MAX_PAGE = 200

DocumentAction = enum.StrEnum("DocumentAction", {n: n for n in wf.DOCUMENT.actions})
RecommendationAction = enum.StrEnum("RecommendationAction", {n: n for n in wf.RECOMMENDATION.actions})

_WHO = {
    wf.MANAGER: "the secretariat (for a key proposal's supervision also the proposal office and overseers)",
    wf.LEADER: "a leader",
    wf.UNIT: "staff (leaders included) of the recommendation's department",
}


def _actions_doc(flow) -> str:
    lines = []
    for name, step in flow.actions.items():
        fields = ", ".join(
            f"`{f}`" + ("" if info.is_required() else " optional") for f, info in step.schema.model_fields.items()
        )
        sources = ", ".join(sorted(str(s) for s in step.sources))
        targets = ", ".join(str(t) for t in step.targets) or "unchanged"
        who = "; ".join(_WHO[w] for w in sorted(step.who))
        lines.append(f"- `{name}` ({step.label}) — from: {sources}; to: {targets}; by: {who}. Body: {fields}.")
    return "\n".join(lines)


_STATUSES = (
    "403 when the caller may see the object but the action is not theirs; 404 when they may not see it (or there "
    "is no such object); 409 when the state does not allow it (the message says why); 422 when the body (or an "
    "unknown action) does not match the action's schema (`errors` names the fields). Nothing changes on any refusal."
)


def _may_read(request) -> None:
    if not has_perm(request.user, "followup.view"):
        raise Forbidden(_("您无权查看成果转化。"))


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


# Output ------------------------------------------------------------------------------------------------------


class FollowupActionOut(Schema):
    name: str = Field(description="The action's code, for POST …/actions/{action}.")
    label: str
    confirm: str = Field(description="The question to ask before taking it (irreversible), or empty.")


class RecommendationRowOut(Schema):
    id: int
    text: str
    document_id: int
    document_title: str
    source: Source
    source_label: str
    year: int
    unit_id: int
    unit_name: str
    weight: int
    due_date: datetime.date | None
    state: RecommendationState
    state_label: str
    percent: int = Field(description="How far it is carried out, 0–100.")
    last_update_at: datetime.datetime = Field(description="The latest answer or progress update (or its creation).")
    stale: bool = Field(description="Open and not updated for the set number of working days.")


class RecommendationPage(Schema):
    count: int
    items: list[RecommendationRowOut]


class RecommendationEvidenceOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime
    url: str = Field(description="Where the file downloads (the API's evidence download).")


class RecommendationTimelineOut(Schema):
    at: datetime.datetime
    date: datetime.date = Field(description="The day the step reports (a progress update's own date).")
    actor: str
    action: str
    action_label: str
    from_state_label: str
    to_state_label: str
    from_percent: int | None
    to_percent: int | None
    note: str
    evidence: list[RecommendationEvidenceOut]


class RecommendationOut(RecommendationRowOut):
    document_state: DocumentState
    source_title: str
    source_url: str
    answer_note: str
    answered_at: datetime.datetime | None
    allowed_actions: list[FollowupActionOut]
    timeline: list[RecommendationTimelineOut]
    evidence: list[RecommendationEvidenceOut]


class OutcomeInstructionOut(Schema):
    id: int
    leader: str
    level: str
    level_label: str
    date: datetime.date
    text: str


class OutcomeDocumentRowOut(Schema):
    id: int
    title: str
    kind_label: str
    source: Source
    source_label: str
    source_title: str
    year: int
    state: DocumentState
    state_label: str
    sent_on: datetime.date | None
    progress: Decimal | None = Field(
        description="Weighted average of its recommendations' percents, not-adopted ones left out; null when none "
        "counts."
    )
    recommendation_count: int


class OutcomeDocumentPage(Schema):
    count: int
    items: list[OutcomeDocumentRowOut]


class OutcomeDocumentOut(OutcomeDocumentRowOut):
    kind: str
    source_id: int
    source_url: str
    sent_to: str
    body: str
    recommendations: list[RecommendationRowOut] = Field(description="Those the caller may see.")
    instructions: list[OutcomeInstructionOut]
    allowed_actions: list[FollowupActionOut]


def _evidence_api_url(rec_id: int, evidence_id: int) -> str:
    return f"/api/v1/recommendations/{rec_id}/evidence/{evidence_id}"


def _row(r: read_models.RecommendationRow) -> dict:
    out = dict(r.__dict__)
    out.pop("url")
    return out


def _actions(items) -> list[dict]:
    return [{"name": a.name, "label": a.label, "confirm": a.confirm} for a in items]


def _evidence(rec_id: int, items) -> list[dict]:
    return [
        {
            "id": e.id,
            "name": e.name,
            "size": e.size,
            "uploaded_at": e.uploaded_at,
            "url": _evidence_api_url(rec_id, e.id),
        }
        for e in items
    ]


def _recommendation_out(user, rec_id: int) -> dict:
    rec = visible_recommendations(user).select_related("document", "unit").filter(pk=rec_id).first()
    if rec is None:
        raise NotFound(_("建议不存在或您无权查看。"))
    view = read_models.recommendation_view(rec, user)
    return {
        **_row(view.row),
        "document_state": view.document_state,
        "source_title": view.source_title,
        "source_url": view.source_url,
        "answer_note": view.answer_note,
        "answered_at": view.answered_at,
        "allowed_actions": _actions(view.allowed_actions),
        "timeline": [{**t.__dict__, "evidence": _evidence(rec.pk, t.evidence)} for t in view.timeline],
        "evidence": _evidence(rec.pk, view.evidence),
    }


def _document_out(user, doc_id: int) -> dict:
    doc = visible_documents(user).filter(pk=doc_id).first()
    if doc is None:
        raise NotFound(_("成果文件不存在或您无权查看。"))
    view = read_models.document_view(doc, user)
    out = dict(view.__dict__)
    out.pop("url")
    out["recommendations"] = [_row(r) for r in view.recommendations]
    out["instructions"] = [i.__dict__ for i in view.instructions]
    out["allowed_actions"] = _actions(view.allowed_actions)
    return out


# Outcome documents -------------------------------------------------------------------------------------------


class OutcomeDocumentFilters(Schema):
    year: Year | None = Field(None, description="The document's year.")
    source: Source | None = None
    source_id: Id | None = Field(None, description="With `source`: the source record (a consultation's id …).")
    state: DocumentState | None = None
    limit: PageNumber = Field(50, description="1–200.")
    offset: PageNumber = 0


@router.get(
    "/outcome-documents",
    response={200: OutcomeDocumentPage, **refusals(401, 403, 422)},
    operation_id="outcome_documents_list",
    summary="Outcome documents (成果文件)",
    description="The outcome documents the caller may see, newest first. Filters combine with AND; `count` is the "
    "total before paging (`limit`, `offset`).",
)
def list_documents(request, filters: Query[OutcomeDocumentFilters]):
    _may_read(request)
    qs = visible_documents(request.user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.source_id:
        qs = qs.filter(source_id=filters.source_id)
    if filters.state:
        qs = qs.filter(state=filters.state)
    limit, offset = _page(filters.limit, filters.offset)
    qs = qs.order_by("-year", "-id")
    return {"count": qs.count(), "items": [r.__dict__ for r in read_models.document_rows(qs[offset : offset + limit])]}


@router.get(
    "/outcome-documents/{document_id}",
    response={200: OutcomeDocumentOut, **refusals(401, 403, 404)},
    operation_id="outcome_documents_get",
    summary="An outcome document (成果文件详情)",
    description="The document with its computed progress, the recommendations the caller may see, the leaders' "
    "instructions and the caller's `allowed_actions`. 404 when it does not exist or the caller may not see it.",
)
def get_document(request, document_id: Id):
    _may_read(request)
    return _document_out(request.user, document_id)


@router.post(
    "/outcome-documents/{document_id}/actions/{action}",
    response={200: OutcomeDocumentOut, **refusals(401, 403, 404, 409, 422)},
    operation_id="outcome_documents_act",
    summary="Take an action on an outcome document (报送、录入批示)",
    description="The body is the action's schema; answers the updated document.\n\n"
    + _STATUSES
    + "\n\n"
    + _actions_doc(wf.DOCUMENT),
    openapi_extra=wf.DOCUMENT.openapi_body(list(wf.DOCUMENT.actions)),
)
def document_action(request, document_id: Id, action: DocumentAction):
    _may_read(request)
    services.document_act(
        document_id=document_id, action=action.value, actor=request.user, payload=json_object(request)
    )
    return _document_out(request.user, document_id)


# Recommendations ---------------------------------------------------------------------------------------------


class RecommendationFilters(Schema):
    year: Year | None = None
    source: Source | None = None
    unit_id: Id | None = Field(None, description="The department (handling unit) it is addressed to.")
    state: RecommendationState | None = None
    document_id: Id | None = None
    stale: bool | None = Field(None, description="true: only stale ones; false: none of them.")
    limit: PageNumber = Field(50, description="1–200.")
    offset: PageNumber = 0


@router.get(
    "/recommendations",
    response={200: RecommendationPage, **refusals(401, 403, 422)},
    operation_id="recommendations_list",
    summary="Recommendations (建议)",
    description="The recommendations the caller may see — the secretariat and leaders all, a department's staff "
    "those addressed to their department — most recently updated first. Filters combine with AND; `count` is the "
    "total before paging.",
)
def list_recommendations(request, filters: Query[RecommendationFilters]):
    _may_read(request)
    qs = visible_recommendations(request.user)
    for name in ("year", "source", "unit_id", "state", "document_id"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    cutoff = stale_cutoff()
    if filters.stale is not None:
        qs = qs.filter(stale_q(cutoff)) if filters.stale else qs.exclude(stale_q(cutoff))
    limit, offset = _page(filters.limit, filters.offset)
    qs = qs.order_by("-last_update_at", "-id")
    rows = read_models.recommendation_rows(qs[offset : offset + limit], cutoff=cutoff)
    return {"count": qs.count(), "items": [_row(r) for r in rows]}


@router.get(
    "/recommendations/{recommendation_id}",
    response={200: RecommendationOut, **refusals(401, 403, 404)},
    operation_id="recommendations_get",
    summary="A recommendation with its timeline (建议详情)",
    description="The recommendation, its answer, its dated timeline (who, when, what changed, evidence), its "
    "evidence files and the caller's `allowed_actions`. 404 when the caller may not see it.",
)
def get_recommendation(request, recommendation_id: Id):
    _may_read(request)
    return _recommendation_out(request.user, recommendation_id)


@router.post(
    "/recommendations/{recommendation_id}/actions/{action}",
    response={200: RecommendationOut, **refusals(401, 403, 404, 409, 422)},
    operation_id="recommendations_act",
    summary="Answer or update a recommendation (答复、更新落实进度)",
    description="`answer` {`status`, `note`}: the department's adoption answer; `update_progress` {`percent`, "
    "`note`, `date` optional}: a dated timeline entry (100 marks it done). Answers the updated recommendation.\n\n"
    + _STATUSES
    + "\n\n"
    + _actions_doc(wf.RECOMMENDATION),
    openapi_extra=wf.RECOMMENDATION.openapi_body(list(wf.RECOMMENDATION.actions)),
)
def recommendation_action(request, recommendation_id: Id, action: RecommendationAction):
    _may_read(request)
    services.recommendation_act(
        recommendation_id=recommendation_id, action=action.value, actor=request.user, payload=json_object(request)
    )
    return _recommendation_out(request.user, recommendation_id)


@router.post(
    "/recommendations/{recommendation_id}/evidence",
    response={201: RecommendationEvidenceOut, **refusals(401, 403, 404, 409, 413, 422)},
    operation_id="recommendations_add_evidence",
    summary="Upload an evidence file (上传佐证材料)",
    description="Multipart: `file`. The recommendation's department only, once it adopted it (in whole or part). "
    "The type is judged from the content — PDF, Word, Excel or an image — and the name's extension must match it; "
    "at most 20 MB (a larger declared body is refused with 413 before it is read). It is attached to the latest "
    "timeline entry.",
)
@decorate_view(api_accepts_upload(lambda: services.MAX_EVIDENCE_BYTES))
def upload_evidence(request, recommendation_id: Id, file: File[UploadedFile]):
    _may_read(request)
    data = file.read(services.MAX_EVIDENCE_BYTES + 1)
    row = services.evidence_add(
        actor=request.user, recommendation_id=recommendation_id, name=file.name or "", data=data
    )
    return Status(
        201,
        {
            "id": row.pk,
            "name": row.name,
            "size": row.size,
            "uploaded_at": row.uploaded_at,
            "url": _evidence_api_url(recommendation_id, row.pk),
        },
    )


@router.get(
    "/recommendations/{recommendation_id}/evidence/{evidence_id}",
    response={**refusals(401, 403, 404)},
    operation_id="recommendations_evidence_download",
    summary="Download an evidence file (下载佐证材料)",
    description="The file as uploaded, to those who may see the recommendation.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in STORED_TYPES},
            }
        }
    },
)
def download_evidence(request, recommendation_id: Id, evidence_id: Id):
    _may_read(request)
    if not visible_recommendations(request.user).filter(pk=recommendation_id).exists():
        raise NotFound(_("建议不存在或您无权查看。"))
    row = Evidence.objects.filter(pk=evidence_id, recommendation_id=recommendation_id).first()
    if row is None:
        raise NotFound(_("佐证材料不存在或您无权查看。"))
    try:
        handle = row.file.open("rb")
    except OSError:
        raise NotFound(_("佐证材料文件缺失。")) from None
    return FileResponse(handle, as_attachment=True, filename=row.name, content_type=row.content_type)
