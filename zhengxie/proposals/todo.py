"""Proposal items on each person's to-do list."""

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoItem, register_todo_provider
from zhengxie.people.principal import units_of

from .choices import AssignmentState, CosignState, ExcellentState, ExtensionState, KeyState, ProposalState, ReplyState
from .models import Assignment, Cosignature, ExtensionRequest, Proposal, Reply
from .selectors import replies_awaiting_evaluation

LIMIT = 20


def _p(p: Proposal, title: str, kind: str, due=None) -> TodoItem:
    return TodoItem(
        title=f"{title}：{p.number or ''} {p.title}".replace("： ", "："), url=f"/proposals/{p.pk}/", kind=kind, due=due
    )


@register_todo_provider
def proposal_todo(user) -> list[TodoItem]:
    roles = roles_of(user)
    items: list[TodoItem] = []
    kind = _("提案")
    if Role.MEMBER in roles or roles & {Role.PROPOSAL_OFFICE}:
        for p in Proposal.objects.filter(author=user, state=ProposalState.DRAFT, office_comment__gt="")[:LIMIT]:
            items.append(_p(p, _("退回修改"), kind))
    if Role.MEMBER in roles:
        invited = Cosignature.objects.filter(
            member__user=user, state=CosignState.INVITED, proposal__state=ProposalState.COSIGNING
        ).select_related("proposal")
        for c in invited[:LIMIT]:
            items.append(
                _p(c.proposal, _("确认联名"), kind, c.proposal.cosign_deadline and c.proposal.cosign_deadline.date())
            )
    evaluating = Proposal.objects.filter(state=ProposalState.EVALUATING).filter(
        Exists(Proposal.objects.filter(pk=OuterRef("pk"), author=user))
        | Exists(Proposal.objects.filter(merged_into=OuterRef("pk"), author=user))
    )
    for p in evaluating[:LIMIT]:
        if replies_awaiting_evaluation(p, user):
            items.append(_p(p, _("测评答复"), kind, p.evaluation_deadline))
    if Role.PROPOSAL_OFFICE in roles:
        n = Proposal.objects.filter(state=ProposalState.SUBMITTED).count()
        if n:
            items.append(TodoItem(_("%(n)d 件提案待审查") % {"n": n}, "/proposals/review/", kind))
        n = Proposal.objects.filter(state=ProposalState.REGISTERED).count()
        if n:
            items.append(TodoItem(_("%(n)d 件提案待交办") % {"n": n}, "/proposals/?state=registered", kind))
        for a in Assignment.objects.filter(
            state__in=[AssignmentState.REPLY_SIGNED, AssignmentState.DISPUTED]
        ).select_related("proposal", "unit")[:LIMIT]:
            label = _("审核答复") if a.state == AssignmentState.REPLY_SIGNED else _("处理调整申请")
            items.append(_p(a.proposal, f"{label}（{a.unit}）", kind))
        for e in ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related(
            "assignment__proposal", "assignment__unit"
        )[:LIMIT]:
            items.append(_p(e.assignment.proposal, _("审批延期（%(u)s）") % {"u": e.assignment.unit}, kind))
    if Role.LEADER in roles:
        for p in Proposal.objects.filter(key_state=KeyState.PROPOSED)[:LIMIT]:
            items.append(_p(p, _("审批重点提案"), kind))
        for p in Proposal.objects.filter(excellent_state=ExcellentState.NOMINATED)[:LIMIT]:
            items.append(_p(p, _("评定优秀提案"), kind))
    if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER}:
        units = units_of(user)
        mine = Assignment.objects.filter(unit_id__in=units).select_related("proposal", "unit")
        for a in mine.filter(state=AssignmentState.PENDING)[:LIMIT]:
            items.append(_p(a.proposal, _("签收交办"), kind, a.dispute_deadline))
        for a in mine.filter(state=AssignmentState.ACCEPTED).order_by("due_date")[:LIMIT]:
            items.append(_p(a.proposal, _("办理答复") if a.owes_reply else _("提交会办意见"), kind, a.due_date))
        if Role.UNIT_LEADER in roles:
            drafts = Reply.objects.filter(
                assignment__unit_id__in=units,
                state=ReplyState.DRAFT,
                assignment__state=AssignmentState.ACCEPTED,
                round=F("assignment__round"),
            )
            for r in drafts.select_related("assignment__proposal")[:LIMIT]:
                items.append(_p(r.assignment.proposal, _("签发答复"), kind, r.assignment.due_date))
    return items
