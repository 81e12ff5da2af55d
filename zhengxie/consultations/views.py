"""Consultation pages: plans (list, a version with its steps, items, versions and difference), consultations (list,
starting one, a consultation with its stages, warnings and outcome documents), stage materials, topic suggestions.

Every change goes through the services (``plan_act`` / ``consultation_act`` take every action on the workflow
engine); the pages offer exactly the actions the declarations allow the viewer, and a refused POST is answered with
the service's status and message, changing nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhengxie.core.access import has_perm, require
from zhengxie.core.exceptions import ActionRefused, NotVisible
from zhengxie.core.params import db_int
from zhengxie.core.request_size import accepts_upload
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member

from . import forms, read_models, selectors, services
from .actions import MATERIAL_MAX_BYTES
from .choices import ConsultationKind, ConsultationState, PlanState, SuggestionSource
from .workflow import CONSULTATION, PLAN

NAV = "consultations"


def _base(request) -> dict:
    return {
        "active_nav": NAV,
        "show_consultations": has_perm(request.user, "consultations.view_consultations"),
        "manages_consultations": has_perm(request.user, "consultations.manage"),
    }


def _id(value) -> int | None:
    number = db_int(value)
    return number if number is not None and number > 0 else None


def _year(request):
    value = _id(request.GET.get("year"))
    return value if value and 2000 <= value <= 2100 else None


def _actions(flow, allowed, *, posted=None, refusal=None, year=None, initial=None, options=None):
    """The buttons and forms of the actions the reader may take, in the declarations' order."""
    out = []
    for name in allowed:
        step = flow.actions[name]
        mine = posted is not None and posted[0] == name
        out.append(
            {
                "name": name,
                "label": str(step.label),
                "style": step.style,
                "confirm": str(step.confirm or ""),
                "takes_input": step.takes_input,
                "fields": forms.action_fields(
                    flow,
                    name,
                    posted=posted[1] if mine else None,
                    errors=refusal.errors if mine and refusal else None,
                    initial=(initial or {}).get(name),
                    year=year,
                    options=options,
                )
                if step.takes_input
                else [],
                "open": mine,
                "recommendations": forms.recommendation_rows(posted[1] if mine else None)
                if name == "create_outcome"
                else None,
            }
        )
    return out


# Plans ------------------------------------------------------------------------------------------------------------


@require("consultations.view_plans")
@require_safe
def plan_list(request):
    year = _year(request)
    state = request.GET.get("state") if request.GET.get("state") in PlanState.values else None
    plans = list(selectors.plan_list(request.user, year=year, state=state)[:200])
    items = selectors.items_of(plans)
    rows = [{"plan": p, "n_items": len(items[p.pk])} for p in plans]
    context = {
        **_base(request),
        "rows": rows,
        "year": year,
        "state": state,
        "states": PlanState.choices if selectors.sees_every_plan(request.user) else [],
        "manages": has_perm(request.user, "consultations.manage"),
        "create_form": forms.PlanCreateForm(),
    }
    return render(request, "consultations/plan_list.html", context)


@require("consultations.manage")
@require_POST
def plan_create(request):
    form = forms.PlanCreateForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            messages.error(request, exc.message)
            return redirect("consultations:plan_list")
        messages.success(request, _("已新建%(t)s草案。") % {"t": plan.title})
        return redirect("consultations:plan_detail", pk=plan.pk)
    messages.error(request, _("输入有误，请检查年度。"))
    return redirect("consultations:plan_list")


def _plan_or_404(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    if plan is None:
        raise Http404(_("协商计划不存在或您无权查看。"))
    return plan


def _render_plan(request, plan, *, posted=None, refusal=None, status=200):
    compare = _id(request.GET.get("compare"))
    other = selectors.plan_get(request.user, compare) if compare else None
    detail = read_models.plan_detail(request.user, plan, compare_with=other)
    initial = {}
    edit_id = _id(request.GET.get("edit"))
    edited = next((r.item for r in detail.items if r.item.pk == edit_id), None)
    if edited is not None:
        initial["update_item"] = {
            "item_id": str(edited.pk),
            "form": edited.form,
            "topic": edited.topic,
            "background": edited.background,
            "lead_committee_id": str(edited.lead_committee_id or ""),
            "counterpart": edited.counterpart,
            "planned_month": str(edited.planned_month),
        }
    suggestion = _id(request.GET.get("suggestion"))
    if suggestion:
        picked = selectors.visible_suggestions(request.user).filter(pk=suggestion).first()
        if picked is not None:
            initial["add_item"] = {"suggestion_id": str(picked.pk), "topic": picked.title, "background": picked.reason}
    allowed = [a for a in detail.allowed_actions if a not in ("update_item", "remove_item")]
    if edited is not None and "update_item" in detail.allowed_actions:
        allowed.append("update_item")
    if posted and posted[0] == "update_item" and "update_item" not in allowed:
        allowed.append("update_item")
    context = {
        **_base(request),
        "detail": detail,
        "plan": plan,
        "actions": _actions(
            PLAN,
            allowed,
            posted=posted,
            refusal=refusal,
            year=plan.year,
            initial=initial,
            options={"item_id": [(str(r.item.pk), r.item.topic) for r in detail.items]},
        ),
        "can_edit_items": "update_item" in detail.allowed_actions,
        "step_labels": {name: str(label) for name, label in PLAN.labels.items()},
        "refusal": refusal,
        "compare": other,
        "opened": bool(edited or suggestion),
    }
    return render(request, "consultations/plan_detail.html", context, status=status)


@require("consultations.view_plans")
@require_safe
def plan_detail(request, pk: int):
    return _render_plan(request, _plan_or_404(request, pk))


@require("consultations.view_plans")
def plan_act(request, pk: int, action: str):
    _plan_or_404(request, pk)
    if request.method in ("GET", "HEAD"):
        return redirect("consultations:plan_detail", pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    payload = forms.action_payload(PLAN, action, request.POST)
    try:
        result = services.plan_act(plan_id=pk, action=action, actor=request.user, payload=payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        return _render_plan(
            request, _plan_or_404(request, pk), posted=(action, request.POST), refusal=exc, status=exc.status
        )
    messages.success(request, PLAN[action].done_message(result, payload))
    return redirect("consultations:plan_detail", pk=result.pk)


# Consultations ----------------------------------------------------------------------------------------------------


@require("consultations.view_consultations")
@require_safe
def consultation_list(request):
    year = _year(request)
    state = request.GET.get("state") if request.GET.get("state") in ConsultationState.values else None
    kind = request.GET.get("kind") if request.GET.get("kind") in ConsultationKind.values else None
    qs = selectors.consultation_list(request.user, year=year, state=state, kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        **_base(request),
        "rows": read_models.consultation_rows(page.object_list),
        "page": page,
        "year": year,
        "state": state,
        "kind": kind,
        "states": ConsultationState.choices,
        "kinds": ConsultationKind.choices,
        "manages": has_perm(request.user, "consultations.manage"),
    }
    return render(request, "consultations/list.html", context)


@require("consultations.manage")
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    item_id = _id(request.POST.get("plan_item_id") or request.GET.get("item"))
    if request.method == "POST" and item_id:
        try:
            c = services.consultation_create(actor=request.user, plan_item_id=item_id)
        except ActionRefused as exc:
            messages.error(request, exc.message)
            return redirect(request.META.get("HTTP_REFERER") or "consultations:plan_list")
        messages.success(request, _("已启动协商：%(t)s") % {"t": c.title})
        return redirect("consultations:detail", pk=c.pk)
    form = forms.ConsultationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.consultation_create(actor=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            for key, text in exc.errors.items():
                if key in form.fields:
                    form.add_error(key, text)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已启动协商：%(t)s") % {"t": c.title})
            return redirect("consultations:detail", pk=c.pk)
    return render(request, "consultations/new.html", {**_base(request), "form": form})


def _consultation_or_404(request, pk: int):
    c = selectors.consultation_get(request.user, pk)
    if c is None:
        raise Http404(_("协商不存在或您无权查看。"))
    return c


def _scheduling_initial(c, detail) -> dict:
    """The visit and meeting forms filled from the consultation in one step: named after its topic, inviting its
    research group when it has members (the person may change any of it)."""
    has_members = any(g.member_id for g in detail.group)
    return {
        "schedule_visit": {"title": (_("“%(t)s”调研") % {"t": c.title})[:200], "kind": "research"},
        "schedule_meeting": {
            "title": (_("“%(t)s”%(f)s") % {"t": c.title, "f": c.get_form_display()})[:200],
            **({"invitees": "group"} if has_members else {}),
        },
    }


def _render_consultation(request, c, *, posted=None, refusal=None, status=200):
    detail = read_models.consultation_detail(request.user, c)
    context = {
        **_base(request),
        "detail": detail,
        "c": c,
        "actions": _actions(
            CONSULTATION,
            detail.allowed_actions,
            posted=posted,
            refusal=refusal,
            year=c.year,
            initial=_scheduling_initial(c, detail),
        ),
        "refusal": refusal,
        "can_upload": has_perm(request.user, "consultations.manage")
        and c.state not in (ConsultationState.CLOSED, ConsultationState.CANCELLED),
        "stage_choices": [
            (s.value, s.label)
            for s in ConsultationState
            if s not in (ConsultationState.CLOSED, ConsultationState.CANCELLED)
        ],
        "materials": [m for items in detail.materials.values() for m in items],
        "stage_labels": dict(ConsultationState.choices),
    }
    return render(request, "consultations/detail.html", context, status=status)


@require("consultations.view_consultations")
@require_safe
def consultation_detail(request, pk: int):
    return _render_consultation(request, _consultation_or_404(request, pk))


@require("consultations.view_consultations")
def consultation_act(request, pk: int, action: str):
    _consultation_or_404(request, pk)
    if request.method in ("GET", "HEAD"):
        return redirect("consultations:detail", pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    payload = forms.action_payload(CONSULTATION, action, request.POST)
    try:
        done = services.consultation_act(consultation_id=pk, action=action, actor=request.user, payload=payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        return _render_consultation(
            request, _consultation_or_404(request, pk), posted=(action, request.POST), refusal=exc, status=exc.status
        )
    messages.success(request, CONSULTATION[action].done_message(done, payload))
    return redirect("consultations:detail", pk=pk)


@accepts_upload(lambda: MATERIAL_MAX_BYTES)
@require("consultations.manage")
@require_POST
def material_upload(request, pk: int):
    _consultation_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("consultations:detail", pk=pk)
    try:
        material = services.material_add(
            consultation_id=pk,
            actor=request.user,
            name=upload.name or "",
            data=upload.read(MATERIAL_MAX_BYTES + 1),
            stage=request.POST.get("stage") or "",
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("consultations:detail", pk=pk)
    messages.success(request, _("已上传材料：%(n)s。") % {"n": material.name})
    return redirect("consultations:detail", pk=pk)


@require("consultations.view_consultations")
@require_safe
def material_download(request, pk: int, material_pk: int):
    c = _consultation_or_404(request, pk)
    material = c.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404(_("材料不存在。"))
    return FileResponse(
        material.file.open("rb"), as_attachment=True, filename=material.name, content_type=material.content_type
    )


# Topic suggestions ------------------------------------------------------------------------------------------------


@require("consultations.view_suggestions")
@require_safe
def suggestion_list(request):
    year = _year(request)
    source = request.GET.get("source") if request.GET.get("source") in SuggestionSource.values else None
    qs = selectors.suggestion_list(request.user, year=year, source=source).prefetch_related("items")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    drafts = []
    if has_perm(request.user, "consultations.manage"):
        drafts = list(selectors.visible_plans(request.user).filter(state=PlanState.DRAFT).order_by("-year"))
    context = {
        **_base(request),
        "page": page,
        "year": year,
        "source": source,
        "sources": SuggestionSource.choices,
        "drafts": drafts,
        "everyone": selectors.sees_every_plan(request.user),
        "may_suggest": has_perm(request.user, "consultations.suggest"),
    }
    return render(request, "consultations/suggestions.html", context)


@require("consultations.suggest")
@require_http_methods(["GET", "POST"])
def suggest(request):
    member = Member.objects.filter(user=request.user, status=MemberStatus.SERVING).first()
    staff = has_perm(request.user, "consultations.manage")
    form = forms.SuggestionForm(request.POST or None, member=member, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            s = services.suggestion_submit(actor=request.user, **data)
        except ActionRefused as exc:
            for key, text in exc.errors.items():
                if key in form.fields:
                    form.add_error(key, text)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交选题建议：%(t)s") % {"t": s.title})
            return redirect("consultations:suggestions")
    return render(request, "consultations/suggest.html", {**_base(request), "form": form, "staff": staff})
