"""The proposal and assignment workflows, declared on the engine (``core.workflow``): each action once, with its
label, the states it starts from and moves to, who may take it, its conditions, its input schema (``inputs.py``) and
whether it asks for confirmation. Handlers are attached in ``actions.py``; the services, the buttons on pages, the
API's ``allowed_actions`` and its documented bodies all read these declarations.

Who may act is expressed as *relations* of the person to the object (author, invited co-signer, office, the
assignment's unit …), computed once per call by ``relations_to_proposal`` / ``relations_to_assignment``. What the
relations and conditions read about a proposal (its current replies, merged proposals, draft replies, pending
extensions, the person's unit posts) comes from ``selectors.facts_of``: read once per request for a proposal a page
or the API has read (``selectors.proposal_get``), afresh for every check elsewhere (the services).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import SYSTEM, Due, Workflow, condition
from zhengxie.workdays.services import add_months

from . import inputs as i
from .choices import LIVE_ASSIGNMENT_STATES, CosignState, ExcellentState, KeyState, Satisfaction
from .choices import AssignmentState as A
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
OVERSEER = "overseer"


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
    if Role.OVERSEER in roles:
        rel.add(OVERSEER)
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
    if Role.OVERSEER in roles:
        rel.add(OVERSEER)
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


class _Reads:
    """What the relations and conditions read about a proposal (its current replies, merged proposals, draft
    replies, pending extensions, the person's unit posts) is read by the selectors, a layer above these declarations;
    the app hands them in when it is ready (``apps.py``)."""

    facts_of = None
    replies_awaiting_evaluation = None


reads = _Reads()


def _facts(proposal):
    return reads.facts_of(proposal)


# Conditions beyond state: each returns None when met, else the reason shown to the person (409) ------------------


def _today(now):
    return timezone.localdate(now)


@condition
def _never_submitted(p, u, now):
    """Only a draft that never left its author may be deleted; one returned for revision has a history (withdraw
    it instead)."""
    return None if p.submitted_at is None else _("提案曾经提交，不能删除；如不再提出，请撤回。")


@condition
def _key_none(p, u, now):
    return None if p.key_state == KeyState.NONE else _("已列入或拟列入重点提案。")


@condition
def _key_proposed(p, u, now):
    return None if p.key_state == KeyState.PROPOSED else _("该提案不在拟定的重点提案名单中。")


@condition
def _key_approved(p, u, now):
    return None if p.key_state == KeyState.APPROVED else _("该提案不是重点提案。")


@condition
def _excellent_none(p, u, now):
    return None if p.excellent_state == ExcellentState.NONE else _("已提名或评为优秀提案。")


@condition
def _excellent_nominated(p, u, now):
    return None if p.excellent_state == ExcellentState.NOMINATED else _("该提案未被提名为优秀提案。")


@condition
def _can_rehandle(p, u, now):
    if p.rehandling_count >= conf("MAX_REHANDLING"):
        return _("已达到重新办理次数上限。")
    replies = _facts(p).current_replies()
    if not any(e.satisfaction == Satisfaction.DISSATISFIED for r in replies for e in r.evaluations.all()):
        return _("没有“不满意”的测评，不能要求重新办理。")
    return None


@condition
def _can_close(p, u, now):
    if _facts(p).evaluations_outstanding() and (p.evaluation_deadline is None or _today(now) <= p.evaluation_deadline):
        return _("测评尚未全部完成，且测评期限未到。")
    return None


@condition
def _has_something_to_evaluate(p, u, now):
    return None if reads.replies_awaiting_evaluation(p, u) else _("您没有待测评的答复。")


@condition
def _has_grade_b(p, u, now):
    if any(r.final_grade == "B" for r in _facts(p).current_replies()):
        return None
    return _("只有B类答复需要安排“回头看”。")


@condition
def _publication_enabled(p, u, now):
    return None if conf("PUBLICATION_ENABLED") and not p.publish_consent else _("不能公开或已同意公开。")


# Conditions on an assignment (``a.proposal`` is its proposal, read or locked with it)


@condition
def _within_dispute_window(a, u, now):
    return None if _today(now) <= a.dispute_deadline else _("已超过申请调整的期限，视为已签收。")


@condition
def _owes_reply(a, u, now):
    return None if a.owes_reply else _("会办单位不直接答复，请提交会办意见。")


@condition
def _is_co(a, u, now):
    return None if not a.owes_reply else _("只有会办单位提交会办意见。")


@condition
def _has_draft_reply(a, u, now):
    return None if _facts(a.proposal).has_draft_reply(a) else _("尚无待签发的答复稿。")


@condition
def _no_pending_extension(a, u, now):
    return _("已有待审批的延期申请。") if _facts(a.proposal).has_pending_extension(a) else None


@condition
def _has_pending_extension(a, u, now):
    return None if _facts(a.proposal).has_pending_extension(a) else _("没有待审批的延期申请。")


@condition
def _proposal_in_handling(a, u, now):
    return None if a.proposal.state in (P.ASSIGNED, P.REHANDLING) else _("提案不在办理阶段。")


@condition
def _overdue(a, u, now):
    """Urging is for a unit that has let its deadline pass: to sign for the assignment, or to answer it."""
    today = _today(now)
    if a.state == A.PENDING and a.dispute_deadline is not None and a.dispute_deadline < today:
        return None
    if a.state == A.ACCEPTED and a.due_date is not None and a.due_date < today:
        return None
    return _("交办尚未逾期，无需催办。")


def _co_opinion_due(a):
    """A co-handler's opinion is due within the configured months of assignment, and never after the deadline."""
    return min(add_months(timezone.localdate(a.assigned_at), conf("CO_OPINION_WITHIN_MONTHS")), a.due_date)


def _s(*states):
    return frozenset(states)


IN_HANDLING = _s(P.REGISTERED, P.ASSIGNED, P.REPLIED, P.EVALUATING, P.REHANDLING)
AFTER_REGISTRATION = IN_HANDLING | {P.CLOSED}

# What a person is told once an action is done, where it depends on how it went ----------------------------------


def _submitted(p, data):
    return _("已提交，等待联名人确认") if p.state == P.COSIGNING else _("已提交，等待提案委审查")


def _merged(p, data):
    return _("已并案：并入《%(t)s》办理") % {"t": p.merged_into.title if p.merged_into_id else ""}


def _converted(p, data):
    return _("已转为%(k)s") % {"k": p.get_converted_kind_display()}


def _dispute_resolved(a, data):
    return _("已改交其他单位办理") if a.state == A.REASSIGNED else _("已维持交办")


def _extension_decided(a, data):
    if data.get("approve"):
        return _("已同意延期，办理期限改为 %(d)s") % {"d": a.due_date}
    return _("已不同意延期")


# The proposal workflow -------------------------------------------------------------------------------------------

PROPOSAL = Workflow("proposal", relations=relations_to_proposal)
act = PROPOSAL.action

act("edit", _("修改"), sources=[P.DRAFT], who=[AUTHOR], style="secondary", done=_("草稿已保存"))
act(
    "submit",
    _("提交"),
    done=_submitted,
    sources=[P.DRAFT],
    targets=[P.COSIGNING, P.SUBMITTED],
    who=[AUTHOR],
    confirm=_("提交后不能再修改（除非被退回）。确定提交？"),
    due=Due(_("完善并提交提案"), todo=_("退回修改")),
)
act(
    "cosign",
    _("同意联名"),
    done=_("已同意联名"),
    sources=[P.COSIGNING],
    targets=[P.COSIGNING, P.SUBMITTED],
    who=[INVITED],
    due=Due(_("确认是否联名"), todo=_("确认联名"), deadline=lambda p: p.cosign_deadline),
)
act(
    "decline_cosign",
    _("谢绝联名"),
    done=_("已谢绝联名"),
    sources=[P.COSIGNING],
    targets=[P.COSIGNING, P.SUBMITTED],
    who=[INVITED],
    style="secondary",
)
act(
    "lapse_cosign",
    _("联名期满"),
    sources=[P.COSIGNING],
    targets=[P.SUBMITTED],
    who=[SYSTEM],
    done=_("联名期满，已送提案委审查"),
)
act(
    "withdraw",
    _("撤回"),
    done=_("已撤回"),
    sources=[P.DRAFT, P.COSIGNING, P.SUBMITTED],
    targets=[P.WITHDRAWN],
    who=[AUTHOR],
    schema=i.Comment,
    style="danger",
    example={"comment": "情况已变化"},
)
act(
    "delete_draft",
    _("删除草稿"),
    done=_("草稿已删除"),
    sources=[P.DRAFT],
    who=[AUTHOR],
    conditions=[_never_submitted],
    confirm=_("删除后草稿及其附件不能恢复。确定删除？"),
    style="danger",
)
act(
    "return_for_revision",
    _("退回修改"),
    done=_("已退回修改"),
    sources=[P.SUBMITTED],
    targets=[P.DRAFT],
    who=[OFFICE],
    schema=i.RequiredComment,
    style="secondary",
    example={"comment": "请补充具体建议"},
)
act(
    "register",
    _("立案"),
    done=_("已立案，案号 %(number)s"),
    sources=[P.SUBMITTED],
    targets=[P.REGISTERED],
    who=[OFFICE],
    confirm=_("立案将占用本年度的下一个案号。确定立案？"),
    due=Due(_("审查：立案、退回修改、并案、转为意见建议或不予立案")),
)
act(
    "merge",
    _("并案"),
    done=_merged,
    sources=[P.SUBMITTED],
    targets=[P.MERGED],
    who=[OFFICE],
    schema=i.Merge,
    style="secondary",
    example={"into": 123},
)
act(
    "convert",
    _("转为意见建议"),
    done=_converted,
    sources=[P.SUBMITTED],
    targets=[P.CONVERTED],
    who=[OFFICE],
    schema=i.Convert,
    style="secondary",
    example={"kind": "opinion_report", "comment": "转为社情民意信息"},
)
act(
    "reject",
    _("不予立案"),
    done=_("已决定不予立案"),
    sources=[P.SUBMITTED],
    targets=[P.REJECTED],
    who=[OFFICE],
    schema=i.Reject,
    style="danger",
    example={"ground": "no_content", "explanation": "无具体建议"},
)
act(
    "assign",
    _("交办"),
    done=_("已交办"),
    sources=[P.REGISTERED],
    targets=[P.ASSIGNED],
    who=[OFFICE],
    schema=i.Assign,
    example={
        "mode": "lead",
        "units": [{"unit_id": 12, "role": "lead"}, {"unit_id": 15, "role": "co"}],
        "due_date": "2027-02-25",
    },
    due=Due(_("交办承办单位")),
)
act(
    "evaluate",
    _("测评"),
    done=_("已提交测评"),
    sources=[P.EVALUATING],
    who=[EVALUATOR],
    conditions=[_has_something_to_evaluate],
    schema=i.Evaluate,
    example={"satisfaction": "satisfied", "comment": "", "reply_id": 5},
    due=Due(_("对答复进行满意度测评"), todo=_("测评答复"), deadline=lambda p: p.evaluation_deadline),
)
act(
    "request_rehandling",
    _("要求重新办理"),
    done=_("已要求重新办理"),
    sources=[P.EVALUATING],
    targets=[P.REHANDLING],
    who=[OFFICE],
    conditions=[_can_rehandle],
    schema=i.Rehandling,
    style="secondary",
    example={"comment": "请重新办理", "due_date": "2027-01-25"},
)
act(
    "close",
    _("办结"),
    done=_("已办结"),
    sources=[P.EVALUATING],
    targets=[P.CLOSED],
    who=[OFFICE],
    conditions=[_can_close],
    schema=i.Comment,
    confirm=_("办结后提案不再办理。确定办结？"),
    due=Due(_("办结")),
)
act(
    "schedule_followup",
    _("安排回头看"),
    done=_("已安排回头看，日期 %(followup_on)s"),
    sources=[P.CLOSED],
    who=[OFFICE],
    conditions=[_has_grade_b],
    schema=i.Followup,
    style="secondary",
    example={"date": "2027-11-25"},
)
act(
    "propose_key",
    _("拟定为重点提案"),
    done=_("已拟定为重点提案"),
    sources=IN_HANDLING,
    who=[OFFICE],
    conditions=[_key_none],
    schema=i.ProposeKey,
    style="secondary",
    example={"supervising_leader_id": 7},
)
act(
    "approve_key",
    _("批准重点提案"),
    done=_("已批准为重点提案"),
    sources=IN_HANDLING,
    who=[LEADER],
    conditions=[_key_proposed],
    schema=i.ApproveKey,
    due=Due(_("审批重点提案"), todo=_("审批重点提案")),
)
act(
    "decline_key",
    _("不列为重点提案"),
    done=_("已决定不列为重点提案"),
    sources=IN_HANDLING,
    who=[LEADER],
    conditions=[_key_proposed],
    schema=i.Comment,
    style="secondary",
)
act(
    "record_supervision",
    _("记录督办"),
    done=_("已记录督办"),
    sources=AFTER_REGISTRATION,
    who=[SUPERVISOR, OFFICE],
    conditions=[_key_approved],
    schema=i.Supervision,
    style="secondary",
    example={"kind": "site_visit", "date": "2026-06-01", "findings": "实地察看了项目进展"},
)
act(
    "record_recommendation",
    _("提出督办建议"),
    done=_("已提出督办建议，转入成果转化跟踪"),
    sources=IN_HANDLING | {P.CLOSED},
    who=[OFFICE, OVERSEER],
    conditions=[_key_approved],
    schema=i.RecordRecommendation,
    style="secondary",
    example={"unit_id": 3, "text": "加快充电桩进小区，年内完成老旧小区改造试点", "due_date": "2026-12-31"},
)
act(
    "nominate_excellent",
    _("提名优秀提案"),
    done=_("已提名为优秀提案"),
    sources=AFTER_REGISTRATION,
    who=[OFFICE],
    conditions=[_excellent_none],
    schema=i.Comment,
    style="secondary",
)
act(
    "approve_excellent",
    _("评定为优秀提案"),
    done=_("已评定为优秀提案"),
    sources=AFTER_REGISTRATION,
    who=[LEADER],
    conditions=[_excellent_nominated],
    due=Due(_("评定优秀提案"), todo=_("评定优秀提案")),
)
act(
    "decline_excellent",
    _("不评为优秀提案"),
    done=_("已决定不评为优秀提案"),
    sources=AFTER_REGISTRATION,
    who=[LEADER],
    conditions=[_excellent_nominated],
    schema=i.Comment,
    style="secondary",
)
act(
    "consent_publication",
    _("同意公开"),
    done=_("已同意公开"),
    sources=[P.CLOSED],
    who=[AUTHOR],
    conditions=[_publication_enabled],
    style="secondary",
)
# Moves of a proposal that follow from its assignments (never a button).
PROPOSAL.system_move("replies_complete", _("答复全部审核通过"), sources=[P.ASSIGNED, P.REHANDLING], target=P.REPLIED)
PROPOSAL.system_move("send_for_evaluation", _("送交提案人测评"), sources=[P.REPLIED], target=P.EVALUATING)
PROPOSAL.event("merged_in", _("有提案并入"))  # on the lead proposal's timeline, when another is merged into it
# Earlier years' proposals brought in closed from a spreadsheet (history_import.py).
PROPOSAL.arrival("history_import", _("历史导入"), targets=[P.CLOSED])

# The assignment workflow (a proposal sent to one handling unit) --------------------------------------------------

ASSIGNMENT = Workflow("assignment", relations=relations_to_assignment)
act = ASSIGNMENT.action
HANDLING = [_proposal_in_handling]

act(
    "accept_assignment",
    _("签收"),
    done=_("已签收"),
    sources=[A.PENDING],
    targets=[A.ACCEPTED],
    who=[UNIT],
    conditions=HANDLING,
    confirm=_("签收后由本单位办理，不能再申请调整。确定签收？"),
    due=Due(
        _("签收（如不属于本单位职责，在期限内申请调整）"), todo=_("签收交办"), deadline=lambda a: a.dispute_deadline
    ),
)
act(
    "auto_accept",
    _("逾期视为签收"),
    sources=[A.PENDING],
    targets=[A.ACCEPTED],
    who=[SYSTEM],
    done=_("逾期未签收，已视为签收"),
)
act(
    "dispute_assignment",
    _("申请调整"),
    done=_("已申请调整，等待提案委处理"),
    sources=[A.PENDING],
    targets=[A.DISPUTED],
    who=[UNIT],
    conditions=[*HANDLING, _within_dispute_window],
    schema=i.Dispute,
    style="secondary",
    example={"reason": "不属于本单位职责，建议交市场监管局"},
)
act(
    "resolve_dispute",
    _("处理调整申请"),
    done=_dispute_resolved,
    sources=[A.DISPUTED],
    targets=[A.ACCEPTED, A.REASSIGNED],
    who=[OFFICE],
    conditions=HANDLING,
    schema=i.ResolveDispute,
    example={"decision": "reassign", "comment": "改交", "units": [{"unit_id": 9, "role": "single"}]},
    due=Due(_("处理 %(u)s 的调整申请"), todo=_("处理调整申请")),
)
act(
    "record_contact",
    _("记录办前沟通"),
    done=_("已记录办前沟通"),
    sources=[A.ACCEPTED],
    who=[UNIT],
    conditions=HANDLING,
    schema=i.Contact,
    style="secondary",
    example={"date": "2026-04-01", "way": "phone", "summary": "电话沟通了办理思路"},
)
act(
    "submit_co_opinion",
    _("提交会办意见"),
    done=_("已提交会办意见"),
    sources=[A.ACCEPTED],
    targets=[A.OPINION_SENT],
    who=[UNIT],
    conditions=[*HANDLING, _is_co],
    schema=i.CoOpinion,
    example={"text": "同意主办单位的办理意见"},
    due=Due(_("提交会办意见"), todo=_("提交会办意见"), deadline=_co_opinion_due),
)
act(
    "request_extension",
    _("申请延期"),
    done=_("已申请延期，等待提案委审批"),
    sources=[A.ACCEPTED],
    who=[UNIT],
    conditions=[*HANDLING, _no_pending_extension],
    schema=i.RequestExtension,
    style="secondary",
    example={"due_date": "2026-08-31", "reason": "需跨部门协调"},
)
act(
    "decide_extension",
    _("审批延期"),
    done=_extension_decided,
    sources=LIVE_ASSIGNMENT_STATES,
    who=[OFFICE],
    conditions=[*HANDLING, _has_pending_extension],
    schema=i.DecideExtension,
    example={"approve": True, "comment": ""},
    due=Due(_("审批 %(u)s 的延期申请"), todo=_("审批延期")),
)
act(
    "draft_reply",
    _("起草答复"),
    done=_("答复稿已保存，待单位领导签发"),
    sources=[A.ACCEPTED],
    who=[UNIT],
    conditions=[*HANDLING, _owes_reply],
    schema=i.DraftReply,
    example={"text": "答复正文", "grade": "A"},
    due=Due(_("起草答复"), todo=_("办理答复"), deadline=lambda a: a.due_date),
)
act(
    "sign_reply",
    _("签发答复"),
    done=_("已签发答复，报送提案委审核"),
    sources=[A.ACCEPTED],
    targets=[A.REPLY_SIGNED],
    who=[UNIT_LEADER],
    conditions=[*HANDLING, _has_draft_reply],
    confirm=_("签发后答复即报送提案委审核。确定签发？"),
    due=Due(_("签发答复"), todo=_("签发答复"), deadline=lambda a: a.due_date),
)
act(
    "approve_reply",
    _("审核通过答复"),
    done=_("已审核通过答复"),
    sources=[A.REPLY_SIGNED],
    targets=[A.REPLIED],
    who=[OFFICE],
    schema=i.ApproveReply,
    example={"grade": "", "note": ""},
    due=Due(_("审核 %(u)s 的答复"), todo=_("审核答复")),
)
act(
    "return_reply",
    _("退回答复"),
    done=_("已退回答复"),
    sources=[A.REPLY_SIGNED],
    targets=[A.ACCEPTED],
    who=[OFFICE],
    schema=i.RequiredComment,
    style="secondary",
    example={"comment": "请补充落实措施"},
)
act(
    "urge",
    _("催办"),
    done=_("已催办"),
    sources=[A.PENDING, A.ACCEPTED],
    who=[OFFICE, OVERSEER],
    conditions=[*HANDLING, _overdue],
    schema=i.Urge,
    style="secondary",
    example={"note": "请于本周内答复提案人"},
)
# Re-handling sends a replied assignment back to its unit (a proposal-level decision).
ASSIGNMENT.system_move("rehandle", _("重新办理"), sources=[A.REPLIED], target=A.ACCEPTED)
ASSIGNMENT.event("reassigned", _("改交承办单位"))  # the new assignment made when a dispute is resolved by reassigning
ASSIGNMENT.arrival("history_import", _("历史导入"), targets=[A.REPLIED, A.OPINION_SENT])
del act

PROPOSAL_ACTIONS = PROPOSAL.actions
ASSIGNMENT_ACTIONS = ASSIGNMENT.actions
SYSTEM_PROPOSAL_MOVES = PROPOSAL.system_moves


def step_label(code: str) -> str:
    """What a timeline calls a step of either workflow (an unknown code is shown as it is)."""
    label = PROPOSAL.label(code) or ASSIGNMENT.label(code)
    return str(label) if label is not None else code


def allowed_proposal_actions(proposal, user) -> list[str]:
    return PROPOSAL.allowed(proposal, user)


def allowed_assignment_actions(assignment, user) -> list[str]:
    return ASSIGNMENT.allowed(assignment, user)
