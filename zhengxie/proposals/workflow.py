"""The proposal workflow as one table: action -> (from states, possible next states, who may, extra condition).

Services (``actions.py``), the buttons on pages and the API's ``allowed_actions`` all read this table, and
``_move`` below is the only code that assigns a proposal's or an assignment's state (a test checks this).

Who may act is expressed as *relations* of the person to the object (author, invited co-signer, office, the
assignment's unit …), computed once per call by ``relations_to_proposal`` / ``relations_to_assignment``. What the
relations and conditions read about a proposal (its current replies, merged proposals, draft replies, pending
extensions, the person's unit posts) comes from ``selectors.facts_of``: read once per request for a proposal a page
or the API has read (``selectors.proposal_get``), afresh for every check elsewhere (the services).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.accounts.roles import Role
from zhengxie.core.access import roles_of

from . import statistics
from .choices import AssignmentState as A
from .choices import CosignState, ExcellentState, KeyState, Satisfaction
from .choices import ProposalState as P
from .conf import conf

# Relations ------------------------------------------------------------------------------------------------------
AUTHOR = "author"  # filed the proposal: the lead proposer, or a collective's contact
INVITED = "invited_cosigner"  # invited to co-sign and has not answered
EVALUATOR = "evaluator"  # author of this proposal or of one merged into it: rates the replies
OFFICE = "office"
LEADER = "leader"
SUPERVISOR = "supervisor"  # the supervising leader of a key proposal
UNIT = "unit"  # staff (leaders included) of the assignment's unit
UNIT_LEADER = "unit_leader"  # a leader of the assignment's unit
SYSTEM = "system"  # scheduled jobs


def relations_to_proposal(proposal, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    if not user.is_authenticated:  # an anonymous visitor has no relation to anything
        return frozenset()
    roles = roles_of(user)
    rel = set()
    if proposal.author_id == user.pk:
        rel.add(AUTHOR)
    if Role.PROPOSAL_OFFICE in roles:
        rel.add(OFFICE)
    if Role.LEADER in roles:
        rel.add(LEADER)
    if proposal.supervising_leader_id == user.pk and Role.LEADER in roles:
        rel.add(SUPERVISOR)
    if Role.MEMBER in roles and proposal.state == P.COSIGNING:
        if proposal.cosignatures.filter(member__user=user, state=CosignState.INVITED).exists():
            rel.add(INVITED)
    if proposal.author_id == user.pk or any(m.author_id == user.pk for m in _facts(proposal).merged()):
        rel.add(EVALUATOR)
    return frozenset(rel)


def relations_to_assignment(assignment, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    if not user.is_authenticated:  # an anonymous visitor has no relation to anything
        return frozenset()
    roles = roles_of(user)
    rel = set()
    if Role.PROPOSAL_OFFICE in roles:
        rel.add(OFFICE)
    if assignment.__class__.proposal.is_cached(assignment):  # pages and the API: read once per request
        is_leader = _facts(assignment.proposal).unit_post(user, assignment.unit_id)
    else:
        post = assignment.unit.staff.filter(user=user).only("is_leader").first()
        is_leader = None if post is None else post.is_leader
    if is_leader is not None and assignment.unit.is_active:
        rel.add(UNIT)
        if is_leader:
            rel.add(UNIT_LEADER)
    return frozenset(rel)


def _facts(proposal):
    from .selectors import facts_of

    return facts_of(proposal)


# Conditions beyond state: each returns None when satisfied, else the reason (shown to the user, 409) -------------


def _today():
    return timezone.localdate()


def _key_none(p, a, u):
    return None if p.key_state == KeyState.NONE else _("已列入或拟列入重点提案。")


def _key_proposed(p, a, u):
    return None if p.key_state == KeyState.PROPOSED else _("该提案不在拟定的重点提案名单中。")


def _key_approved(p, a, u):
    return None if p.key_state == KeyState.APPROVED else _("该提案不是重点提案。")


def _excellent_none(p, a, u):
    return None if p.excellent_state == ExcellentState.NONE else _("已提名或评为优秀提案。")


def _excellent_nominated(p, a, u):
    return None if p.excellent_state == ExcellentState.NOMINATED else _("该提案未被提名为优秀提案。")


def _can_rehandle(p, a, u):
    if p.rehandling_count >= conf("MAX_REHANDLING"):
        return _("已达到重新办理次数上限。")
    replies = _facts(p).current_replies()
    if not any(e.satisfaction == Satisfaction.DISSATISFIED for r in replies for e in r.evaluations.all()):
        return _("没有“不满意”的测评，不能要求重新办理。")
    return None


def _can_close(p, a, u):
    if _facts(p).evaluations_outstanding() and (p.evaluation_deadline is None or _today() <= p.evaluation_deadline):
        return _("测评尚未全部完成，且测评期限未到。")
    return None


def _has_something_to_evaluate(p, a, u):
    from .selectors import replies_awaiting_evaluation

    return None if replies_awaiting_evaluation(p, u) else _("您没有待测评的答复。")


def _has_grade_b(p, a, u):
    if any(r.final_grade == "B" for r in _facts(p).current_replies()):
        return None
    return _("只有B类答复需要安排“回头看”。")


def _publication_enabled(p, a, u):
    return None if conf("PUBLICATION_ENABLED") and not p.publish_consent else _("不能公开或已同意公开。")


def _within_dispute_window(p, a, u):
    return None if _today() <= a.dispute_deadline else _("已超过申请调整的期限，视为已签收。")


def _owes_reply(p, a, u):
    return None if a.owes_reply else _("会办单位不直接答复，请提交会办意见。")


def _is_co(p, a, u):
    return None if not a.owes_reply else _("只有会办单位提交会办意见。")


def _has_draft_reply(p, a, u):
    return None if _facts(p).has_draft_reply(a) else _("尚无待签发的答复稿。")


def _no_pending_extension(p, a, u):
    return _("已有待审批的延期申请。") if _facts(p).has_pending_extension(a) else None


def _has_pending_extension(p, a, u):
    return None if _facts(p).has_pending_extension(a) else _("没有待审批的延期申请。")


def _proposal_in_handling(p, a, u):
    return None if p.state in (P.ASSIGNED, P.REHANDLING) else _("提案不在办理阶段。")


@dataclass(frozen=True)
class Step:
    label: str
    sources: frozenset
    targets: tuple  # possible next states; () = the state does not change
    who: frozenset
    conditions: tuple[Callable, ...] = field(default_factory=tuple)
    style: str = "primary"  # how a page shows the button


def _s(*states):
    return frozenset(states)


IN_HANDLING = _s(P.REGISTERED, P.ASSIGNED, P.REPLIED, P.EVALUATING, P.REHANDLING)
AFTER_REGISTRATION = IN_HANDLING | {P.CLOSED}

PROPOSAL_ACTIONS: dict[str, Step] = {
    "edit": Step(_("修改"), _s(P.DRAFT), (), _s(AUTHOR), style="secondary"),
    "submit": Step(_("提交"), _s(P.DRAFT), (P.COSIGNING, P.SUBMITTED), _s(AUTHOR)),
    "cosign": Step(_("同意联名"), _s(P.COSIGNING), (P.COSIGNING, P.SUBMITTED), _s(INVITED)),
    "decline_cosign": Step(_("谢绝联名"), _s(P.COSIGNING), (P.COSIGNING, P.SUBMITTED), _s(INVITED), style="secondary"),
    "lapse_cosign": Step(_("联名期满"), _s(P.COSIGNING), (P.SUBMITTED,), _s(SYSTEM)),
    "withdraw": Step(_("撤回"), _s(P.DRAFT, P.COSIGNING, P.SUBMITTED), (P.WITHDRAWN,), _s(AUTHOR), style="danger"),
    "return_for_revision": Step(_("退回修改"), _s(P.SUBMITTED), (P.DRAFT,), _s(OFFICE), style="secondary"),
    "register": Step(_("立案"), _s(P.SUBMITTED), (P.REGISTERED,), _s(OFFICE)),
    "merge": Step(_("并案"), _s(P.SUBMITTED), (P.MERGED,), _s(OFFICE), style="secondary"),
    "convert": Step(_("转为意见建议"), _s(P.SUBMITTED), (P.CONVERTED,), _s(OFFICE), style="secondary"),
    "reject": Step(_("不予立案"), _s(P.SUBMITTED), (P.REJECTED,), _s(OFFICE), style="danger"),
    "assign": Step(_("交办"), _s(P.REGISTERED), (P.ASSIGNED,), _s(OFFICE)),
    "evaluate": Step(_("测评"), _s(P.EVALUATING), (), _s(EVALUATOR), (_has_something_to_evaluate,)),
    "request_rehandling": Step(
        _("要求重新办理"), _s(P.EVALUATING), (P.REHANDLING,), _s(OFFICE), (_can_rehandle,), style="secondary"
    ),
    "close": Step(_("办结"), _s(P.EVALUATING), (P.CLOSED,), _s(OFFICE), (_can_close,)),
    "schedule_followup": Step(_("安排回头看"), _s(P.CLOSED), (), _s(OFFICE), (_has_grade_b,), style="secondary"),
    "propose_key": Step(_("拟定为重点提案"), IN_HANDLING, (), _s(OFFICE), (_key_none,), style="secondary"),
    "approve_key": Step(_("批准重点提案"), IN_HANDLING, (), _s(LEADER), (_key_proposed,)),
    "decline_key": Step(_("不列为重点提案"), IN_HANDLING, (), _s(LEADER), (_key_proposed,), style="secondary"),
    "record_supervision": Step(
        _("记录督办"), AFTER_REGISTRATION, (), _s(SUPERVISOR, OFFICE), (_key_approved,), style="secondary"
    ),
    "nominate_excellent": Step(
        _("提名优秀提案"), AFTER_REGISTRATION, (), _s(OFFICE), (_excellent_none,), style="secondary"
    ),
    "approve_excellent": Step(_("评定为优秀提案"), AFTER_REGISTRATION, (), _s(LEADER), (_excellent_nominated,)),
    "decline_excellent": Step(
        _("不评为优秀提案"), AFTER_REGISTRATION, (), _s(LEADER), (_excellent_nominated,), style="secondary"
    ),
    "consent_publication": Step(
        _("同意公开"), _s(P.CLOSED), (), _s(AUTHOR), (_publication_enabled,), style="secondary"
    ),
}

LIVE = _s(A.PENDING, A.ACCEPTED, A.DISPUTED, A.REPLY_SIGNED)

ASSIGNMENT_ACTIONS: dict[str, Step] = {
    "accept_assignment": Step(_("签收"), _s(A.PENDING), (A.ACCEPTED,), _s(UNIT), (_proposal_in_handling,)),
    "auto_accept": Step(_("逾期视为签收"), _s(A.PENDING), (A.ACCEPTED,), _s(SYSTEM)),
    "dispute_assignment": Step(
        _("申请调整"),
        _s(A.PENDING),
        (A.DISPUTED,),
        _s(UNIT),
        (_proposal_in_handling, _within_dispute_window),
        style="secondary",
    ),
    "resolve_dispute": Step(
        _("处理调整申请"), _s(A.DISPUTED), (A.ACCEPTED, A.REASSIGNED), _s(OFFICE), (_proposal_in_handling,)
    ),
    "record_contact": Step(
        _("记录办前沟通"), _s(A.ACCEPTED), (), _s(UNIT), (_proposal_in_handling,), style="secondary"
    ),
    "submit_co_opinion": Step(
        _("提交会办意见"), _s(A.ACCEPTED), (A.OPINION_SENT,), _s(UNIT), (_proposal_in_handling, _is_co)
    ),
    "request_extension": Step(
        _("申请延期"), _s(A.ACCEPTED), (), _s(UNIT), (_proposal_in_handling, _no_pending_extension), style="secondary"
    ),
    "decide_extension": Step(_("审批延期"), LIVE, (), _s(OFFICE), (_proposal_in_handling, _has_pending_extension)),
    "draft_reply": Step(_("起草答复"), _s(A.ACCEPTED), (), _s(UNIT), (_proposal_in_handling, _owes_reply)),
    "sign_reply": Step(
        _("签发答复"), _s(A.ACCEPTED), (A.REPLY_SIGNED,), _s(UNIT_LEADER), (_proposal_in_handling, _has_draft_reply)
    ),
    "approve_reply": Step(_("审核通过答复"), _s(A.REPLY_SIGNED), (A.REPLIED,), _s(OFFICE)),
    "return_reply": Step(_("退回答复"), _s(A.REPLY_SIGNED), (A.ACCEPTED,), _s(OFFICE), style="secondary"),
}

# System transitions of a proposal that follow from its assignments (not offered as buttons).
SYSTEM_PROPOSAL_MOVES = {
    "replies_complete": (_s(P.ASSIGNED, P.REHANDLING), P.REPLIED),
    "send_for_evaluation": (_s(P.REPLIED), P.EVALUATING),
}


def _first_failure(step: Step, proposal, assignment, user):
    for condition in step.conditions:
        reason = condition(proposal, assignment, user)
        if reason:
            return reason
    return None


def allowed_proposal_actions(proposal, user) -> list[str]:
    rel = relations_to_proposal(proposal, user)
    return [
        name
        for name, step in PROPOSAL_ACTIONS.items()
        if SYSTEM not in step.who
        and step.who & rel
        and proposal.state in step.sources
        and _first_failure(step, proposal, None, user) is None
    ]


def allowed_assignment_actions(assignment, user) -> list[str]:
    rel = relations_to_assignment(assignment, user)
    proposal = assignment.proposal
    return [
        name
        for name, step in ASSIGNMENT_ACTIONS.items()
        if SYSTEM not in step.who
        and step.who & rel
        and assignment.state in step.sources
        and _first_failure(step, proposal, assignment, user) is None
    ]


def _move(obj, target: str, allowed: tuple) -> str:
    """The only place a proposal's or an assignment's state is assigned."""
    if target not in allowed:
        raise AssertionError(f"{target!r} is not a next state of this action ({allowed!r})")
    old = obj.state
    obj.state = target
    obj.save(update_fields=["state"])
    statistics.figures_changed(obj)  # in this transaction: the year's stored figures are stale from its commit
    return old


def move_proposal(proposal, action: str, target: str) -> str:
    if action in PROPOSAL_ACTIONS:
        return _move(proposal, target, PROPOSAL_ACTIONS[action].targets)
    sources, system_target = SYSTEM_PROPOSAL_MOVES[action]
    if proposal.state not in sources:
        raise AssertionError(f"{action} cannot start from {proposal.state}")
    return _move(proposal, target, (system_target,))


def move_assignment(assignment, action: str, target: str) -> str:
    return _move(assignment, target, ASSIGNMENT_ACTIONS[action].targets)


def move_assignment_for_rehandling(assignment) -> str:
    """Re-handling sends a replied assignment back to its unit (a proposal-level decision)."""
    if assignment.state != A.REPLIED:
        raise AssertionError("only a replied assignment is handled again")
    return _move(assignment, A.ACCEPTED, (A.ACCEPTED,))
