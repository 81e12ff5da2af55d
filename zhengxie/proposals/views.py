"""Proposal pages for members, collective contacts, handling units and the proposal office: the list, the detail page
with its action buttons and timeline, the draft editor with autosave, attachments, the office's review queue and the
category list.

Every page reads through the selectors (``proposal_get``, ``proposal_list``, ``visible_replies``, ``timeline``), so a
person sees only what they may see; every button comes from ``workflow.allowed_*_actions``; every change is one call
to ``actions.proposal_act`` / ``actions.assignment_act`` or a service, whose refusal is shown with its status (404,
403, 409, 422) and leaves nothing changed.

An action's form is fetched when its button is pressed (``action_form``), so the detail page builds none it does not
show; units and co-signers are chosen by typing part of a name (``unit_lookup``, ``member_lookup``, ``forms.Lookup``),
so no page lists the thousands of them.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengxie.accounts.roles import Role
from zhengxie.core.access import has_perm, require, roles_of
from zhengxie.core.exceptions import ActionRefused, InvalidInput, NotVisible
from zhengxie.core.request_size import accepts_upload
from zhengxie.people.models import HandlingUnit

from . import read_models, selectors, services
from . import workflow as wf
from .actions import assignment_act, proposal_act
from .choices import AssignmentRole, AssignmentState, CosignState, ProposalState, ReplyState
from .conf import conf, grade_label, rejection_ground_label
from .forms import AttachmentForm, CategoryForm, DraftForm, action_form_class, add_refusal_errors
from .models import Assignment, Attachment, Category
from .report_filters import report_filter_words
from .statistics import REPORT_FILTER_KEYS

P = ProposalState
A = AssignmentState
PAGE_SIZE = 20
REVIEW_PAGE_SIZE = 30
# The review queue offers these of the actions the table allows on a submitted proposal.
REVIEW_ACTIONS = ("register", "return_for_revision", "reject", "merge", "convert")
# The rating of replies: its form sits after each reply it rates, not among the buttons at the top.
RATE = "evaluate"
DELETE = "delete_draft"  # offered in the draft editor as well as on the proposal's page
MERGE_CANDIDATES = 300

# The units offered when the text typed in the list's unit filter names several (without JavaScript).
UNIT_MATCHES_SHOWN = 20
# How many names a type-ahead offers at a time.
LOOKUP_LIMIT = 12


# Helpers ----------------------------------------------------------------------------------------------------------


def _visible_or_404(user, pk):
    proposal = selectors.proposal_get(user=user, pk=pk) if pk else None
    if proposal is None:
        raise Http404(_("提案不存在或您无权查看。"))
    return proposal


def _int(value) -> int | None:
    value = (value or "").strip() if isinstance(value, str) else value
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _precheck(action: str, proposal, assignment, user) -> None:
    """Raise the refusal the service would raise for this person, state and action (the same check it runs), so a
    form with bad input is answered 403/409 rather than 422 when the action is not open to the person at all."""
    flow, obj = (wf.PROPOSAL, proposal) if assignment is None else (wf.ASSIGNMENT, assignment)
    flow.check(flow.get(action), obj, user)


def _next_url(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _refused_page(request, exc: ActionRefused, *, back: str):
    if isinstance(exc, NotVisible):
        raise Http404(exc.message)
    return render(
        request,
        "proposals/refused.html",
        {"active_nav": "proposals", "message": exc.message, "errors": exc.errors, "back": back},
        status=exc.status,
    )


def _action_label(code: str) -> str:
    if code == "save_draft":
        return _("保存草稿")
    return wf.step_label(code)


def _state_label(code: str, *, assignment_level: bool) -> str:
    if not code:
        return ""
    choices = AssignmentState if assignment_level else ProposalState
    try:
        return str(choices(code).label)
    except ValueError:
        return code


# List -------------------------------------------------------------------------------------------------------------


def _list_filters(request) -> dict:
    get = request.GET
    f = {
        "state": get.get("state", "") if get.get("state", "") in ProposalState.values else "",
        "q": get.get("q", "").strip()[:100],
    }
    for key in ("year", "category", "unit"):
        value = get.get(key, "").strip()
        f[key] = value if value.isdigit() and len(value) < 10 else ""
    # The unit filter's text box, when sent: without JavaScript, or with a name typed but not chosen from the list.
    f["unit_name"] = get["unit_name"].strip()[:100] if "unit_name" in get else None
    for key in ("key", "mine", "excellent"):
        f[key] = "1" if get.get(key) in ("1", "true", "on") else ""
    proposer = get.get("proposer", "").strip()
    f["proposer"] = proposer if proposer.isdigit() and len(proposer) < 10 else ""
    # The statistics page links each figure to the list with these; the selector validates their values.
    for key in REPORT_FILTER_KEYS:
        f[key] = get.get(key, "").strip()[:40]
    return f


def _unit_filter(filters: dict) -> tuple[HandlingUnit | None, list[HandlingUnit] | None, bool]:
    """The unit filter: the unit chosen (by id), or named by the text box when it was sent — the only active unit
    whose name or short name contains the text; else the units to choose from (none when nothing matches; the list
    is then not filtered by unit) and whether there are more of them. Sets ``filters["unit"]`` to the unit's id."""
    text = filters.pop("unit_name", None)
    unit = None
    if filters["unit"]:
        unit = HandlingUnit.objects.filter(pk=filters["unit"]).only("pk", "name").first()
    if text is not None and (unit is None or text != unit.name):
        unit = None
        if text:
            found = list(selectors.units_named(text).only("pk", "name")[: UNIT_MATCHES_SHOWN + 1])
            if len(found) != 1:
                filters["unit"] = ""
                return None, found[:UNIT_MATCHES_SHOWN], len(found) > UNIT_MATCHES_SHOWN
            unit = found[0]
    filters["unit"] = str(unit.pk) if unit is not None else ""
    return unit, None, False


@require("proposals.view")
@require_safe
def proposal_list(request):
    user = request.user
    filters = _list_filters(request)
    unit_text = filters["unit_name"] or ""
    unit, unit_matches, more_units = _unit_filter(filters)
    page = Paginator(selectors.proposal_rows(user=user, filters=filters, units=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Pages and the export repeat the filters with the unit by id, as if it had been chosen from the list.
    query = request.GET.copy()
    for key in ("page", "unit", "unit_name"):
        query.pop(key, None)
    without_unit = query.urlencode()
    if unit is not None:
        query["unit"] = str(unit.pk)
    years = selectors.year_range(user)
    return render(
        request,
        "proposals/list.html",
        {
            "active_nav": "proposals",
            "page": page,
            "rows": read_models.list_rows(page),
            "detail_url": reverse("proposals:detail", args=[0]).rsplit("0/", 1)[0],
            "filters": filters,
            "report_filters": report_filter_words(filters, (*REPORT_FILTER_KEYS, "excellent", "proposer")),
            "querystring": query.urlencode(),
            "states": ProposalState.choices,
            "years": years,
            "categories": selectors.categories(),
            "unit": unit,
            "unit_text": unit_text if unit is None else unit.name,
            "unit_matches": unit_matches,
            "more_units": more_units,
            "without_unit": without_unit,
            # Writing needs someone to propose for: the member personally or a collective the user files for.
            "can_write": has_perm(user, "proposals.write") and DraftForm.may_propose(user),
        },
    )


# Detail -----------------------------------------------------------------------------------------------------------


@dataclass
class ActionItem:
    """One button of the detail page: an action the table allows this person now, with its payload form."""

    name: str
    label: str
    style: str
    url: str
    dom_id: str
    form: object = None
    open: bool = False
    assignment_id: int | None = None
    form_url: str = ""  # the form is fetched from here when the button is pressed (the detail page)
    confirm: str = ""  # an irreversible step: the question asked before it is sent
    anchor: str = ""  # the form sits elsewhere on the page (a rating after the reply it rates): the button leads there


@dataclass
class DueItem:
    who: str
    what: str
    due: datetime.date | None = None
    overdue: bool = False


@dataclass
class AssignmentView:
    """One assignment on the detail page: its part of the read model, with its buttons and its texts."""

    part: read_models.AssignmentPart
    contacts: list = field(default_factory=list)  # the unit's contacts with the proposers
    replies: list = field(default_factory=list)  # each reply the reader may read, as the page writes it
    actions: list = field(default_factory=list)  # shown at the top of the page, under the unit's name
    reply_upload: object = None  # (reply, AttachmentForm) when the unit may attach files to its draft reply
    shown: dict = field(default_factory=dict)  # the assignment's labels and dates as the page writes them

    @property
    def assignment(self) -> Assignment:
        return self.part.assignment


def _action_items(
    request,
    proposal,
    *,
    assignment=None,
    allowed,
    bound,
    suffix: str = "",
    lazy: bool = False,
    placed: dict | None = None,
) -> list[ActionItem]:
    """``suffix`` keeps element ids unique when several proposals' buttons share a page (the review queue).
    ``lazy``: an action's form is not built here but fetched when its button is pressed (``action_form``), except
    the one ``bound`` (a refused POST, or the form asked for without JavaScript), which is shown open. ``placed``:
    actions whose forms sit elsewhere on the page, by the anchor their button leads to."""
    items = []
    for name in allowed:
        if assignment is None:
            step, flow = wf.PROPOSAL_ACTIONS[name], wf.PROPOSAL
            url = reverse("proposals:act", args=[proposal.pk, name])
            dom_id = f"act-{name}{suffix}"
            if name == "edit":
                url = reverse("proposals:edit", args=[proposal.pk])
        else:
            step, flow = wf.ASSIGNMENT_ACTIONS[name], wf.ASSIGNMENT
            url = reverse("proposals:assignment_act", args=[assignment.pk, name])
            dom_id = f"act-{name}-{assignment.pk}"
        item = ActionItem(
            name,
            str(step.label),
            step.style,
            url,
            dom_id,
            assignment_id=getattr(assignment, "pk", None),
            confirm=str(step.confirm),
        )
        form_class = action_form_class(flow, name)
        if placed and name in placed:
            item.anchor = placed[name]
        elif bound is not None and bound[0] == name and bound[1] == item.assignment_id:
            item.form, item.open = bound[2], True
        elif form_class is not None and lazy:
            item.form_url = _action_form_url(proposal, assignment, name)
        elif form_class is not None:
            item.form = form_class(
                proposal=proposal, assignment=assignment, user=request.user, auto_id=f"id_{dom_id}_%s"
            )
        items.append(item)
    return items


def _action_form_url(proposal, assignment, name: str) -> str:
    if assignment is None:
        return reverse("proposals:action_form", args=[proposal.pk, name])
    return reverse("proposals:assignment_action_form", args=[assignment.pk, name])


def _due_next(detail: read_models.ProposalDetail, today) -> list[DueItem]:
    """What is due next, by whom, and by when (flagged when the date has passed), in the words and with the dates
    the workflow declares for the actions awaited (``Action.due``). A unit's internal work (a draft waiting for its
    leader, an extension request) is named only to those who see the unit's internal steps."""
    proposal = detail.proposal
    office = _("提案委")
    items: list[DueItem] = []

    def add(who, flow, action, obj, *, what=None):
        due = flow[action].due
        words = str(what or due.what)
        if "%(u)s" in words:
            words = words % {"u": obj.unit}
        day = due.by(obj)
        if isinstance(day, datetime.datetime):
            day = timezone.localdate(day)
        items.append(DueItem(str(who), words, day, bool(day and day < today)))

    state = proposal.state
    if state == P.DRAFT:
        add(proposal.author, wf.PROPOSAL, "submit", proposal)
    elif state == P.COSIGNING:
        invited = [c.member.name for c in detail.cosignatures if c.state == CosignState.INVITED]
        add("、".join(invited), wf.PROPOSAL, "cosign", proposal)
    elif state == P.SUBMITTED:
        add(office, wf.PROPOSAL, "register", proposal)
    elif state == P.REGISTERED:
        add(office, wf.PROPOSAL, "assign", proposal)
    elif state in (P.ASSIGNED, P.REHANDLING):
        for part in detail.assignments:
            a = part.assignment
            if a.state == A.PENDING:
                add(a.unit, wf.ASSIGNMENT, "accept_assignment", a)
            elif a.state == A.DISPUTED:
                add(office, wf.ASSIGNMENT, "resolve_dispute", a)
            elif a.state == A.ACCEPTED:
                if a.role == AssignmentRole.CO:
                    add(a.unit, wf.ASSIGNMENT, "submit_co_opinion", a)
                elif not part.internal:  # drafting and signing are the unit's own steps: named as one
                    add(a.unit, wf.ASSIGNMENT, "draft_reply", a, what=_("办理并答复"))
                elif part.has_draft_reply:
                    add(_("%(u)s 领导") % {"u": a.unit}, wf.ASSIGNMENT, "sign_reply", a)
                else:
                    add(a.unit, wf.ASSIGNMENT, "draft_reply", a)
                if part.pending_extension is not None:
                    add(office, wf.ASSIGNMENT, "decide_extension", a)
            elif a.state == A.REPLY_SIGNED:
                add(office, wf.ASSIGNMENT, "approve_reply", a)
    elif state == P.REPLIED:
        label = wf.PROPOSAL.label("send_for_evaluation")
        items.append(DueItem(str(_("系统")), str(label), None, False))
    elif state == P.EVALUATING:
        outstanding = selectors.facts_of(proposal).evaluations_outstanding()
        if outstanding:
            who = "、".join(sorted({str(on_behalf.author) for _r, on_behalf in outstanding}))
            add(who, wf.PROPOSAL, "evaluate", proposal)
        else:
            add(office, wf.PROPOSAL, "close", proposal)
    elif state == P.CLOSED and proposal.followup_on:
        # 回头看 is a visit, not an action of the workflow: its date is the proposal's.
        day = proposal.followup_on
        items.append(DueItem(str(office), str(_("回头看")), day, day < today))
    return items


def _render_detail(request, proposal, *, bound=None, refusal: ActionRefused | None = None, status: int = 200):
    """``bound``: (action, assignment id or None, form) of a refused POST, shown open with its errors, or of the form
    asked for without JavaScript (``action_form``); the page it came from (``next``) is kept, so a corrected form
    returns there. The other actions' forms are fetched when their button is pressed.

    Everything the workflow's conditions need is read once here and handed to the proposal's facts
    (``selectors.ProposalFacts``): the replies, the assignments with their extensions."""
    user = request.user
    today = timezone.localdate()
    detail = read_models.proposal_detail(user, proposal, today=today)
    rating = _rating_forms(request, proposal, detail, bound)
    views = []
    for part in detail.assignments:
        a = part.assignment
        view = AssignmentView(
            part=part,
            contacts=detail.contacts.get(a.pk, []),
            replies=[_reply_view(r, rating.get(r.reply.pk)) for r in part.replies],
            actions=_action_items(
                request, proposal, assignment=a, allowed=part.allowed_actions, bound=bound, lazy=True
            ),
            shown={
                "role": a.get_role_display(),
                "state": a.get_state_display(),
                "assigned": timezone.localdate(a.assigned_at).isoformat(),
                "due": a.due_date.isoformat(),
                "dispute_deadline": a.dispute_deadline.isoformat(),
                "accepted": _minute(a.accepted_at) or "—",
                "co_opinion_at": _minute(a.co_opinion_at),
            },
        )
        if "draft_reply" in part.allowed_actions and part.has_draft_reply:
            draft = next(
                (r.reply for r in part.replies if r.reply.state == ReplyState.DRAFT and r.reply.round == a.round), None
            )
            if draft is not None:
                view.reply_upload = (
                    draft,
                    AttachmentForm(initial={"reply": draft.pk}, auto_id=f"id_reply{draft.pk}_%s"),
                )
        views.append(view)

    # The rating button leads to the form after the first reply awaiting the reader's rating.
    placed = {RATE: f"#{next(iter(rating.values())).dom_id}"} if rating else None
    actions = _action_items(request, proposal, allowed=detail.allowed_actions, bound=bound, lazy=True, placed=placed)
    merge_open = bound is not None and bound[0] == "merge"
    merge_candidates = _merge_candidates(user, exclude=proposal.pk) if merge_open else []

    timeline = []
    units_by_assignment = {part.assignment.pk: part.assignment.unit for part in detail.assignments}
    for e in detail.timeline:
        assignment_level = e.assignment_id is not None and e.action in wf.ASSIGNMENT_ACTIONS
        unit = units_by_assignment.get(e.assignment_id)
        at = timezone.localtime(e.at)
        # Plain values, the time written here: the template's date filter costs more than the rest of an entry.
        timeline.append(
            {
                "action": e.action,
                "label": _action_label(e.action),
                "unit": unit.name if unit is not None else "",
                "from": _state_label(e.from_state, assignment_level=assignment_level),
                "to": _state_label(e.to_state, assignment_level=assignment_level),
                "actor": e.actor_label,
                "at_iso": at.isoformat(),
                "at": at.strftime("%Y-%m-%d %H:%M"),
                "note": e.note,
            }
        )

    context = {
        "active_nav": "proposals",
        "proposal": proposal,
        "title": proposal.title or _("（未填写案由）"),
        "cosignatures": detail.cosignatures,
        "suggested_units": sorted(detail.suggested_units, key=lambda u: (u.name, u.pk)),
        "assignments": views,
        "attachments": detail.files,
        "supervision": detail.supervision,
        "followup_documents": detail.followup_documents,
        "converted_report": detail.converted_report,
        "merged": detail.merged,
        "actions": actions,
        "action_names": [a.name for a in actions],
        "has_actions": bool(actions) or any(v.actions for v in views),
        "merge_candidates": merge_candidates,
        "timeline": timeline,
        "due_next": _due_next(detail, today),
        "rejection_ground": rejection_ground_label(proposal.rejection_ground) if proposal.rejection_ground else "",
        "refusal": refusal,
        "next_url": _next_url(request) if request.method == "POST" else None,
        "today": today,
    }
    return render(request, "proposals/detail.html", context, status=status)


def _minute(value) -> str:
    """A time as the detail page writes it (the template's ``|date:"Y-m-d H:i"``), in local time."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _rating_forms(request, proposal, detail: read_models.ProposalDetail, bound) -> dict[int, ActionItem]:
    """The rating form of each reply awaiting the reader's rating, by reply id: shown after the reply it rates. A
    refused rating comes back with its errors under its reply."""
    if RATE not in detail.allowed_actions:
        return {}
    step = wf.PROPOSAL_ACTIONS[RATE]
    url = reverse("proposals:act", args=[proposal.pk, RATE])
    form_class = action_form_class(wf.PROPOSAL, RATE)
    bound_form = bound[2] if bound is not None and bound[0] == RATE and bound[1] is None else None
    items: dict[int, ActionItem] = {}
    for reply, _on_behalf in selectors.replies_awaiting_evaluation(proposal, request.user):
        if reply.pk in items:
            continue
        item = ActionItem(RATE, str(step.label), step.style, url, f"rate-{reply.pk}")
        if bound_form is not None and bound_form.is_bound and bound_form.data.get("reply_id") == str(reply.pk):
            item.form, item.open = bound_form, True
        else:
            item.form = form_class(
                proposal=proposal, user=request.user, initial={"reply_id": reply.pk}, auto_id=f"id_rate{reply.pk}_%s"
            )
        items[reply.pk] = item
    return items


def _reply_view(part: read_models.ReplyPart, rate: ActionItem | None = None) -> dict:
    reply = part.reply
    return {
        "reply": reply,
        "rate": rate,  # the reader's rating form, after the reply
        "grade": grade_label(reply.final_grade),
        "original_grade": grade_label(reply.grade) if reply.office_grade and reply.office_grade != reply.grade else "",
        "attachments": part.files,
        "evaluations": [
            {
                "satisfaction": e.satisfaction,
                "label": e.get_satisfaction_display(),
                "comment": e.comment,
                "at": _minute(e.at),
            }
            for e in part.evaluations
        ],
        "state": reply.get_state_display(),
        "drafted_at": _minute(reply.drafted_at),
        "signed_at": _minute(reply.signed_at),
        "approved_at": _minute(reply.approved_at),
    }


def _merge_candidates(user, *, exclude: int | None = None) -> list[dict]:
    qs = (
        selectors.visible_proposals(user)
        .filter(state__in=[P.SUBMITTED, P.REGISTERED, P.ASSIGNED])
        .exclude(pk=exclude)
        .order_by("-id")
        .values("pk", "number", "title")[:MERGE_CANDIDATES]
    )
    # Chosen by number, or by title while it has none (``MergeForm`` finds it): never by an id.
    return [{"value": row["number"] or row["title"], "title": row["title"]} for row in qs]


def _read_only(request):
    """405 for a method other than GET/HEAD — checked after visibility, so someone who may not see the object is
    answered 404 whatever the method."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


@require("proposals.view")
def proposal_detail(request, pk: int):
    proposal = _visible_or_404(request.user, pk)
    return _read_only(request) or _render_detail(request, proposal)


# Actions ----------------------------------------------------------------------------------------------------------


def _not_posted(request, proposal_pk: int):
    """An action's address opened rather than posted (reloaded after a refused form, typed or bookmarked): the
    proposal's page, where the action's button is; 405 only for other methods."""
    if request.method in ("GET", "HEAD"):
        return redirect("proposals:detail", pk=proposal_pk)
    return HttpResponseNotAllowed(["POST"])


@require("proposals.view")
def proposal_act_view(request, pk: int, action: str):
    user = request.user
    proposal = _visible_or_404(user, pk)
    if request.method != "POST":
        return _not_posted(request, proposal.pk)
    form_class = action_form_class(wf.PROPOSAL, action)
    form = form_class(request.POST, proposal=proposal, user=user, auto_id=f"id_act-{action}_%s") if form_class else None
    form_ok = form is None or form.is_valid()
    try:
        if not form_ok:
            _precheck(action, proposal, None, user)
            raise InvalidInput(_("请检查填写的内容。"))
        payload = form.payload() if form else {}
        done = proposal_act(proposal_id=proposal.pk, action=action, actor=user, payload=payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        if isinstance(exc, InvalidInput) and form is not None and form_ok:
            add_refusal_errors(form, exc.errors, exc.message)
        return _render_detail(
            request, _visible_or_404(user, pk), bound=(action, None, form), refusal=exc, status=exc.status
        )
    messages.success(request, wf.PROPOSAL_ACTIONS[action].done_message(done, payload))
    back = _next_url(request)
    if back is None and not selectors.visible_proposals(user).filter(pk=pk).exists():
        back = reverse("proposals:list")  # deleted, or out of the person's sight (a draft returned to its author)
    return redirect(back or reverse("proposals:detail", args=[pk]))


@require("proposals.view")
def assignment_act_view(request, pk: int, action: str):
    user = request.user
    assignment = Assignment.objects.select_related("unit").filter(pk=pk).first()
    if assignment is None:
        raise Http404(_("交办记录不存在或您无权查看。"))
    proposal = _visible_or_404(user, assignment.proposal_id)
    if request.method != "POST":
        return _not_posted(request, proposal.pk)
    assignment.proposal = proposal
    form_class = action_form_class(wf.ASSIGNMENT, action)
    form = (
        form_class(
            request.POST, proposal=proposal, assignment=assignment, user=user, auto_id=f"id_act-{action}-{pk}_%s"
        )
        if form_class
        else None
    )
    form_ok = form is None or form.is_valid()
    try:
        if not form_ok:
            _precheck(action, proposal, assignment, user)
            raise InvalidInput(_("请检查填写的内容。"))
        payload = form.payload() if form else {}
        done = assignment_act(assignment_id=pk, action=action, actor=user, payload=payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        if isinstance(exc, InvalidInput) and form is not None and form_ok:
            add_refusal_errors(form, exc.errors, exc.message)
        return _render_detail(
            request, _visible_or_404(user, proposal.pk), bound=(action, pk, form), refusal=exc, status=exc.status
        )
    message = wf.ASSIGNMENT_ACTIONS[action].done_message(done, payload)
    messages.success(request, _("%(m)s（%(u)s）") % {"m": message, "u": assignment.unit})
    return redirect(_next_url(request) or reverse("proposals:detail", args=[proposal.pk]))


def _action_form_page(request, proposal, assignment, action: str, form_class):
    """The form of one action for someone the table allows to take it now: the fragment the detail page's script
    fetches when the action's button is pressed (an htmx request), or, without JavaScript, the detail page with
    that form open. Refused as the action itself would be (404, 403, 409); other methods than GET get 405."""
    user = request.user
    try:
        _precheck(action, proposal, assignment, user)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        if request.htmx:
            return render(request, "proposals/_action_refused.html", {"message": exc.message}, status=exc.status)
        return _refused_page(request, exc, back=reverse("proposals:detail", args=[proposal.pk]))
    not_allowed = _read_only(request)
    if not_allowed is not None:
        return not_allowed
    assignment_id = assignment.pk if assignment is not None else None
    if not request.htmx:
        dom_id = f"act-{action}" if assignment is None else f"act-{action}-{assignment_id}"
        # A link may choose a field's value (the similar proposals' 并案: ?into=<lead's number>); it is checked
        # only when the form is sent, like anything typed.
        initial = {name: request.GET[name][:200] for name in form_class.base_fields if name in request.GET}
        form = form_class(
            proposal=proposal, assignment=assignment, user=user, auto_id=f"id_{dom_id}_%s", initial=initial
        )
        return _render_detail(request, proposal, bound=(action, assignment_id, form))
    item = _action_items(request, proposal, assignment=assignment, allowed=[action], bound=None)[0]
    return render(
        request,
        "proposals/_action_form.html",
        {
            "item": item,
            "fragment": True,
            "merge_candidates": _merge_candidates(user, exclude=proposal.pk) if action == "merge" else [],
        },
    )


@require("proposals.view")
def action_form(request, pk: int, action: str):
    proposal = _visible_or_404(request.user, pk)
    form_class = action_form_class(wf.PROPOSAL, action)
    if form_class is None:
        raise Http404(_("没有这个操作：%(a)s") % {"a": action})
    return _action_form_page(request, proposal, None, action, form_class)


@require("proposals.view")
def assignment_action_form(request, pk: int, action: str):
    assignment = Assignment.objects.select_related("unit").filter(pk=pk).first()
    if assignment is None:
        raise Http404(_("交办记录不存在或您无权查看。"))
    proposal = _visible_or_404(request.user, assignment.proposal_id)
    assignment.proposal = proposal
    form_class = action_form_class(wf.ASSIGNMENT, action)
    if form_class is None:
        raise Http404(_("没有这个操作：%(a)s") % {"a": action})
    return _action_form_page(request, proposal, assignment, action, form_class)


# Type-ahead -------------------------------------------------------------------------------------------------------


def _lookup_response(rows, label) -> JsonResponse:
    rows = list(rows[: LOOKUP_LIMIT + 1])
    return JsonResponse(
        {"results": [{"id": r.pk, "label": label(r)} for r in rows[:LOOKUP_LIMIT]], "more": len(rows) > LOOKUP_LIMIT}
    )


@require("proposals.view")
@require_safe
def unit_lookup(request):
    """The unit fields' type-ahead (forms.Lookup, the list's unit filter): active units whose name or short name
    contains ``q``, as ``{"results": [{"id", "label"}], "more": bool}``."""
    q = request.GET.get("q", "")[:100]
    return _lookup_response(selectors.units_named(q).only("pk", "name"), lambda u: u.name)


@require("proposals.write")
@require_safe
def member_lookup(request):
    """The co-signer field's type-ahead: serving members other than the user whose name contains ``q``, each with
    their sector."""
    q = request.GET.get("q", "")[:50]
    rows = selectors.cosigners_named(request.user, q).only("pk", "name", "sector__name")
    return _lookup_response(rows, lambda m: f"{m.name}（{m.sector}）")


# The draft editor -------------------------------------------------------------------------------------------------


def _editor(request, form, proposal=None, *, status: int = 200):
    attachments, upload, delete = [], None, None
    if proposal is not None:
        attachments = list(proposal.attachments.filter(reply__isnull=True).order_by("id"))
        upload = AttachmentForm()
        # Deleting the draft is offered here too, where its author works on it, when the workflow allows it.
        allowed = wf.allowed_proposal_actions(proposal, request.user)
        if DELETE in allowed:
            delete = _action_items(request, proposal, allowed=[DELETE], bound=None)[0]
    return render(
        request,
        "proposals/edit.html",
        {
            "active_nav": "proposals",
            "form": form,
            "proposal": proposal,
            "attachments": attachments,
            "upload": upload,
            "delete": delete,
            "title_max": conf("TITLE_MAX_LENGTH"),
        },
        status=status,
    )


def _save_draft(request, proposal):
    """Save the editor's content (creating the draft on its first save) and, when asked, submit it."""
    user = request.user
    form = DraftForm(request.POST, user=user, proposal=proposal)
    if not form.is_valid():
        return _editor(request, form, proposal, status=422)
    try:
        if proposal is None:
            proposal = services.proposal_create_draft(author=user, data=form.service_data())
        else:
            proposal = services.proposal_update_draft(proposal_id=proposal.pk, actor=user, data=form.service_data())
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except InvalidInput as exc:
        add_refusal_errors(form, exc.errors, exc.message)
        if proposal is None:  # nothing was saved: say so above the form as well as on the fields
            form.add_error(None, exc.message)
        return _editor(request, form, proposal, status=422)
    except ActionRefused as exc:
        return _refused_page(request, exc, back=reverse("proposals:list"))
    if request.POST.get("intent") == "submit":
        try:
            proposal = proposal_act(proposal_id=proposal.pk, action="submit", actor=user)
        except NotVisible as exc:
            raise Http404(exc.message) from None
        except InvalidInput as exc:
            form = DraftForm(request.POST, user=user, proposal=proposal)
            form.is_valid()
            add_refusal_errors(form, exc.errors, exc.message)
            messages.info(request, _("草稿已保存，但尚不能提交。"))
            return _editor(request, form, proposal, status=422)
        except ActionRefused as exc:
            return _refused_page(request, exc, back=reverse("proposals:detail", args=[proposal.pk]))
        messages.success(request, wf.PROPOSAL_ACTIONS["submit"].done_message(proposal))
    else:
        messages.success(request, wf.PROPOSAL_ACTIONS["edit"].done_message(proposal))
    return redirect("proposals:detail", pk=proposal.pk)


def _editable_or_refuse(user, pk):
    """The draft to edit, or the refusal the service would give (404 not visible, 403 not the author, 409 no longer
    a draft)."""
    proposal = _visible_or_404(user, pk)
    _precheck("edit", proposal, None, user)
    return proposal


@require("proposals.write")
def proposal_new(request):
    if request.method == "POST":
        draft_id = _int(request.POST.get("proposal"))
        if draft_id is not None:  # the first autosave already created the draft
            try:
                proposal = _editable_or_refuse(request.user, draft_id)
            except ActionRefused as exc:
                return _refused_page(request, exc, back=reverse("proposals:list"))
            return _save_draft(request, proposal)
        return _save_draft(request, None)
    form = DraftForm(user=request.user)
    if "collective_id" not in form.fields and Role.MEMBER not in roles_of(request.user):
        raise PermissionDenied  # neither a member nor a collective's contact: nobody to propose for
    return _editor(request, form)


@require("proposals.write")
def proposal_edit(request, pk: int):
    try:
        proposal = _editable_or_refuse(request.user, pk)
    except ActionRefused as exc:
        return _refused_page(request, exc, back=reverse("proposals:detail", args=[pk]))
    if request.method == "POST":
        return _save_draft(request, proposal)
    initial = {
        "title": proposal.title,
        "analysis": proposal.analysis,
        "suggestions": proposal.suggestions,
        "category": proposal.category_id,
        "cosigner_ids": list(proposal.cosignatures.values_list("member_id", flat=True)),
        "suggested_unit_ids": list(proposal.suggested_units.values_list("pk", flat=True)),
    }
    return _editor(request, DraftForm(user=request.user, proposal=proposal, initial=initial), proposal)


@require("proposals.write")
@require_POST
def autosave(request):
    """htmx: save the editor's content every few seconds; answers a status line (and, on the first save, the new
    draft's id, swapped into the form out of band)."""
    user = request.user
    draft_id = _int(request.POST.get("proposal"))
    proposal = None
    try:
        if draft_id is not None:
            # Refusals are answered as a status line too (never a whole error page inside the editor).
            proposal = selectors.proposal_get(user=user, pk=draft_id)
            if proposal is None:
                raise NotVisible(_("提案不存在或您无权查看。"))
            _precheck("edit", proposal, None, user)
        form = DraftForm(request.POST, user=user, proposal=proposal)
        if not form.is_valid():
            raise InvalidInput(_("未能自动保存：请检查填写的内容。"), dict(form.errors.items()))
        if proposal is None and services.draft_is_empty(form.service_data()):
            # Nothing typed yet (or all of it deleted): no draft is made from nothing.
            return render(request, "proposals/_autosave_status.html", {"ok": False, "empty": True})
        if proposal is None:
            proposal = services.proposal_create_draft(author=user, data=form.service_data())
            created = True
        else:
            services.proposal_update_draft(proposal_id=proposal.pk, actor=user, data=form.service_data())
            created = False
    except ActionRefused as exc:
        errors = [str(e[0] if isinstance(e, list) else e) for e in exc.errors.values()]
        return render(
            request,
            "proposals/_autosave_status.html",
            {"ok": False, "message": exc.message, "errors": errors},
            status=exc.status,
        )
    response = render(
        request,
        "proposals/_autosave_status.html",
        {"ok": True, "proposal": proposal, "created": created, "at": timezone.localtime()},
    )
    if created:
        response["HX-Replace-Url"] = reverse("proposals:edit", args=[proposal.pk])
    return response


# Attachments ------------------------------------------------------------------------------------------------------


@require("proposals.view")
def attachment_download(request, pk: int):
    attachment = Attachment.objects.select_related("proposal").filter(pk=pk).first()
    if attachment is None or not services.attachment_readable(attachment=attachment, user=request.user):
        raise Http404(_("附件不存在或您无权查看。"))
    return _read_only(request) or FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


def _back_after_attachment(request, proposal_id: int, *, reply: bool) -> str:
    if reply:
        return reverse("proposals:detail", args=[proposal_id])
    return reverse("proposals:edit", args=[proposal_id])


@accepts_upload(lambda: conf("ATTACHMENT_MAX_BYTES"))
@require("proposals.view")
@require_POST
def attachment_upload(request, pk: int):
    """Attach a file to a draft (its author) or to a draft reply (``reply``: the unit's staff)."""
    upload = request.FILES.get("file")
    raw_reply = request.POST.get("reply", "")
    reply_id = _int(raw_reply)
    if raw_reply.strip() and reply_id is None:
        raise Http404(_("答复不存在。"))
    limit = conf("ATTACHMENT_MAX_BYTES")
    data = upload.read(limit + 1) if upload is not None else b""
    back = _next_url(request) or _back_after_attachment(request, pk, reply=reply_id is not None)
    try:
        attachment = services.attachment_add(
            proposal_id=pk, actor=request.user, name=upload.name if upload else "", data=data, reply_id=reply_id
        )
    except ActionRefused as exc:
        return _refused_page(request, exc, back=back)
    messages.success(request, _("已上传附件：%(n)s。") % {"n": attachment.name})
    return redirect(back)


@require("proposals.view")
@require_POST
def attachment_remove(request, pk: int):
    attachment = Attachment.objects.filter(pk=pk).values("proposal_id", "reply_id", "name").first()
    if attachment is None:
        raise Http404(_("附件不存在。"))
    back = _next_url(request) or _back_after_attachment(
        request, attachment["proposal_id"], reply=attachment["reply_id"] is not None
    )
    try:
        services.attachment_remove(attachment_id=pk, actor=request.user)
    except ActionRefused as exc:
        return _refused_page(request, exc, back=back)
    messages.success(request, _("已删除附件：%(n)s。") % {"n": attachment["name"]})
    return redirect(back)


# The review queue -------------------------------------------------------------------------------------------------


@require("proposals.review")
@require_safe
def review_queue(request):
    """Submitted proposals, oldest first, each with the review actions the table allows the office."""
    user = request.user
    qs = (
        selectors.proposal_list(user=user, filters={"state": P.SUBMITTED})
        .select_related("author")
        .annotate(cosigners=Count("cosignatures", filter=Q(cosignatures__state=CosignState.CONFIRMED)))
        .order_by("submitted_at", "id")
    )
    page = Paginator(qs, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    next_url = request.get_full_path()
    rows = []
    for proposal in page:
        allowed = [a for a in wf.allowed_proposal_actions(proposal, user) if a in REVIEW_ACTIONS]
        items = _action_items(request, proposal, allowed=allowed, bound=None, suffix=f"-{proposal.pk}")
        rows.append({"proposal": proposal, "actions": items})
    return render(
        request,
        "proposals/review.html",
        {
            "active_nav": "proposal_review",
            "page": page,
            "rows": rows,
            "next_url": next_url,
            "merge_candidates": _merge_candidates(user) if rows else [],
        },
    )


# Categories -------------------------------------------------------------------------------------------------------


@require("proposals.manage_settings")
def categories(request):
    """The editable category list (经济建设 …); each change goes through a service and is audited."""
    user = request.user
    failed_id, failed_form = None, None
    new_form = CategoryForm(auto_id="id_new_%s")
    status = 200
    if request.method == "POST":
        category_id = _int(request.POST.get("category"))
        form = CategoryForm(request.POST, auto_id=f"id_cat{category_id}_%s" if category_id else "id_new_%s")
        try:
            if not form.is_valid():
                raise InvalidInput(_("请检查填写的内容。"))
            if category_id is None:
                category = services.category_create(actor=user, data=form.cleaned_data)
                messages.success(request, _("已添加类别：%(n)s。") % {"n": category.name})
            else:
                category = services.category_update(actor=user, category_id=category_id, data=form.cleaned_data)
                messages.success(request, _("已保存类别：%(n)s。") % {"n": category.name})
            return redirect("proposals:categories")
        except NotVisible as exc:
            raise Http404(exc.message) from None
        except ActionRefused as exc:
            add_refusal_errors(form, exc.errors, "" if form.errors else exc.message)
            status = exc.status
            if category_id is None:
                new_form = form
            else:
                failed_id, failed_form = category_id, form
    rows = []
    for category in Category.objects.annotate(proposal_count=Count("proposal")).order_by("sort_order", "id"):
        form = (
            failed_form
            if category.pk == failed_id
            else CategoryForm(
                initial={"name": category.name, "sort_order": category.sort_order, "is_active": category.is_active},
                auto_id=f"id_cat{category.pk}_%s",
            )
        )
        rows.append({"category": category, "form": form})
    return render(
        request,
        "proposals/categories.html",
        {"active_nav": "proposals", "rows": rows, "new_form": new_form},
        status=status,
    )
