"""Proposal items on each person's to-do list."""

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoItem, register_todo_provider
from zhengxie.people.principal import units_of

from . import workflow as wf
from .choices import CosignState, ExcellentState, ExtensionState, KeyState, ReplyState
from .models import Assignment, Cosignature, ExtensionRequest, Proposal, Reply
from .selectors import replies_awaiting_evaluation

LIMIT = 20


def _p(p: Proposal, title: str, kind: str, due=None) -> TodoItem:
    return TodoItem(
        title=f"{title}：{p.number or ''} {p.title}".replace("： ", "："), url=f"/proposals/{p.pk}/", kind=kind, due=due
    )


def _todo(flow, action: str) -> str:
    return str(flow[action].due.todo)


@register_todo_provider
def proposal_todo(user) -> list[TodoItem]:
    """What waits for this person, in the words the workflow declares for each awaited action (``Action.due``) and
    among the objects in that action's source states."""
    roles = roles_of(user)
    items: list[TodoItem] = []
    kind = _("提案")
    P, A = wf.PROPOSAL, wf.ASSIGNMENT
    if Role.MEMBER in roles or roles & {Role.PROPOSAL_OFFICE}:
        returned = Proposal.objects.filter(author=user, state__in=P["submit"].sources, office_comment__gt="")
        for p in returned[:LIMIT]:
            items.append(_p(p, _todo(P, "submit"), kind))
    if Role.MEMBER in roles:
        invited = Cosignature.objects.filter(
            member__user=user, state=CosignState.INVITED, proposal__state__in=P["cosign"].sources
        ).select_related("proposal")
        for c in invited[:LIMIT]:
            deadline = P["cosign"].due.by(c.proposal)
            items.append(_p(c.proposal, _todo(P, "cosign"), kind, deadline and deadline.date()))
    evaluating = Proposal.objects.filter(state__in=P["evaluate"].sources).filter(
        Exists(Proposal.objects.filter(pk=OuterRef("pk"), author=user))
        | Exists(Proposal.objects.filter(merged_into=OuterRef("pk"), author=user))
    )
    for p in evaluating[:LIMIT]:
        if replies_awaiting_evaluation(p, user):
            items.append(_p(p, _todo(P, "evaluate"), kind, P["evaluate"].due.by(p)))
    if Role.PROPOSAL_OFFICE in roles:
        n = Proposal.objects.filter(state__in=P["register"].sources).count()
        if n:
            items.append(TodoItem(_("%(n)d 件提案待审查") % {"n": n}, "/proposals/review/", kind))
        n = Proposal.objects.filter(state__in=P["assign"].sources).count()
        if n:
            items.append(TodoItem(_("%(n)d 件提案待交办") % {"n": n}, "/proposals/?state=registered", kind))
        awaiting_office = {**{s: "approve_reply" for s in A["approve_reply"].sources}}
        awaiting_office.update({s: "resolve_dispute" for s in A["resolve_dispute"].sources})
        for a in Assignment.objects.filter(state__in=list(awaiting_office)).select_related("proposal", "unit")[:LIMIT]:
            items.append(_p(a.proposal, f"{_todo(A, awaiting_office[a.state])}（{a.unit}）", kind))
        for e in ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related(
            "assignment__proposal", "assignment__unit"
        )[:LIMIT]:
            items.append(_p(e.assignment.proposal, f"{_todo(A, 'decide_extension')}（{e.assignment.unit}）", kind))
    if Role.LEADER in roles:
        for p in Proposal.objects.filter(key_state=KeyState.PROPOSED)[:LIMIT]:
            items.append(_p(p, _todo(P, "approve_key"), kind))
        for p in Proposal.objects.filter(excellent_state=ExcellentState.NOMINATED)[:LIMIT]:
            items.append(_p(p, _todo(P, "approve_excellent"), kind))
    if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER}:
        units = units_of(user)
        mine = Assignment.objects.filter(unit_id__in=units).select_related("proposal", "unit")
        for a in mine.filter(state__in=A["accept_assignment"].sources)[:LIMIT]:
            items.append(_p(a.proposal, _todo(A, "accept_assignment"), kind, A["accept_assignment"].due.by(a)))
        for a in mine.filter(state__in=A["draft_reply"].sources).order_by("due_date")[:LIMIT]:
            action = "draft_reply" if a.owes_reply else "submit_co_opinion"
            items.append(_p(a.proposal, _todo(A, action), kind, a.due_date))
        if Role.UNIT_LEADER in roles:
            drafts = Reply.objects.filter(
                assignment__unit_id__in=units,
                state=ReplyState.DRAFT,
                assignment__state__in=A["sign_reply"].sources,
                round=F("assignment__round"),
            )
            for r in drafts.select_related("assignment__proposal")[:LIMIT]:
                items.append(
                    _p(r.assignment.proposal, _todo(A, "sign_reply"), kind, A["sign_reply"].due.by(r.assignment))
                )
    return items
