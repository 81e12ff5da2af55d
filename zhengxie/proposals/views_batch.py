"""The proposal office's batch pages: proposals awaiting assignment (待交办) with one 交办 form for all those chosen,
and the batch action itself (批量立案 from the review queue, 批量交办 from here), whose result page lists each
proposal's outcome. Every proposal still goes through the workflow engine on its own (``batch.proposals_batch_act``).
"""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengxie.core.access import require
from zhengxie.core.exceptions import ActionRefused
from zhengxie.people.models import HandlingUnit

from . import selectors, unit_suggestions
from .batch import BATCH_ACTIONS, MAX_BATCH, proposals_batch_act
from .choices import CosignState, ProposalState
from .forms import AssignForm

ASSIGN_PAGE_SIZE = 30


def _assign_form(data=None, *, user):
    return AssignForm(data, user=user, auto_id="id_batch_%s")


def _assign_queue_page(request, *, form, chosen: set[int], status: int = 200, message: str = ""):
    user = request.user
    qs = (
        selectors.proposal_list(user=user, filters={"state": ProposalState.REGISTERED})
        .annotate(cosigners=Count("cosignatures", filter=Q(cosignatures__state=CosignState.CONFIRMED)))
        .prefetch_related(Prefetch("suggested_units", queryset=HandlingUnit.objects.only("pk", "name")))
        .order_by("year", "seq", "id")
    )
    page = Paginator(qs, ASSIGN_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    suggestions = unit_suggestions.attach_to_queue(page.object_list, user)
    return render(
        request,
        "proposals/review_assign.html",
        {
            "active_nav": "proposal_review",
            "page": page,
            "form": form,
            "chosen": chosen,
            "message": message,
            "max_batch": MAX_BATCH,
            "suggestions": suggestions,
        },
        status=status,
    )


@require("proposals.review")
@require_safe
def assign_queue(request):
    """Registered proposals waiting to be assigned, by number, with the 交办 form for those chosen."""
    return _assign_queue_page(request, form=_assign_form(user=request.user), chosen=set())


def _chosen_ids(request) -> list[str]:
    return request.POST.getlist("ids")


@require("proposals.review")
@require_POST
def batch_act(request, action: str):
    """批量立案 / 批量交办 on the proposals chosen (``ids``); the result page lists what became of each."""
    if action not in BATCH_ACTIONS:
        raise Http404(_("没有这个操作：%(a)s") % {"a": action})
    user = request.user
    back = reverse("proposals:review") if action == "register" else reverse("proposals:review_assign")
    payload = {}
    if action == "assign":
        form = _assign_form(request.POST, user=user)
        chosen = {int(v) for v in _chosen_ids(request) if v.isdigit() and len(v) < 19}
        if not form.is_valid():
            return _assign_queue_page(request, form=form, chosen=chosen, status=422, message=_("请检查交办的内容。"))
        payload = form.payload()
    try:
        outcomes = proposals_batch_act(ids=_chosen_ids(request), action=action, actor=user, payload=payload)
    except ActionRefused as exc:
        if action == "assign":  # the form stays filled in, with the proposals chosen
            return _assign_queue_page(request, form=form, chosen=chosen, status=exc.status, message=exc.message)
        return render(
            request,
            "proposals/refused.html",
            {"active_nav": "proposal_review", "message": exc.message, "back": back},
            status=exc.status,
        )
    return render(
        request,
        "proposals/batch_result.html",
        {
            "active_nav": "proposal_review",
            "heading": BATCH_ACTIONS[action],
            "outcomes": outcomes,
            "done": sum(1 for o in outcomes if o.done),
            "refused": sum(1 for o in outcomes if not o.done),
            "back": back,
        },
    )
