"""Democratic supervision pages under /supervision/: the plan list, a plan with its topics and its recorded
approval, and a topic with its phase bar, the "five haves", group, scheme, activities, findings and the
department's answers. Every change goes through ``services.plan_act`` / ``services.topic_act`` (or the plan and
scheme-file forms); a refused POST is answered with the service's status and message and changes nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhengxie.core.access import has_perm, require
from zhengxie.core.exceptions import ActionRefused, InvalidInput, NotAllowed, NotVisible
from zhengxie.core.request_size import accepts_upload

from . import read_models, services
from .forms import GroupForm, LinkActivityForm, PlanForm, SchemeFileForm, action_form_class, payload_of
from .selectors import visible_plans, visible_topics
from .workflow import PLAN, PLAN_PATH_ACTIONS, TOPIC, TOPIC_PATH_ACTIONS

NAV = "supervision"

# The activity kind a topic's form suggests when an activity is scheduled from its page (the person may change it).
ACTIVITY_KIND_OF_FORM = {"inspection": "inspection", "appraisal": "appraisal"}


def _refused(exc: ActionRefused):
    if isinstance(exc, NotVisible):
        raise Http404(exc.message)
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(exc.message)


def _bound(form_class, name: str, posted, refusal, **kwargs):
    """The form of ``name``: bound to the refused POST (with the service's field errors) or empty."""
    if form_class is None:
        return None
    if posted is None or posted[0] != name:
        return form_class(auto_id=f"id_{name}_%s", **kwargs)
    form = form_class(posted[1], auto_id=f"id_{name}_%s", **kwargs)
    form.is_valid()
    for key, text in (refusal.errors if refusal else {}).items():
        if key in form.fields and key not in form.errors:
            form.add_error(key, str(text))
    return form


def _action(flow, name: str, form, url: str) -> dict:
    step = flow[name]
    return {"name": name, "label": str(step.label), "form": form, "confirm": str(step.confirm), "url": url}


# Plans ----------------------------------------------------------------------------------------------------------


@require("supervision.view")
@require_safe
def plan_list(request):
    plans = visible_plans(request.user).annotate(n_topics=Count("topics")).order_by("-year")
    return render(
        request,
        "supervision/plan_list.html",
        {"active_nav": NAV, "plans": plans, "can_manage": has_perm(request.user, "supervision.manage")},
    )


@require("supervision.manage")
@require_http_methods(["GET", "POST"])
def plan_new(request):
    form = PlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, **form.cleaned_data)
            except ActionRefused as exc:
                _refused(exc)
                for key, text in exc.errors.items():
                    form.add_error(key if key in form.fields else None, str(text))
                status = exc.status
            else:
                messages.success(request, _("已新建%(t)s（草稿），请添加监督议题。") % {"t": plan.title})
                return redirect("supervision:plan_detail", pk=plan.pk)
        else:
            status = 422
    return render(request, "supervision/plan_new.html", {"active_nav": NAV, "form": form}, status=status)


def _plan_or_404(user, pk: int):
    plan = visible_plans(user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("监督计划不存在或您无权查看。"))
    return plan


def _render_plan(request, plan, *, refusal=None, posted=None, status=200):
    detail = read_models.plan_detail(request.user, plan)
    allowed = detail.allowed_actions
    context = {
        "active_nav": NAV,
        "plan": plan,
        "detail": detail,
        "allowed": allowed,
        "actions": [
            _action(
                PLAN,
                n,
                _bound(action_form_class(PLAN, n), n, posted, refusal),
                f"/supervision/plans/{plan.pk}/act/{n}/",
            )
            for n in allowed
        ],
        "refusal": refusal,
        "refused_action": posted[0] if posted else "",
    }
    return render(request, "supervision/plan_detail.html", context, status=status)


@require("supervision.view")
@require_safe
def plan_detail(request, pk: int):
    return _render_plan(request, _plan_or_404(request.user, pk))


@require("supervision.view")
@require_POST
def plan_act(request, pk: int, action: str):
    plan = _plan_or_404(request.user, pk)
    if action not in PLAN_PATH_ACTIONS:
        raise Http404(_("没有这个操作。"))
    payload = payload_of(PLAN, action, request.POST)
    try:
        plan = services.plan_act(plan_id=plan.pk, action=action, actor=request.user, payload=payload)
    except ActionRefused as exc:
        _refused(exc)
        return _render_plan(request, plan, refusal=exc, posted=(action, request.POST), status=exc.status)
    messages.success(request, PLAN[action].done_message(plan, payload))
    return redirect("supervision:plan_detail", pk=plan.pk)


# Topics ---------------------------------------------------------------------------------------------------------


def _topic_or_404(user, pk: int):
    topic = visible_topics(user).select_related("plan", "department").filter(pk=pk).first()
    if topic is None:
        raise Http404(_("监督议题不存在或您无权查看。"))
    return topic


def _render_topic(request, topic, *, refusal=None, posted=None, status=200):
    detail = read_models.topic_detail(request.user, topic)
    allowed = detail.allowed_actions
    forms = {}
    for name in allowed:
        if name == "set_group":
            forms[name] = _bound(GroupForm, name, posted, refusal, topic=topic)
        elif name == "link_activity":
            forms[name] = _bound(LinkActivityForm, name, posted, refusal)
        elif name == "upload_scheme":
            forms[name] = _bound(SchemeFileForm, name, posted, refusal)
        else:
            forms[name] = _bound(action_form_class(TOPIC, name), name, posted, refusal)
    if "write_scheme" in forms and forms["write_scheme"] is not None and not forms["write_scheme"].is_bound:
        forms["write_scheme"].initial["scheme"] = topic.scheme
    if "schedule_activity" in forms and not forms["schedule_activity"].is_bound:
        # One step from the topic: named after it, of the kind its form suggests, inviting its group.
        forms["schedule_activity"].initial.update(
            title=topic.title, kind=ACTIVITY_KIND_OF_FORM.get(topic.form, "research")
        )
    url = f"/supervision/topics/{topic.pk}"
    actions = {
        n: _action(TOPIC, n, forms[n], f"{url}/scheme-files/" if n == "upload_scheme" else f"{url}/act/{n}/")
        for n in allowed
    }
    context = {
        "active_nav": NAV,
        "topic": topic,
        "detail": detail,
        "allowed": allowed,
        "actions": actions,
        "moves": [actions[n] for n in allowed if TOPIC[n].targets],
        "refusal": refusal,
        "refused_action": posted[0] if posted else "",
        # Why the next phase is not open yet, in words (the secretariat reads it under the phase bar).
        "blocked": _blocked(topic, request.user) if detail.manages else [],
    }
    return render(request, "supervision/topic_detail.html", context, status=status)


def _blocked(topic, user) -> list[str]:
    out = []
    for name in ("start_investigation", "start_rectification", "close"):
        step = TOPIC[name]
        if topic.state in step.sources:
            refusal = TOPIC.refusal(step, topic, user)
            if refusal is not None and not isinstance(refusal, NotAllowed):
                out.append(_("%(a)s：%(r)s") % {"a": step.label, "r": refusal.message})
    return out


@require("supervision.view")
@require_safe
def topic_detail(request, pk: int):
    return _render_topic(request, _topic_or_404(request.user, pk))


@require("supervision.view")
@require_POST
def topic_act(request, pk: int, action: str):
    topic = _topic_or_404(request.user, pk)
    if action not in TOPIC_PATH_ACTIONS:
        raise Http404(_("没有这个操作。"))
    payload = payload_of(TOPIC, action, request.POST)
    try:
        topic = services.topic_act(topic_id=topic.pk, action=action, actor=request.user, payload=payload)
    except ActionRefused as exc:
        _refused(exc)
        topic = _topic_or_404(request.user, pk)
        return _render_topic(request, topic, refusal=exc, posted=(action, request.POST), status=exc.status)
    messages.success(request, TOPIC[action].done_message(topic, payload))
    return redirect("supervision:topic_detail", pk=topic.pk)


@require("supervision.manage")
@require_POST
@accepts_upload(lambda: services.SCHEME_MAX_BYTES)
def scheme_upload(request, pk: int):
    topic = _topic_or_404(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput(_("请上传实施方案文件。"), {"file": _("必填")})
        services.scheme_file_add(topic_id=topic.pk, actor=request.user, name=upload.name, data=upload.read())
    except ActionRefused as exc:
        _refused(exc)
        return _render_topic(request, topic, refusal=exc, posted=("upload_scheme", request.POST), status=exc.status)
    messages.success(request, TOPIC["upload_scheme"].done_message(topic))
    return redirect("supervision:topic_detail", pk=topic.pk)


@require("supervision.view")
@require_safe
def scheme_download(request, pk: int, file_pk: int):
    try:
        row = services.scheme_file_for(topic_id=pk, file_id=file_pk, user=request.user)
    except NotVisible:
        raise Http404 from None
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type)
