"""The study and training pages under /training/: the yearly plans and their execution, an item's activity, a
training class (hours, courses, attendees' hours), a seminar's papers (submit; review and select), the members short
of study hours (.xlsx) and the year's requirement. Every write is one service call; refusals come back as messages
(403/404 as such)."""

import io

import openpyxl
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengxie.core import spreadsheets
from zhengxie.core.access import has_perm, require
from zhengxie.core.documents import XLSX, download
from zhengxie.core.exceptions import ActionRefused, NotAllowed, NotVisible
from zhengxie.core.request_size import accepts_upload
from zhengxie.duty import services as duty
from zhengxie.people.models import Sector, SpecialCommittee

from . import read_models, services
from .models import Course, ItemKind, PlanItem, PlanState, Seminar, TargetGroup, TrainingClass
from .workflow import PAPER, PLAN, is_staff

NAV = "training"


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404(_("年度无效。"))
    return int(raw)


def _run(request, call, success, back: str):
    """Take one write; a refusal the person can fix is a message on the page they came from."""
    try:
        result = call()
    except NotVisible:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None
    except ActionRefused as exc:
        detail = "；".join(f"{v}" for v in exc.errors.values())
        messages.error(request, exc.message + (f"（{detail}）" if detail and detail not in exc.message else ""))
        return redirect(back)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(back)


def _plan_or_404(user, plan_id: int):
    plan = read_models.visible_plans(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("计划不存在或您无权查看。"))
    return plan


# Plans -----------------------------------------------------------------------------------------------------------


@require("training.plans")
@require_safe
def plan_list(request):
    user = request.user
    plans = list(read_models.visible_plans(user).order_by("-year"))
    seminars = Seminar.objects.order_by("-pk")
    rows = []
    summaries = duty.activity_summaries(ids=[s.activity_id for s in seminars[:50]])
    for s in seminars[:50]:
        a = summaries.get(s.activity_id)
        if a is None or (not is_staff(user) and not duty.activity_invited(activity_id=s.activity_id, user=user)):
            continue
        rows.append({"seminar": s, "activity": a})
    context = {
        "active_nav": NAV,
        "plans": plans,
        "seminars": rows,
        "can_manage": is_staff(user),
        "can_see_shortfall": has_perm(user, "training.shortfall"),
        "this_year": timezone.localdate().year,
    }
    return render(request, "training/plan_list.html", context)


@require("training.manage")
@require_POST
def plan_create(request):
    year = request.POST.get("year", "")
    return _run(
        request,
        lambda: services.plan_create(
            actor=request.user,
            year=int(year) if year.isdigit() else 0,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
        ),
        _("已创建年度学习培训计划，请添加计划项目后发布"),
        "training:plan_list",
    )


@require("training.plans")
@require_safe
def plan_detail(request, plan_id: int):
    plan = _plan_or_404(request.user, plan_id)
    detail = read_models.plan_detail(request.user, plan)
    context = {
        "active_nav": NAV,
        "d": detail,
        "plan": plan,
        "actions": [PLAN[a] for a in detail.allowed_actions],
        "kinds": ItemKind.choices,
        "groups": TargetGroup.choices,
        "sectors": Sector.objects.order_by("sort_order", "pk") if detail.can_manage else [],
        "committees": SpecialCommittee.objects.order_by("pk") if detail.can_manage else [],
        "can_add": detail.can_manage and plan.state == PlanState.DRAFT,
        "training_choices": duty.activity_choices(kinds=["training"]) if detail.can_manage else [],
        "seminar_choices": duty.activity_choices(kinds=["seminar"]) if detail.can_manage else [],
    }
    return render(request, "training/plan_detail.html", context)


@require("training.manage")
@require_POST
def plan_act(request, plan_id: int, action: str):
    if action not in PLAN:
        raise Http404
    back = f"/training/plans/{plan_id}/"
    return _run(
        request,
        lambda: services.plan_act(plan_id=plan_id, action=action, actor=request.user),
        lambda plan: PLAN[action].done_message(plan),
        back,
    )


@require("training.manage")
@require_POST
def item_add(request, plan_id: int):
    data = {
        k: request.POST.get(k, "")
        for k in ("kind", "title", "starts_on", "ends_on", "target_group", "sector_id", "special_committee_id")
    }
    data["planned_hours"] = request.POST.get("planned_hours") or "0"
    for key in ("sector_id", "special_committee_id"):
        data[key] = int(data[key]) if data[key].isdigit() and len(data[key]) < 19 else None
    return _run(
        request,
        lambda: services.plan_item_add(actor=request.user, plan_id=plan_id, data=data),
        lambda item: _("已添加计划项目：%(t)s") % {"t": item.title},
        f"/training/plans/{plan_id}/",
    )


@require("training.manage")
@require_POST
def item_activity(request, item_id: int):
    item = PlanItem.objects.filter(pk=item_id).first()
    if item is None:
        raise Http404
    back = f"/training/plans/{item.plan_id}/"
    raw = request.POST.get("activity_id", "")
    if raw:
        activity_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
        return _run(
            request,
            lambda: services.item_activity_link(actor=request.user, item_id=item_id, activity_id=activity_id),
            _("已关联活动"),
            back,
        )
    return _run(
        request,
        lambda: services.item_activity_create(actor=request.user, item_id=item_id, place=request.POST.get("place", "")),
        _("已创建活动草稿，请在活动页核对后发布"),
        back,
    )


# Training classes ----------------------------------------------------------------------------------------------


def _class_or_404(class_id: int) -> TrainingClass:
    tc = TrainingClass.objects.filter(pk=class_id).first()
    if tc is None:
        raise Http404(_("培训班不存在。"))
    return tc


@require("training.plans")
@require_safe
def class_detail(request, class_id: int):
    tc = _class_or_404(class_id)
    d = read_models.class_detail(request.user, tc)
    if d.activity is None:
        raise Http404
    return render(request, "training/class_detail.html", {"active_nav": NAV, "d": d, "tc": tc})


@require("training.manage")
@require_POST
def class_hours(request, class_id: int):
    tc = _class_or_404(class_id)
    return _run(
        request,
        lambda: services.class_set_hours(
            actor=request.user, activity_id=tc.activity_id, hours=request.POST.get("hours")
        ),
        _("已保存培训班学时"),
        f"/training/classes/{class_id}/",
    )


@require("training.manage")
@require_POST
def course_add(request, class_id: int):
    return _run(
        request,
        lambda: services.course_add(
            actor=request.user,
            class_id=class_id,
            title=request.POST.get("title", ""),
            teacher=request.POST.get("teacher", ""),
            hours=request.POST.get("hours"),
        ),
        lambda c: _("已添加课程：%(t)s") % {"t": c.title},
        f"/training/classes/{class_id}/",
    )


@require("training.manage")
@require_POST
def course_remove(request, course_id: int):
    course = Course.objects.filter(pk=course_id).only("pk", "training_class_id").first()
    if course is None:
        raise Http404(_("课程不存在。"))
    return _run(
        request,
        lambda: services.course_remove(actor=request.user, course_id=course_id),
        lambda c: _("已删除课程：%(t)s") % {"t": c.title},
        f"/training/classes/{course.training_class_id}/",
    )


@require("training.manage")
@require_POST
def attendee_hours(request, class_id: int):
    raw = request.POST.get("member_id", "")
    member_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    return _run(
        request,
        lambda: services.attendee_hours_set(
            actor=request.user,
            class_id=class_id,
            member_id=member_id,
            hours=request.POST.get("hours"),
            note=request.POST.get("note", ""),
        ),
        lambda h: _("已登记实际学时：%(h)s") % {"h": services.plain(h)},
        f"/training/classes/{class_id}/",
    )


# Seminars and papers -------------------------------------------------------------------------------------------


def _seminar_or_404(user, seminar_id: int) -> Seminar:
    seminar = Seminar.objects.filter(pk=seminar_id).first()
    if seminar is None or not (is_staff(user) or duty.activity_invited(activity_id=seminar.activity_id, user=user)):
        raise Http404(_("理论研讨会不存在或您不在邀请范围内。"))
    return seminar


@require("training.seminars")
@require_safe
def seminar_detail(request, seminar_id: int):
    seminar = _seminar_or_404(request.user, seminar_id)
    d = read_models.seminar_detail(request.user, seminar)
    review = PAPER["review"]
    return render(
        request,
        "training/seminar_detail.html",
        {"active_nav": NAV, "d": d, "review": review, "select": PAPER["select"], "reconsider": PAPER["reconsider"]},
    )


@require("training.seminars")
@require_POST
@accepts_upload(lambda: services.conf("PAPER_MAX_BYTES"))
def paper_submit(request, seminar_id: int):
    upload = request.FILES.get("file")
    data = upload.read(services.conf("PAPER_MAX_BYTES") + 1) if upload else b""
    return _run(
        request,
        lambda: services.paper_submit(
            actor=request.user,
            seminar_id=seminar_id,
            title=request.POST.get("title", ""),
            abstract=request.POST.get("abstract", ""),
            name=upload.name if upload else "",
            data=data,
        ),
        _("论文已提交，等待审核"),
        f"/training/seminars/{seminar_id}/",
    )


@require("training.manage")
@require_POST
def paper_act(request, paper_id: int, action: str):
    if action not in PAPER:
        raise Http404
    paper = read_models.visible_papers(request.user).filter(pk=paper_id).first()
    if paper is None:
        raise Http404
    payload = {k: request.POST[k] for k in PAPER[action].schema.model_fields if k in request.POST}
    return _run(
        request,
        lambda: services.paper_act(paper_id=paper_id, action=action, actor=request.user, payload=payload),
        lambda p: PAPER[action].done_message(p, payload),
        f"/training/seminars/{paper.seminar_id}/",
    )


@require("training.seminars")
@require_safe
def paper_file(request, paper_id: int):
    paper = read_models.visible_papers(request.user).filter(pk=paper_id).first()
    if paper is None or not paper.file:
        raise Http404(_("论文不存在或您无权查看。"))
    try:
        handle = paper.file.open("rb")
    except OSError:
        raise Http404(_("论文文件缺失。")) from None
    return FileResponse(handle, as_attachment=True, filename=paper.file_name, content_type=paper.content_type)


# Study hours ---------------------------------------------------------------------------------------------------


@require("training.shortfall")
@require_safe
def shortfall(request):
    year = _year(request)
    rows = services.short_of_hours(year=year)
    context = {
        "active_nav": NAV,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "rows": rows,
        "required": services.required_hours(year),
        "can_set": is_staff(request.user),
    }
    return render(request, "training/shortfall.html", context)


@require("training.shortfall")
@require_safe
def shortfall_xlsx(request):
    year = _year(request)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("学时未达要求"))
    spreadsheets.append(sheet, [_("姓名"), _("界别"), _("已完成学时"), _("应完成学时"), _("还差学时")])
    for r in services.short_of_hours(year=year):
        spreadsheets.append(
            sheet,
            [r["member"].name, r["member"].sector_name, float(r["hours"]), float(r["required"]), float(r["short"])],
        )
    out = io.BytesIO()
    book.save(out)
    return download(out.getvalue(), XLSX, _("%(y)d年度学时未达要求委员.xlsx") % {"y": year})


@require("training.manage")
@require_POST
def requirement_set(request):
    year = _year(request)
    return _run(
        request,
        lambda: services.requirement_set(actor=request.user, year=year, hours=request.POST.get("hours")),
        lambda r: _("已设置%(y)d年度应完成学时：%(h)s") % {"y": year, "h": services.plain(r.hours)},
        f"/training/study-hours/?year={year}",
    )
