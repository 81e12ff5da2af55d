"""Deliberation pages under /deliberations/: the list, a deliberation's conversation (a post box at the top for an
invited member while it is open, the staff's select buttons, the summary), and the staff's form for a draft.

Every change goes through the services (the workflow engine) and every page offers exactly the actions the read
model gives the viewer; a refused POST is answered with the service's status (403/404/409/422) and its message, and
changes nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from zhengxie.core.access import require
from zhengxie.core.exceptions import ActionRefused, NotAllowed, NotVisible
from zhengxie.core.forms import submit
from zhengxie.core.params import db_int
from zhengxie.people.models import Sector, SpecialCommittee

from . import read_models, selectors, services
from .choices import DeliberationState
from .forms import DeliberationForm, SummaryForm
from .workflow import ACTIONS, DELIBERATION, POST, POST_ACTIONS, is_staff

NAV = "deliberations"
PAGE_SIZE = 30
PAGE_ACTIONS = {name for name, step in ACTIONS.items() if name != "edit" and "system" not in step.who}


def _visible_or_404(user, pk: int):
    d = selectors.visible_deliberations(user).filter(pk=pk).first()
    if d is None:
        raise Http404(_("网络议政不存在或您无权查看。"))
    return d


@require("deliberations.view")
@require_safe
def deliberation_list(request):
    user = request.user
    year = db_int(request.GET.get("year"))
    year = year if year and 1 <= year <= 9999 else None
    state = request.GET.get("state") if request.GET.get("state") in DeliberationState.values else ""
    rows = selectors.list_rows(user, year=year, state=state or None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for d in page:
        d.shown_state = read_models.shown_state(d, now)
        d.shown_state_label = DeliberationState(d.shown_state).label
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deliberations/list.html",
        {
            "active_nav": NAV,
            "page": page,
            "querystring": query.urlencode(),
            "staff": is_staff(user),
            "year": year or "",
            "state": state,
            "states": DeliberationState.choices,
        },
    )


def _scope_words(spec: dict) -> list[str]:
    parts = []
    if spec.get("all"):
        parts.append(_("全体委员"))
    if spec.get("standing_committee"):
        parts.append(_("全体常委"))
    if spec.get("sector_ids"):
        names = Sector.objects.filter(pk__in=spec["sector_ids"]).values_list("name", flat=True)
        parts.append(_("界别：%(n)s") % {"n": "、".join(names)})
    if spec.get("special_committee_ids"):
        names = SpecialCommittee.objects.filter(pk__in=spec["special_committee_ids"]).values_list("name", flat=True)
        parts.append(_("专门委员会：%(n)s") % {"n": "、".join(names)})
    if spec.get("member_ids"):
        parts.append(_("指定委员 %(n)d 人") % {"n": len(spec["member_ids"])})
    return parts


def _render_detail(request, d, *, refusal=None, posted=None, status: int = 200):
    user = request.user
    detail = read_models.deliberation_detail(user, d, page=db_int(request.GET.get("page")) or 1)
    summary_form = SummaryForm(auto_id="id_summary_%s")
    if posted is not None and posted[0] == "summarise":
        summary_form = SummaryForm(posted[1], auto_id="id_summary_%s")
        summary_form.is_valid()
    context = {
        "active_nav": NAV,
        "d": d,
        "detail": detail,
        "allowed": detail.allowed_actions,
        "labels": {name: str(step.label) for name, step in ACTIONS.items()},
        "confirms": {name: str(step.confirm) for name, step in ACTIONS.items() if step.confirm},
        "post_labels": {name: str(step.label) for name, step in POST_ACTIONS.items()},
        "refusal": refusal,
        "refused_action": posted[0] if posted else "",
        "posted_text": posted[1].get("text", "") if posted and posted[0] == "post" else "",
        "scope": _scope_words(d.invitees_spec) if detail.staff else [],
        "summary_form": summary_form,
    }
    return render(request, "deliberations/detail.html", context, status=status)


@require("deliberations.view")
def deliberation_detail(request, pk: int):
    d = _visible_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render_detail(request, d)


def _payload(action: str, post, form=None) -> dict:
    if action == "post":
        return {"text": post.get("text", ""), "reply_to": db_int(post.get("reply_to")) or None}
    if action == "summarise":
        return form.payload()
    return {}


@require("deliberations.view")
def deliberation_act(request, pk: int, action: str):
    user = request.user
    _visible_or_404(user, pk)
    if request.method in ("GET", "HEAD"):  # the address opened rather than posted: the deliberation's page
        return redirect("deliberations:detail", pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in PAGE_ACTIONS:
        raise Http404(_("没有这个操作。"))
    posted = (action, request.POST)
    try:
        form = None
        if action == "summarise":
            # Who may summarise, and when, is checked before the form: a refused person reads why, not field errors.
            step = DELIBERATION[action]
            refusal = DELIBERATION.refusal(step, _visible_or_404(user, pk), user)
            if refusal is not None:
                raise refusal
            form = SummaryForm(request.POST, auto_id="id_summary_%s")
            if not form.is_valid():
                return _render_detail(
                    request,
                    _visible_or_404(user, pk),
                    refusal=ActionRefused(_("输入有误，请检查标记的项目。")),
                    posted=posted,
                    status=422,
                )
        payload = _payload(action, request.POST, form)
        d = services.deliberation_act(deliberation_id=pk, action=action, actor=user, payload=payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        return _render_detail(request, _visible_or_404(user, pk), refusal=exc, posted=posted, status=exc.status)
    messages.success(request, ACTIONS[action].done_message(d, payload))
    if action == "post":
        return redirect(_post_address(d.new_post))
    return redirect("deliberations:detail", pk=pk)


def _post_address(post) -> str:
    """The post on the page of the conversation that shows its thread (50 opinions a page, oldest first)."""
    root = post.reply_to_id or post.pk
    before = post.deliberation.posts.filter(reply_to__isnull=True, pk__lt=root).count()
    page = before // read_models.THREADS_PER_PAGE + 1
    return f"/deliberations/{post.deliberation_id}/" + (f"?page={page}" if page > 1 else "") + f"#post-{post.pk}"


@require("deliberations.view")
def post_act(request, pk: int, action: str):
    user = request.user
    post = selectors.visible_posts(user).filter(pk=pk).first()
    if post is None:
        raise Http404(_("发言不存在或您无权查看。"))
    if request.method in ("GET", "HEAD"):
        return redirect("deliberations:detail", pk=post.deliberation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in POST_ACTIONS:
        raise Http404(_("没有这个操作。"))
    try:
        done = services.post_act(post_id=pk, action=action, actor=user)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        d = _visible_or_404(user, post.deliberation_id)
        return _render_detail(request, d, refusal=exc, posted=(action, request.POST), status=exc.status)
    messages.success(request, POST.actions[action].done_message(done))
    return redirect(_post_address(done))


@require("deliberations.manage")
@require_http_methods(["GET", "POST"])
def deliberation_new(request):
    form = DeliberationForm(request.POST or None)
    done = submit(request, form, lambda f: services.deliberation_create(actor=request.user, data=f.service_data()))
    if done.saved:
        messages.success(request, _("已保存为草稿。请核对后发布，发布时通知受邀委员。"))
        return redirect("deliberations:detail", pk=done.result.pk)
    return render(request, "deliberations/form.html", {"active_nav": NAV, "form": form}, status=done.status)


@require("deliberations.manage")
@require_http_methods(["GET", "POST"])
def deliberation_edit(request, pk: int):
    d = _visible_or_404(request.user, pk)
    step = ACTIONS["edit"]
    refusal = DELIBERATION.refusal(step, d, request.user)
    if refusal is not None:
        if isinstance(refusal, NotAllowed):
            raise PermissionDenied(refusal.message)
        return _render_detail(request, d, refusal=refusal, status=refusal.status)
    form = DeliberationForm(request.POST or None, initial=DeliberationForm.initial_for(d))
    done = submit(
        request,
        form,
        lambda f: services.deliberation_update(deliberation_id=d.pk, actor=request.user, data=f.service_data()),
    )
    if done.saved:
        messages.success(request, str(step.done_message(d)))
        return redirect("deliberations:detail", pk=d.pk)
    return render(request, "deliberations/form.html", {"active_nav": NAV, "form": form, "d": d}, status=done.status)
