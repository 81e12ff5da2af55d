"""The study and training API under ``/api/v1/``: the yearly plans with their execution, a seminar's papers (list,
submit), a paper's actions (review, reconsider, select), a member's study hours. Written from the same read models
as the pages (``read_models``)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import PageNumber, Year
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible
from zhengxie.core.request_size import api_accepts_upload
from zhengxie.people.models import Member

from . import read_models, services
from .models import Seminar, SeminarPaper
from .workflow import PAPER, is_staff

router = Router(tags=["study and training"])


def _instant(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _hours(value) -> str | None:
    return None if value is None else services.plain(value)


class PlanFilters(Schema):
    year: Year | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


@router.get(
    "/training-plans",
    response={200: dict, **refusals(403)},
    summary="The yearly study and training plans (年度学习培训计划)",
    description="Members see the published plans; the secretariat and leaders every plan. "
    "`{count, items: [{id, year, title, state, state_label}]}`.",
)
def list_plans(request, filters: Query[PlanFilters]):
    if not has_perm(request.user, "training.plans"):
        raise NotAllowed(_("您的角色不能查看学习培训计划。"))
    qs = read_models.visible_plans(request.user).order_by("-year")
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    limit, offset = max(1, min(filters.limit, 200)), max(0, min(filters.offset, 10**9))
    items = [
        {"id": p.pk, "year": p.year, "title": p.title, "state": p.state, "state_label": p.get_state_display()}
        for p in qs[offset : offset + limit]
    ]
    return {"count": qs.count(), "items": items}


@router.get(
    "/training-plans/{training_plan_id}",
    response={200: dict, **refusals(403, 404)},
    summary="A plan with its items and execution (计划执行情况)",
    description="Each item: kind, title, dates, target group, planned hours, its activity (if arranged), whether "
    "it was held, the hours given and the attendance rate (percent of those expected who attended); the "
    "plan's totals, and the actions the caller may take (`publish`).",
)
def get_plan(request, training_plan_id: int):
    if not has_perm(request.user, "training.plans"):
        raise NotAllowed(_("您的角色不能查看学习培训计划。"))
    plan = read_models.visible_plans(request.user).filter(pk=training_plan_id).first()
    if plan is None:
        raise NotVisible(_("计划不存在或您无权查看。"))
    d = read_models.plan_detail(request.user, plan)
    return {
        "id": plan.pk,
        "year": plan.year,
        "title": plan.title,
        "description": plan.description,
        "state": plan.state,
        "state_label": plan.get_state_display(),
        "allowed_actions": d.allowed_actions,
        "execution": {
            "items": d.item_count,
            "held": d.held_count,
            "planned_hours": _hours(d.planned_hours),
            "given_hours": _hours(d.given_hours),
            "attendance_rate": d.attendance_rate,
        },
        "items": [
            {
                "id": r.id,
                "kind": r.kind,
                "kind_label": r.kind_label,
                "title": r.title,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat(),
                "target": r.target,
                "planned_hours": _hours(r.planned_hours),
                "activity": None
                if r.activity is None
                else {"id": r.activity.id, "state": r.activity.state, "start": _instant(r.activity.start)},
                "held": r.held,
                "given_hours": _hours(r.given_hours),
                "attendance_rate": r.attendance_rate,
                "training_class_id": r.class_id,
                "seminar_id": r.seminar_id,
            }
            for r in d.items
        ],
    }


def _paper_out(paper: SeminarPaper, user) -> dict:
    return {
        "id": paper.pk,
        "seminar_id": paper.seminar_id,
        "title": paper.title,
        "abstract": paper.abstract,
        "author": {"member_id": paper.author_id, "name": paper.author.name},
        "file": {"name": paper.file_name, "size": paper.size, "content_type": paper.content_type}
        if paper.file_name
        else None,
        "state": paper.state,
        "state_label": paper.get_state_display(),
        "review_comment": paper.review_comment,
        "submitted_at": _instant(paper.submitted_at),
        "reviewed_at": _instant(paper.reviewed_at),
        "selected_at": _instant(paper.selected_at),
        "allowed_actions": PAPER.allowed(paper, user),
    }


def _seminar(request, seminar_id: int) -> Seminar:
    if not has_perm(request.user, "training.seminars"):
        raise NotAllowed(_("您的角色不参加理论研讨。"))
    seminar = Seminar.objects.filter(pk=seminar_id).first()
    if seminar is None:
        raise NotVisible(_("理论研讨会不存在或您不在邀请范围内。"))
    d = read_models.seminar_detail(request.user, seminar)
    if not (d.can_manage or services.duty.activity_invited(activity_id=seminar.activity_id, user=request.user)):
        raise NotVisible(_("理论研讨会不存在或您不在邀请范围内。"))
    return seminar


@router.get(
    "/seminars/{seminar_id}/papers",
    response={200: dict, **refusals(403, 404)},
    summary="A seminar's papers (研讨论文)",
    description="The secretariat sees every paper; an invited member their own. `{count, items}`.",
)
def list_papers(request, seminar_id: int):
    seminar = _seminar(request, seminar_id)
    d = read_models.seminar_detail(request.user, seminar)
    return {"count": len(d.papers), "items": [_paper_out(r.paper, request.user) for r in d.papers]}


@router.post(
    "/seminars/{seminar_id}/papers",
    response={201: dict, **refusals(403, 404, 409)},
    summary="Submit a paper to a seminar (提交研讨论文)",
    description="Multipart form: `title`, `abstract`, and optionally `file` (PDF or Word, judged by its content; "
    "the TRAINING PAPER_MAX_BYTES setting, default 20 MB). Only members invited to the seminar, while it is "
    "published. 403 not a member, 404 not invited, 409 the seminar no longer collects papers, 422 bad input.",
)
@decorate_view(api_accepts_upload(lambda: services.conf("PAPER_MAX_BYTES")))
def submit_paper(
    request,
    seminar_id: int,
    title: Form[str],
    abstract: Form[str],
    file: File[UploadedFile] | None = None,
):
    if not has_perm(request.user, "training.seminars"):
        raise NotAllowed(_("您的角色不参加理论研讨。"))
    data = file.read(services.conf("PAPER_MAX_BYTES") + 1) if file is not None else b""
    paper = services.paper_submit(
        actor=request.user,
        seminar_id=seminar_id,
        title=title,
        abstract=abstract,
        name=(file.name or "") if file is not None else "",
        data=data,
    )
    return Status(201, _paper_out(paper, request.user))


def _actions_doc() -> str:
    lines = []
    for name, step in PAPER.actions.items():
        fields = ", ".join(
            f"`{f}`" + ("" if info.is_required() else " optional") for f, info in step.schema.model_fields.items()
        )
        sources = ", ".join(sorted(str(s) for s in step.sources))
        lines.append(f"- `{name}` ({step.label}) — from: {sources}. Body: " + (fields or "none") + ".")
    return "\n".join(lines)


@router.post(
    "/seminar-papers/{seminar_paper_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take an action on a seminar paper (review, reconsider, select)",
    openapi_extra=PAPER.openapi_body(list(PAPER.actions)),
    description="`review` (`decision`: `accept` or `reject`, `comment`), `reconsider` (`reason`: the decision is "
    "withdrawn and the paper waits for review again; 409 once the seminar is closed) and `select` (selected papers "
    "are recorded in the author's duty archive, once) — the secretariat's. 403 not allowed, 404 not visible or no "
    "such action, 409 not in this state, 422 bad input.\n\n" + _actions_doc(),
)
def paper_action(request, seminar_paper_id: int, action: str):
    payload = json_object(request)  # an unstorable body is 422 before anything else is asked
    if action not in PAPER:
        raise NotVisible(_("没有这个操作：%(a)s") % {"a": action})
    if not has_perm(request.user, "training.seminars"):
        raise NotAllowed(_("您的角色不参加理论研讨。"))
    services.paper_act(paper_id=seminar_paper_id, action=action, actor=request.user, payload=payload)
    paper = SeminarPaper.objects.select_related("author").get(pk=seminar_paper_id)
    return _paper_out(paper, request.user)


class HoursQuery(Schema):
    year: Year | None = None


@router.get(
    "/members/{member_id}/study-hours",
    response={200: dict, **refusals(403, 404)},
    summary="A member's study hours in a year (学时)",
    description="`{member_id, year, hours, required, short, met}`: the hours from the duty ledger, the year's "
    "required hours (set by the secretariat) and how many are missing. A member sees their own; the secretariat "
    "and leaders everyone's.",
)
def study_hours(request, member_id: int, query: Query[HoursQuery]):
    user = request.user
    if not has_perm(user, "training.study_hours"):
        raise NotAllowed(_("您的角色不能查看学时。"))
    member = Member.objects.filter(pk=member_id).first() if 0 < member_id < 2**63 else None
    if member is None or not (is_staff(user) or has_perm(user, "training.shortfall") or member.user_id == user.pk):
        raise NotVisible(_("委员不存在或您无权查看。"))
    year = query.year if query.year is not None else timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年度应在2000至2100之间。"), {"year": _("超出范围")})
    f = services.member_study_hours(member=member, year=year)
    return {
        "member_id": member.pk,
        "year": year,
        "hours": services.plain(f["hours"]),
        "required": services.plain(f["required"]),
        "short": services.plain(f["short"]),
        "met": f["met"],
    }
