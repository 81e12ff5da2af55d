"""The democratic supervision API under ``/api/v1/``: the yearly plans and their topics (paginated, filtered by
year, state and department), each written from the same read model as its page, and their workflow actions
(``POST …/actions/{action}``, each body the action's declared schema)."""

import enum

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Id, PageNumber, Year
from zhengxie.core.exceptions import NotAllowed, NotVisible
from zhengxie.core.params import db_int
from zhengxie.core.request_size import api_accepts_upload

from . import read_models, services
from .choices import PlanState, TopicState
from .selectors import visible_plans, visible_topics
from .workflow import PLAN, PLAN_PATH_ACTIONS, TOPIC, TOPIC_PATH_ACTIONS

router = Router(tags=["supervision"])

PlanAction = enum.StrEnum("PlanAction", {n: n for n in PLAN_PATH_ACTIONS})
TopicAction = enum.StrEnum("TopicAction", {n: n for n in TOPIC_PATH_ACTIONS})
PlanStateFilter = enum.StrEnum("PlanStateFilter", {s: s for s in PlanState.values})
TopicStateFilter = enum.StrEnum("TopicStateFilter", {s: s for s in TopicState.values})


def _readable(request) -> None:
    if not has_perm(request.user, "supervision.view"):
        raise NotAllowed(_("您的角色不能查看民主监督。"))


def _date(value):
    return value.isoformat() if value is not None else None


def _instant(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _checklist_out(checklist) -> list[dict]:
    return [{"have": i.have, "label": i.label, "done": i.done, "detail": i.detail} for i in checklist.items]


def _topic_row_out(row) -> dict:
    t = row.topic
    return {
        "id": t.pk,
        "plan_id": t.plan_id,
        "year": t.plan.year,
        "title": t.title,
        "form": t.form,
        "form_label": str(t.get_form_display()),
        "department": {"id": t.department_id, "name": t.department.name},
        "state": t.state,
        "state_label": str(t.get_state_display()),
        "haves_done": row.haves_done,
        "missing": row.checklist.missing,
        "readable": row.visible,
    }


def _plan_out(plan, *, topics=None, allowed=None) -> dict:
    out = {
        "id": plan.pk,
        "year": plan.year,
        "title": plan.title,
        "description": plan.description,
        "state": plan.state,
        "state_label": str(plan.get_state_display()),
        "approval": None
        if plan.approved_on is None
        else {
            "date": _date(plan.approved_on),
            "body": plan.approval_body,
            "document_number": plan.document_number,
        },
        "published_on": _date(plan.published_on),
    }
    if topics is not None:
        out["topics"] = [_topic_row_out(r) for r in topics]
        out["allowed_actions"] = allowed
    return out


def _topic_out(detail) -> dict:
    t = detail.topic
    out = _topic_row_out(read_models.TopicRow(t, detail.checklist, True))
    del out["readable"]
    out.update(
        description=t.description,
        plan_title=t.plan.title,
        scheme=t.scheme,
        scheme_files=[
            {"id": f.pk, "name": f.name, "size": f.size, "uploaded_at": _instant(f.uploaded_at)}
            for f in detail.scheme_files
        ],
        phases=[{"code": p.code, "label": p.label, "status": p.status, "date": _date(p.date)} for p in detail.phases],
        checklist=_checklist_out(detail.checklist),
        complete=detail.checklist.complete,
        group={
            "members": [{"id": m.pk, "name": m.name} for m in detail.members],
            "staff": [{"id": u.pk, "name": str(u)} for u in detail.staff],
        },
        activities=[
            {
                "id": a.id,
                "title": a.title,
                "kind_name": a.kind_name,
                "start": _instant(a.start),
                "place": a.place,
                "state": a.state,
                "state_label": a.state_label,
                "held": a.held,
                "url": a.url,
            }
            for a in detail.activities
        ],
        documents=[
            {
                "id": d.id,
                "title": d.title,
                "kind": d.kind,
                "kind_label": d.kind_label,
                "sent_on": _date(d.sent_on),
                "progress": None if d.progress is None else str(d.progress),
                "recommendation_count": d.recommendation_count,
                "url": d.url,
            }
            for d in detail.documents
        ],
        recommendations=[
            {
                "id": r.id,
                "document_id": r.document_id,
                "text": r.text,
                "department": r.unit_name,
                "state": r.state,
                "state_label": r.state_label,
                "answered": r.answered,
                "measures": detail.measures.get(r.id, ""),
                "url": r.url,
                "last_update_at": _instant(r.last_update_at),
                "due_date": _date(r.due_date),
                "percent": r.percent,
            }
            for r in detail.recommendations
        ],
        allowed_actions=detail.allowed_actions,
    )
    return out


# Plans ----------------------------------------------------------------------------------------------------------


class PlanFilters(Schema):
    year: Year | None = None
    state: PlanStateFilter | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


class PlanIn(Schema):
    year: Year
    title: str = ""
    description: str = ""


@router.get(
    "/supervision-plans",
    response={200: dict, **refusals(403)},
    summary="Yearly supervision plans (年度民主监督计划) the caller may see",
    description="The secretariat and leaders see every plan; members the published ones. Newest year first. "
    "Filters: `year`, `state` (draft, approved, published).",
)
def list_plans(request, filters: Query[PlanFilters]):
    _readable(request)
    qs = visible_plans(request.user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    limit, offset = max(1, min(filters.limit, 200)), max(0, filters.offset)
    return {"count": qs.count(), "items": [_plan_out(p) for p in qs.order_by("-year")[offset : offset + limit]]}


@router.post(
    "/supervision-plans",
    response={201: dict, **refusals(403)},
    summary="Create the draft supervision plan of a year (secretariat)",
    description="One plan a year: 422 when the year has one. Topics are added with the plan's `add_topic` action.",
)
def create_plan(request, payload: PlanIn):
    plan = services.plan_create(
        actor=request.user, year=payload.year, title=payload.title, description=payload.description
    )
    return Status(201, _plan_detail_out(request.user, plan))


def _plan_detail_out(user, plan) -> dict:
    detail = read_models.plan_detail(user, plan)
    return _plan_out(plan, topics=detail.topics, allowed=detail.allowed_actions)


def _known(pk: int, message: str) -> int:
    """A path's id as the database can hold it; one beyond 64 bits is not found, like any unknown id."""
    if db_int(pk) is None or pk < 1:
        raise NotVisible(message)
    return pk


def _visible_plan(user, plan_id: int):
    plan = visible_plans(user).filter(pk=_known(plan_id, _("监督计划不存在或您无权查看。"))).first()
    if plan is None:
        raise NotVisible(_("监督计划不存在或您无权查看。"))
    return plan


@router.get(
    "/supervision-plans/{supervision_plan_id}",
    response={200: dict, **refusals(403, 404)},
    summary="One supervision plan with its topics and the caller's allowed actions",
)
def get_plan(request, supervision_plan_id: int):
    _readable(request)
    return _plan_detail_out(request.user, _visible_plan(request.user, supervision_plan_id))


def _actions_doc(flow, names) -> str:
    lines = []
    for name in names:
        step = flow[name]
        fields = ", ".join(
            f"`{f}`" + ("" if info.is_required() else " optional") for f, info in step.schema.model_fields.items()
        )
        sources = ", ".join(sorted(str(s) for s in step.sources))
        lines.append(f"- `{name}` ({step.label}) — from: {sources}. Body: " + (fields or "none") + ".")
    return "\n".join(lines)


@router.post(
    "/supervision-plans/{supervision_plan_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take an action on a supervision plan",
    openapi_extra=PLAN.openapi_body(PLAN_PATH_ACTIONS),
    description="Add a topic to the draft, record the standing committee's approval (date, body, document number), "
    "publish. 403 not the secretariat, 404 not visible, 409 not in this state or a rule refuses it (the message "
    "says why), 422 bad input.\n\n" + _actions_doc(PLAN, PLAN_PATH_ACTIONS),
)
def plan_action(request, supervision_plan_id: int, action: PlanAction):
    payload = json_object(request)  # a body no text field may hold is 422 whoever sends it
    _readable(request)
    _known(supervision_plan_id, _("监督计划不存在或您无权查看。"))
    services.plan_act(plan_id=supervision_plan_id, action=action.value, actor=request.user, payload=payload)
    return _plan_detail_out(request.user, _visible_plan(request.user, supervision_plan_id))


# Topics ---------------------------------------------------------------------------------------------------------


class TopicFilters(Schema):
    year: Year | None = None
    state: TopicStateFilter | None = None
    department_id: Id | None = None
    plan_id: Id | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


@router.get(
    "/supervision-topics",
    response={200: dict, **refusals(403)},
    summary="Supervision topics (监督议题) the caller may open",
    description="The secretariat and leaders see every topic; a group's members and staff their own topics of a "
    "published plan. Each with its phase and how many of the five haves (五有) are complete. Filters: `year`, "
    "`state` (organising, investigating, rectifying, closed), `department_id`, `plan_id`.",
)
def list_topics(request, filters: Query[TopicFilters]):
    _readable(request)
    qs = visible_topics(request.user).select_related("plan", "department")
    if filters.year is not None:
        qs = qs.filter(plan__year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.department_id is not None:
        qs = qs.filter(department_id=filters.department_id)
    if filters.plan_id is not None:
        qs = qs.filter(plan_id=filters.plan_id)
    limit, offset = max(1, min(filters.limit, 200)), max(0, filters.offset)
    topics = list(qs.order_by("-plan__year", "sort_order", "pk")[offset : offset + limit])
    rows = read_models.topic_rows(request.user, topics)
    return {"count": qs.count(), "items": [_topic_row_out(r) for r in rows]}


def _visible_topic(user, topic_id: int):
    pk = _known(topic_id, _("监督议题不存在或您无权查看。"))
    topic = visible_topics(user).select_related("plan", "department").filter(pk=pk).first()
    if topic is None:
        raise NotVisible(_("监督议题不存在或您无权查看。"))
    return topic


def _topic_detail_out(user, topic_id: int) -> dict:
    return _topic_out(read_models.topic_detail(user, _visible_topic(user, topic_id)))


@router.get(
    "/supervision-topics/{supervision_topic_id}",
    response={200: dict, **refusals(403, 404)},
    summary="One supervision topic: phases, the five haves, group, activities, findings, the department's answers",
)
def get_topic(request, supervision_topic_id: int):
    _readable(request)
    return _topic_detail_out(request.user, supervision_topic_id)


@router.post(
    "/supervision-topics/{supervision_topic_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take an action on a supervision topic",
    openapi_extra=TOPIC.openapi_body(TOPIC_PATH_ACTIONS),
    description="Write the scheme, set the group, link an inspection or research activity, draft the findings "
    "(an outcome document with one recommendation a line, to the supervised department; sent through the "
    "follow-up's own `send` action), and move through the phases. `close` is refused (409) until the five "
    "haves are complete; the message names the missing ones. 403 not the secretariat, 404 not visible, 409 not "
    "in this phase or a rule refuses it, 422 bad input.\n\n" + _actions_doc(TOPIC, TOPIC_PATH_ACTIONS),
)
def topic_action(request, supervision_topic_id: int, action: TopicAction):
    payload = json_object(request)  # a body no text field may hold is 422 whoever sends it
    _readable(request)
    _known(supervision_topic_id, _("监督议题不存在或您无权查看。"))
    services.topic_act(topic_id=supervision_topic_id, action=action.value, actor=request.user, payload=payload)
    return _topic_detail_out(request.user, supervision_topic_id)


@router.post(
    "/supervision-topics/{supervision_topic_id}/scheme-files",
    response={201: dict, **refusals(403, 404, 409, 413)},
    summary="Upload the topic's scheme (实施方案) as a file",
    description="Multipart: `file` (PDF, Word, Excel or an image, judged by its content; the name's extension must "
    "match; at most 20 MB). 409 once the topic has left its investigation phase.",
)
@decorate_view(api_accepts_upload(lambda: services.SCHEME_MAX_BYTES))
def upload_scheme(request, supervision_topic_id: int, file: File[UploadedFile]):
    _readable(request)
    _known(supervision_topic_id, _("监督议题不存在或您无权查看。"))
    services.scheme_file_add(topic_id=supervision_topic_id, actor=request.user, name=file.name or "", data=file.read())
    return Status(201, _topic_detail_out(request.user, supervision_topic_id))
