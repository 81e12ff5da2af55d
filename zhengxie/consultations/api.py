"""The consultation API under ``/api/v1/``: plans (with their versions, steps, items, difference and actions),
consultations (with their stages, warnings and outcome documents), topic suggestions. Each screen's read model
(``read_models``) is written out here as the page renders it."""

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Id, PageNumber, Year
from zhengxie.core.exceptions import NotAllowed, NotVisible
from zhengxie.core.params import db_int
from zhengxie.core.request_size import api_accepts_upload
from zhengxie.core.uploads import STORED_TYPES

from . import read_models, selectors, services
from .choices import ConsultationKind, ConsultationState, PlanState, SuggestionSource
from .workflow import CONSULTATION, PLAN

router = Router(tags=["consultations"])


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, 200)), max(0, offset)


def _local(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _day(value):
    return value.isoformat() if value is not None else None


def _decimal(value):
    return None if value is None else str(value)


def _actions_doc(flow) -> str:
    lines = []
    for name, step in flow.actions.items():
        fields = ", ".join(
            f"`{f}`" + ("" if info.is_required() else " optional") for f, info in step.schema.model_fields.items()
        )
        sources = ", ".join(sorted(str(s) for s in step.sources))
        lines.append(f"- `{name}` ({step.label}) — from: {sources}. Body: " + (fields or "none") + ".")
    return "\n".join(lines)


# Plans ------------------------------------------------------------------------------------------------------------


class PlanFilters(Schema):
    year: Year | None = None
    state: PlanState | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


class PlanIn(Schema):
    year: Year
    title: str = ""


class PlanQuery(Schema):
    compare: Id | None = None


def _plan_row(plan) -> dict:
    return {
        "id": plan.pk,
        "year": plan.year,
        "version": plan.version,
        "title": plan.title,
        "state": plan.state,
        "state_label": str(plan.get_state_display()),
        "published_on": _day(plan.published_on),
    }


def _item_out(row: read_models.ItemRow) -> dict:
    item = row.item
    return {
        "id": item.pk,
        "lineage": item.lineage,
        "form": item.form,
        "form_label": str(item.get_form_display()),
        "topic": item.topic,
        "background": item.background,
        "lead_committee": None
        if item.lead_committee_id is None
        else {"id": item.lead_committee_id, "name": item.lead_committee.name},
        "counterpart": item.counterpart,
        "planned_month": item.planned_month,
        "suggestion_id": item.suggestion_id,
        "status": row.status,
        "consultation_id": row.consultation.pk if row.consultation else None,
        "progress": _decimal(row.progress),
    }


def _diff_out(diff) -> dict | None:
    if diff is None:
        return None

    def brief(item):
        return {"lineage": item.lineage, "topic": item.topic, "form_label": str(item.get_form_display())}

    return {
        "base_id": diff.base_id,
        "base_version": diff.base_version,
        "added": [brief(i) for i in diff.added],
        "removed": [brief(i) for i in diff.removed],
        "changed": [
            {
                "lineage": c.lineage,
                "topic": c.topic,
                "changes": [{"field": f.field, "label": f.label, "old": f.old, "new": f.new} for f in c.changes],
            }
            for c in diff.changed
        ],
    }


def plan_out(detail: read_models.PlanDetail) -> dict:
    plan = detail.plan
    return {
        **_plan_row(plan),
        "previous_id": plan.previous_id,
        "amendment_reason": plan.amendment_reason,
        "progress": _decimal(detail.progress),
        "versions": [{"id": v.pk, "version": v.version, "state": v.state} for v in detail.versions],
        "steps": [
            {
                "action": s.action,
                "action_label": str(PLAN.label(s.action) or s.action),
                "date": _day(s.date),
                "body": s.body,
                "document_number": s.document_number,
                "note": s.note,
                "recorded_by": str(s.recorded_by),
                "recorded_at": _local(s.recorded_at),
            }
            for s in detail.steps
        ],
        "items": [_item_out(r) for r in detail.items],
        "diff": _diff_out(detail.diff),
        "allowed_actions": detail.allowed_actions,
    }


@router.get("/consultation-plans", response={200: dict, **refusals(403)}, summary="Annual consultation plans")
def list_plans(request, filters: Query[PlanFilters]):
    """Every version for the secretariat and leaders; published versions for members."""
    if not has_perm(request.user, "consultations.view_plans"):
        raise NotAllowed(_("您无权查看协商计划。"))
    qs = selectors.plan_list(request.user, year=filters.year, state=filters.state)
    limit, offset = _page(filters.limit, filters.offset)
    return {"count": qs.count(), "items": [_plan_row(p) for p in qs[offset : offset + limit]]}


@router.post(
    "/consultation-plans",
    response={201: dict, **refusals(403, 409)},
    summary="Start a year's plan (a draft)",
    description="The secretariat's; 409 when the year has a plan already (a published one is amended instead).",
)
def create_plan(request, payload: PlanIn):
    plan = services.plan_create(actor=request.user, year=payload.year, title=payload.title)
    return Status(201, plan_out(read_models.plan_detail(request.user, selectors.plan_get(request.user, plan.pk))))


def _visible_plan(request, plan_id: int):
    plan = selectors.plan_get(request.user, plan_id)
    if plan is None:
        raise NotVisible(_("协商计划不存在或您无权查看。"))
    return plan


@router.get(
    "/consultation-plans/{plan_id}",
    response={200: dict, **refusals(404)},
    summary="A plan version: steps, items, other versions, the difference and the caller's actions",
    description="`diff` compares with the previous version, or with the version `compare` names.",
)
def get_plan(request, plan_id: int, query: Query[PlanQuery]):
    plan = _visible_plan(request, plan_id)
    other = selectors.plan_get(request.user, query.compare) if query.compare else None
    return plan_out(read_models.plan_detail(request.user, plan, compare_with=other))


@router.post(
    "/consultation-plans/{plan_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take an action on a plan",
    openapi_extra=PLAN.openapi_body(list(PLAN.actions)),
    description="The body is the action's schema. `amend` answers the new version. 403 not allowed, 404 not "
    "visible or no such action, 409 not in this state or a rule refuses it, 422 bad input.\n\n" + _actions_doc(PLAN),
)
def plan_action(request, plan_id: int, action: str):
    plan = services.plan_act(plan_id=plan_id, action=action, actor=request.user, payload=json_object(request))
    return plan_out(read_models.plan_detail(request.user, _visible_plan(request, plan.pk)))


# Consultations ----------------------------------------------------------------------------------------------------


class ConsultationFilters(Schema):
    year: Year | None = None
    state: ConsultationState | None = None
    kind: ConsultationKind | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


class ConsultationIn(Schema):
    plan_item_id: Id | None = None
    title: str = ""
    kind: ConsultationKind = ConsultationKind.CONSULTATION
    form: str = ""
    year: Year | None = None
    background: str = ""
    lead_committee_id: Id | None = None
    counterpart: str = ""


def _consultation_row(c, progress) -> dict:
    return {
        "id": c.pk,
        "year": c.year,
        "kind": c.kind,
        "kind_label": str(c.get_kind_display()),
        "form": c.form,
        "form_label": str(c.get_form_display()),
        "title": c.title,
        "state": c.state,
        "state_label": str(c.get_state_display()),
        "plan_item_id": c.plan_item_id,
        "lead_committee": c.lead_committee.name if c.lead_committee_id else None,
        "counterpart": c.counterpart,
        "progress": _decimal(progress),
    }


def material_url(m) -> str:
    return f"/api/v1/consultations/{m.consultation_id}/materials/{m.pk}"


def material_out(m) -> dict:
    return {
        "id": m.pk,
        "stage": m.stage,
        "stage_label": str(m.get_stage_display()),
        "name": m.name,
        "content_type": m.content_type,
        "size": m.size,
        "sha256": m.sha256,
        "uploaded_at": _local(m.uploaded_at),
        "url": material_url(m),
    }


def consultation_out(detail: read_models.ConsultationDetail) -> dict:
    c = detail.consultation
    meeting = detail.meeting
    return {
        **_consultation_row(c, detail.progress),
        "background": c.background,
        "stages": [{"stage": code, "label": words, "status": status} for code, words, status in detail.stages],
        "briefing": {"date": _day(c.briefing_date), "by": c.briefing_by, "summary": c.briefing_summary},
        "group": [
            {
                "member_id": g.member_id,
                "user_id": g.user_id,
                "name": g.member.name if g.member_id else str(g.user),
                "is_head": g.is_head,
            }
            for g in detail.group
        ],
        "visits": [
            {
                "activity_id": s.id,
                "title": s.title,
                "kind": s.kind,
                "kind_name": s.kind_name,
                "start": _local(s.start),
                "place": s.place,
                "state": s.state,
                "invited": n.invited if n else 0,
                "checked_in": n.checked_in if n else 0,
            }
            for s, n in detail.visits
        ],
        "research_report": c.research_report,
        "meeting": None
        if meeting is None
        else {
            "activity_id": meeting.id,
            "title": meeting.title,
            "start": _local(meeting.start),
            "end": _local(meeting.end),
            "place": meeting.place,
            "state": meeting.state,
            "notice_on": _day(detail.notice_on),
            "record": {
                "briefing": c.meeting_briefing,
                "questions": c.meeting_questions,
                "answers": c.meeting_answers,
                "speeches": c.meeting_speeches,
            },
        },
        "materials": [material_out(m) for items in detail.materials.values() for m in items],
        "documents": [
            {
                "id": d.id,
                "title": d.title,
                "kind": d.kind,
                "kind_label": d.kind_label,
                "url": d.url,
                "sent_on": _day(d.sent_on),
                "progress": _decimal(d.progress),
                "recommendation_count": d.recommendation_count,
                "instruction_count": d.instruction_count,
            }
            for d in detail.documents
        ],
        "warnings": [
            {"code": w.code, "message": w.message, "due": _day(w.due), "done_on": _day(w.done_on)}
            for w in detail.warnings
        ],
        "allowed_actions": detail.allowed_actions,
    }


@router.get("/consultations", response={200: dict, **refusals(403)}, summary="Consultations and key research topics")
def list_consultations(request, filters: Query[ConsultationFilters]):
    if not has_perm(request.user, "consultations.view_consultations"):
        raise NotAllowed(_("您无权查看协商活动。"))
    qs = selectors.consultation_list(request.user, year=filters.year, state=filters.state, kind=filters.kind)
    limit, offset = _page(filters.limit, filters.offset)
    rows = read_models.consultation_rows(qs[offset : offset + limit])
    return {"count": qs.count(), "items": [_consultation_row(r.consultation, r.progress) for r in rows]}


def _visible_consultation(request, consultation_id: int):
    c = selectors.consultation_get(request.user, consultation_id)
    if c is None:
        raise NotVisible(_("协商不存在或您无权查看。"))
    return c


@router.post(
    "/consultations",
    response={201: dict, **refusals(403, 409)},
    summary="Start a consultation (of a plan item, or a key research topic)",
    description="With `plan_item_id` (an item of a published plan) the topic, form, year, committee and counterpart "
    "come from the item; otherwise give `title`, `kind`, `form` and `year`. 409 when the item is not published or "
    "already consulted on.",
)
def create_consultation(request, payload: ConsultationIn):
    c = services.consultation_create(actor=request.user, **payload.dict())
    return Status(
        201, consultation_out(read_models.consultation_detail(request.user, _visible_consultation(request, c.pk)))
    )


@router.get(
    "/consultations/{consultation_id}",
    response={200: dict, **refusals(404)},
    summary="A consultation: stages, group, visits, meeting, outcome documents, warnings and the caller's actions",
)
def get_consultation(request, consultation_id: int):
    return consultation_out(
        read_models.consultation_detail(request.user, _visible_consultation(request, consultation_id))
    )


@router.post(
    "/consultations/{consultation_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take an action on a consultation",
    openapi_extra=CONSULTATION.openapi_body(list(CONSULTATION.actions)),
    description="The body is the action's schema (below); times are ISO 8601 (the committee's zone when none is "
    "given). 403 not allowed, 404 not visible or no such action, 409 not in this stage or a rule refuses it, 422 "
    "bad input.\n\n" + _actions_doc(CONSULTATION),
)
def consultation_action(request, consultation_id: int, action: str):
    services.consultation_act(
        consultation_id=consultation_id, action=action, actor=request.user, payload=json_object(request)
    )
    return consultation_out(
        read_models.consultation_detail(request.user, _visible_consultation(request, consultation_id))
    )


# Materials --------------------------------------------------------------------------------------------------------


def _known(pk: int, message: str) -> int:
    """A path's id as the database can hold it; one beyond 64 bits is not found, like any unknown id."""
    if db_int(pk) is None or pk < 1:
        raise NotVisible(message)
    return pk


@router.post(
    "/consultations/{consultation_id}/materials",
    response={201: dict, **refusals(403, 404, 409, 413)},
    summary="Upload a material of a stage (briefing or meeting materials, the research report)",
    description="Multipart: `file` (PDF, Word, Excel or an image, judged by its content; the name's extension must "
    "match; at most 20 MB) and `stage` (`topic`, `briefing`, `research`, `meeting`, `outcome`; the consultation's "
    "current stage when left out — a `meeting` material is what the 10-working-day rule counts). The secretariat's, "
    "as on the page; checked and audited as the page's upload is. 403 not the secretariat, 404 not visible, 409 "
    "closed or cancelled, 413 a body declared larger than the limit, 422 an empty, oversize or unaccepted file or "
    "an unknown stage — nothing is written on a refusal. Answers the material with its download `url`.",
)
@decorate_view(api_accepts_upload(lambda: services.MATERIAL_MAX_BYTES))
def upload_material(request, consultation_id: int, file: File[UploadedFile], stage: Form[str] = ""):
    _known(consultation_id, _("协商不存在或您无权查看。"))
    # At most one byte past the limit: enough for the service to refuse an oversize file, never a huge one in memory.
    data = file.read(services.MATERIAL_MAX_BYTES + 1)
    material = services.material_add(
        consultation_id=consultation_id, actor=request.user, name=file.name or "", data=data, stage=stage
    )
    return Status(201, material_out(material))


@router.get(
    "/consultations/{consultation_id}/materials/{material_id}",
    response={**refusals(404)},
    summary="Download a material",
    description="The file as uploaded, with its checked content type, to those who may read the consultation; 404 "
    "otherwise.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in STORED_TYPES},
            }
        }
    },
)
def download_material(request, consultation_id: int, material_id: int):
    _known(material_id, _("材料不存在。"))
    c = _visible_consultation(request, _known(consultation_id, _("协商不存在或您无权查看。")))
    material = c.materials.filter(pk=material_id).first()
    if material is None:
        raise NotVisible(_("材料不存在。"))
    try:
        handle = material.file.open("rb")
    except OSError:
        raise NotVisible(_("材料文件缺失。")) from None
    return FileResponse(handle, as_attachment=True, filename=material.name, content_type=material.content_type)


# Topic suggestions ------------------------------------------------------------------------------------------------


class SuggestionFilters(Schema):
    year: Year | None = None
    source: SuggestionSource | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


class SuggestionIn(Schema):
    year: Year
    title: str
    reason: str = ""
    source: SuggestionSource | None = None
    source_name: str = ""
    special_committee_id: Id | None = None


def suggestion_out(s) -> dict:
    return {
        "id": s.pk,
        "year": s.year,
        "title": s.title,
        "reason": s.reason,
        "source": s.source,
        "source_label": str(s.get_source_display()),
        "by": s.member.name if s.member_id else s.source_name,
        "special_committee": s.special_committee.name if s.special_committee_id else None,
        "submitted_at": _local(s.submitted_at),
    }


@router.get("/topic-suggestions", response={200: dict, **refusals(403)}, summary="Topic suggestions (选题建议)")
def list_suggestions(request, filters: Query[SuggestionFilters]):
    """All for the secretariat and leaders; a member's own for a member."""
    if not has_perm(request.user, "consultations.view_suggestions"):
        raise NotAllowed(_("您无权查看选题建议。"))
    qs = selectors.suggestion_list(request.user, year=filters.year, source=filters.source)
    limit, offset = _page(filters.limit, filters.offset)
    return {"count": qs.count(), "items": [suggestion_out(s) for s in qs[offset : offset + limit]]}


@router.post(
    "/topic-suggestions",
    response={201: dict, **refusals(403)},
    summary="Suggest a topic",
    description="A member suggests in their own name, or for a special committee they sit on "
    "(`special_committee_id`); the secretariat enters topics set by leaders, proposed by departments or by the "
    "public (`source`: leader, department, public, with `source_name`).",
)
def create_suggestion(request, payload: SuggestionIn):
    if not has_perm(request.user, "consultations.suggest"):
        raise NotAllowed(_("您无权提交选题建议。"))
    s = services.suggestion_submit(actor=request.user, **payload.dict())
    return Status(201, suggestion_out(selectors.suggestion_list(request.user).get(pk=s.pk)))
