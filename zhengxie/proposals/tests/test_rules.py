"""The rules of the proposals spec, one exact test each, through the services (``proposal_act`` / ``assignment_act``)
on a controlled clock where dates matter. Working days follow China's calendar: 2026's National Day holiday runs
1–7 October and Saturday 10 October is worked, so 5 working days after 30 September end on 13 October."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.builders import proposals as make
from tests.builders.org import PASSWORD
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, StateConflict
from zhengxie.core.roles import Role
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord
from zhengxie.duty.services import duty_record_event
from zhengxie.notifications.models import Notification
from zhengxie.people.models import CollectiveProposer, HandlingUnit, UnitStaff
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.choices import (
    AssignmentState,
    ExtensionState,
    KeyState,
    ProposalState,
    ReplyState,
    Satisfaction,
)
from zhengxie.proposals.models import (
    Assignment,
    Contact,
    Evaluation,
    ExtensionRequest,
    Proposal,
    Reply,
    TimelineEntry,
)
from zhengxie.proposals.selectors import assignment_board, visible_proposals, visible_replies
from zhengxie.proposals.services import proposal_create_draft, proposal_update_draft

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
TITLE = "关于加快充电桩建设的建议"


def _at(time_machine, day: datetime.date, hour: int = 10) -> datetime.datetime:
    moment = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    time_machine.move_to(moment, tick=False)
    return moment


def _refused(exc_type, fn, **kwargs):
    """Call a service that must refuse, and check the refusal left nothing behind."""
    counts = (AuditEntry.objects.count(), TimelineEntry.objects.count(), Notification.objects.count())
    with pytest.raises(exc_type) as info:
        fn(**kwargs)
    assert (AuditEntry.objects.count(), TimelineEntry.objects.count(), Notification.objects.count()) == counts
    return info.value


@pytest.fixture
def unit3(org):
    unit = HandlingUnit.objects.create(name="新建区发展和改革委员会", short_name="区发改委")
    user = account_create(username="demo-unit3", password=PASSWORD, display_name="区发改委unit")
    UnitStaff.objects.create(unit=unit, user=user, is_leader=True)
    org.users["unit3"] = user
    return unit


# Content -------------------------------------------------------------------------------------------------------


def test_title_is_at_most_50_characters(org, category):
    ok = make.draft(org, category, title="充" * 50)
    assert proposal_act(proposal_id=ok.pk, action="submit", actor=org.users["member"]).state == ProposalState.SUBMITTED
    long = make.draft(org, category, title="充" * 51)
    err = _refused(InvalidInput, proposal_act, proposal_id=long.pk, action="submit", actor=org.users["member"])
    assert err.errors == {"title": "案由不超过50字。"}
    assert Proposal.objects.get(pk=long.pk).state == ProposalState.DRAFT


def test_submission_needs_title_analysis_suggestions_and_category(org, category):
    # a draft whose author has since cleared what they wrote (a new draft is never made from nothing)
    p = proposal_create_draft(author=org.users["member"], data={"title": "关于"})
    proposal_update_draft(
        proposal_id=p.pk, actor=org.users["member"], data={"title": "  ", "analysis": "", "suggestions": " "}
    )
    err = _refused(InvalidInput, proposal_act, proposal_id=p.pk, action="submit", actor=org.users["member"])
    assert err.errors == {
        "title": "请填写案由。",
        "analysis": "请填写情况分析。",
        "suggestions": "请填写具体建议。",
        "category": "请选择类别。",
    }
    only_suggestions_missing = make.draft(org, category, suggestions="")
    err = _refused(
        InvalidInput, proposal_act, proposal_id=only_suggestions_missing.pk, action="submit", actor=org.users["member"]
    )
    assert err.errors == {"suggestions": "请填写具体建议。"}


# Review --------------------------------------------------------------------------------------------------------


def test_withdraw_only_before_registration(org, category):
    author = org.users["member"]
    draft = make.draft(org, category)
    cosigning = make.submitted(org, category, cosigners=[org.member2])
    submitted = make.submitted(org, category)
    for p, state in [(draft, "draft"), (cosigning, "cosigning"), (submitted, "submitted")]:
        assert p.state == state and "withdraw" in wf.allowed_proposal_actions(p, author)
        assert proposal_act(proposal_id=p.pk, action="withdraw", actor=author).state == ProposalState.WITHDRAWN
    registered = make.registered(org, category)
    assert "withdraw" not in wf.allowed_proposal_actions(registered, author)
    _refused(StateConflict, proposal_act, proposal_id=registered.pk, action="withdraw", actor=author)
    assert Proposal.objects.get(pk=registered.pk).state == ProposalState.REGISTERED


def test_merge_into_a_submitted_proposal_registers_it_and_the_merged_proposer_evaluates(org, category):
    office, member, member2 = org.users["office"], org.users["member"], org.users["member2"]
    lead = make.submitted(org, category)
    other = make.submitted(org, category, author="member2", title="关于充电桩布局的建议")
    proposal_act(proposal_id=other.pk, action="merge", actor=office, payload={"into": lead.pk})
    lead.refresh_from_db()
    other.refresh_from_db()
    assert (lead.state, lead.number) == (ProposalState.REGISTERED, f"{lead.year}0001")
    assert (other.state, other.merged_into_id, other.number) == (ProposalState.MERGED, lead.pk, "")
    assert AuditEntry.objects.filter(action="proposal.register", object_id=str(lead.pk)).count() == 1
    assert list(TimelineEntry.objects.filter(proposal=lead).values_list("action", flat=True)) == [
        "submit",
        "register",
        "merged_in",
    ]
    told = Notification.objects.get(recipient=member2, kind="proposal.merged")
    assert told.title == f"您的提案已并入 {lead.number} 办理：关于充电桩布局的建议"

    proposal_act(
        proposal_id=lead.pk,
        action="assign",
        actor=office,
        payload={"mode": "single", "units": [{"unit_id": org.unit.pk, "role": "single"}]},
    )
    reply = make.approve_reply(org, lead.assignments.get())
    lead.refresh_from_db()
    assert lead.state == ProposalState.EVALUATING
    assert sorted(
        Notification.objects.filter(kind="proposal.evaluate").values_list("recipient__username", flat=True)
    ) == [
        "demo-member",
        "demo-member2",
    ]
    assert visible_replies(member2, lead) == [reply]  # the merged proposer receives the reply
    assert "evaluate" in wf.allowed_proposal_actions(lead, member2)
    proposal_act(proposal_id=lead.pk, action="evaluate", actor=member2, payload={"satisfaction": "basically_satisfied"})
    given = Evaluation.objects.get(evaluator=member2)
    assert (given.reply, given.proposal, given.satisfaction) == (reply, other, Satisfaction.BASICALLY_SATISFIED)
    assert "evaluate" not in wf.allowed_proposal_actions(lead, member2)
    assert "close" not in wf.allowed_proposal_actions(lead, office)  # the lead proposer has not rated yet
    proposal_act(proposal_id=lead.pk, action="evaluate", actor=member, payload={"satisfaction": "satisfied"})
    assert proposal_act(proposal_id=lead.pk, action="close", actor=office).state == ProposalState.CLOSED


def test_merge_only_into_a_proposal_under_review_or_in_handling(org, category):
    office = org.users["office"]
    p = make.submitted(org, category)
    withdrawn = make.submitted(org, category, title="撤回的提案")
    proposal_act(proposal_id=withdrawn.pk, action="withdraw", actor=org.users["member"])
    for into, error in [(p.pk, "无效"), (withdrawn.pk, "状态不符"), (None, "必填"), (10**9, "无效")]:
        err = _refused(
            InvalidInput, proposal_act, proposal_id=p.pk, action="merge", actor=office, payload={"into": into}
        )
        assert err.errors == {"into": error}
    assert Proposal.objects.get(pk=p.pk).state == ProposalState.SUBMITTED


def test_reject_tells_the_proposer_the_ground_and_the_explanation(org, category):
    office = org.users["office"]
    p = make.submitted(org, category)
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=p.pk,
        action="reject",
        actor=office,
        payload={"ground": "no_such_ground", "explanation": "……"},
    )
    assert list(err.errors) == ["ground"]
    err = _refused(
        InvalidInput, proposal_act, proposal_id=p.pk, action="reject", actor=office, payload={"ground": "academic"}
    )
    assert err.errors == {"explanation": "必填"}
    proposal_act(
        proposal_id=p.pk,
        action="reject",
        actor=office,
        payload={"ground": "academic", "explanation": "所提问题属学术讨论范畴。"},
    )
    p.refresh_from_db()
    assert (p.state, p.rejection_ground, p.office_comment) == (
        ProposalState.REJECTED,
        "academic",
        "所提问题属学术讨论范畴。",
    )
    [note] = Notification.objects.filter(kind="proposal.rejected")
    assert note.recipient == org.users["member"]
    assert (note.title, note.body) == (f"提案不予立案：{TITLE}", "不予立案理由：纯属学术探讨。所提问题属学术讨论范畴。")
    assert TimelineEntry.objects.get(proposal=p, action="reject").note == note.body
    assert p in visible_proposals(org.users["member"])


def test_convert_tells_the_proposer_what_it_became_and_why(org, category):
    p = make.submitted(org, category)
    proposal_act(
        proposal_id=p.pk,
        action="convert",
        actor=org.users["office"],
        payload={"kind": "suggestion", "comment": "建议以意见建议形式转有关部门参考。"},
    )
    p.refresh_from_db()
    assert (p.state, p.converted_kind) == (ProposalState.CONVERTED, "suggestion")
    [note] = Notification.objects.filter(kind="proposal.converted")
    assert (note.recipient, note.title, note.body) == (
        org.users["member"],
        f"您的提案已转为意见建议处理：{TITLE}",
        "建议以意见建议形式转有关部门参考。",
    )
    bad = make.submitted(org, category)
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=bad.pk,
        action="convert",
        actor=org.users["office"],
        payload={"kind": "x"},
    )
    assert list(err.errors) == ["kind"]


# Assignment ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode,roles,error",
    [
        ("single", [], "必填"),
        ("single", ["single", "single"], "数量不符"),
        ("single", ["lead"], "承办方式无效"),
        ("separate", ["separate"], "数量不符"),
        ("separate", ["separate", "co"], "承办方式无效"),
        ("lead", ["lead", "lead"], "数量不符"),
        ("lead", ["lead"], "数量不符"),
        ("lead", ["co", "co"], "数量不符"),
    ],
)
def test_assign_modes_need_the_right_units(org, category, unit3, mode, roles, error):
    p = make.registered(org, category)
    units = [{"unit_id": u.pk, "role": r} for u, r in zip([org.unit, org.other_unit, unit3], roles, strict=False)]
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=p.pk,
        action="assign",
        actor=org.users["office"],
        payload={"mode": mode, "units": units},
    )
    assert err.errors == {"units": error}
    assert (Proposal.objects.get(pk=p.pk).state, Assignment.objects.count()) == (ProposalState.REGISTERED, 0)


def test_assign_needs_a_known_mode(org, category):
    p = make.registered(org, category)
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=p.pk,
        action="assign",
        actor=org.users["office"],
        payload={"mode": "both", "units": [{"unit_id": org.unit.pk, "role": "single"}]},
    )
    assert err.errors == {"mode": "可选值：single, separate, lead"}


@pytest.mark.parametrize(
    "mode,roles",
    [("single", ["single"]), ("separate", ["separate", "separate"]), ("lead", ["lead", "co", "co"])],
)
def test_assign_modes_and_the_default_due_date_of_three_months(org, category, unit3, time_machine, mode, roles):
    _at(time_machine, D(2026, 11, 30))
    units = list(zip([org.unit, org.other_unit, unit3], roles, strict=False))
    p = make.assigned(org, category, mode=mode, units=units)
    assignments = make.assignments_of(p)
    assert p.state == ProposalState.ASSIGNED
    assert [a.role for a in assignments] == roles
    assert {a.due_date for a in assignments} == {D(2027, 2, 28)}  # three months, at the end of a shorter month
    assert {a.state for a in assignments} == {AssignmentState.PENDING}


def test_an_explicit_due_date_is_later_than_today_and_within_six_months(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.registered(org, category)
    units = [{"unit_id": org.unit.pk, "role": "single"}]
    for due, error in [("2026-03-02", "无效"), ("2026-09-03", "过长"), ("2026-3-5", "日期格式错误")]:
        err = _refused(
            InvalidInput,
            proposal_act,
            proposal_id=p.pk,
            action="assign",
            actor=org.users["office"],
            payload={"mode": "single", "units": units, "due_date": due},
        )
        assert err.errors == {"due_date": error}
    proposal_act(
        proposal_id=p.pk,
        action="assign",
        actor=org.users["office"],
        payload={"mode": "single", "units": units, "due_date": "2026-09-02"},
    )
    assert p.assignments.get().due_date == D(2026, 9, 2)


def test_dispute_only_within_five_working_days(org, category, time_machine):
    _at(time_machine, D(2026, 9, 30))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    assert a.dispute_deadline == D(2026, 10, 13)
    unit = org.users["unit"]
    _at(time_machine, D(2026, 10, 14), hour=9)
    assert wf.allowed_assignment_actions(a, unit) == ["accept_assignment"]
    err = _refused(
        StateConflict,
        assignment_act,
        assignment_id=a.pk,
        action="dispute_assignment",
        actor=unit,
        payload={"reason": "不属于本单位"},
    )
    assert err.message == "已超过申请调整的期限，视为已签收。"
    _at(time_machine, D(2026, 10, 13), hour=17)
    assert wf.allowed_assignment_actions(a, unit) == ["accept_assignment", "dispute_assignment"]
    err = _refused(
        InvalidInput, assignment_act, assignment_id=a.pk, action="dispute_assignment", actor=unit, payload={}
    )
    assert err.errors == {"reason": "必填"}
    assignment_act(assignment_id=a.pk, action="dispute_assignment", actor=unit, payload={"reason": "不属于本单位职责"})
    a.refresh_from_db()
    assert (a.state, a.dispute_reason) == (AssignmentState.DISPUTED, "不属于本单位职责")
    assert Notification.objects.get(kind="proposal.disputed").recipient == org.users["office"]


def test_resolve_dispute_keep_tells_the_unit_why(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.disputed(org, category)
    a = make.assignments_of(p)[0]
    moment = _at(time_machine, D(2026, 3, 4))
    office = org.users["office"]
    err = _refused(
        InvalidInput,
        assignment_act,
        assignment_id=a.pk,
        action="resolve_dispute",
        actor=office,
        payload={"decision": "keep"},
    )
    assert err.errors == {"comment": "必填"}
    assignment_act(
        assignment_id=a.pk,
        action="resolve_dispute",
        actor=office,
        payload={"decision": "keep", "comment": "充电桩建设属住建局职责。"},
    )
    a.refresh_from_db()
    assert (a.state, a.accepted_at) == (AssignmentState.ACCEPTED, moment)
    notes = Notification.objects.filter(kind="proposal.dispute_kept").order_by("recipient__username")
    assert [(n.recipient.username, n.body) for n in notes] == [
        ("demo-unit", "充电桩建设属住建局职责。"),
        ("demo-unit-leader", "充电桩建设属住建局职责。"),
    ]
    assert Assignment.objects.count() == 1


def test_resolve_dispute_reassign_moves_the_proposal_to_another_unit(org, category, unit3, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.disputed(org, category)
    a = make.assignments_of(p)[0]
    _at(time_machine, D(2026, 3, 4))
    office, unit = org.users["office"], org.users["unit"]
    for units, error in [
        ([{"unit_id": org.unit.pk, "role": "single"}], "重复"),
        ([{"unit_id": unit3.pk, "role": "lead"}], "承办方式无效"),
        ([{"unit_id": unit3.pk, "role": "single"}, {"unit_id": org.other_unit.pk, "role": "single"}], "数量不符"),
    ]:
        err = _refused(
            InvalidInput,
            assignment_act,
            assignment_id=a.pk,
            action="resolve_dispute",
            actor=office,
            payload={"decision": "reassign", "comment": "改交发改委", "units": units},
        )
        assert err.errors == {"units": error}
    assignment_act(
        assignment_id=a.pk,
        action="resolve_dispute",
        actor=office,
        payload={"decision": "reassign", "comment": "改交发改委", "units": [{"unit_id": unit3.pk, "role": "single"}]},
    )
    a.refresh_from_db()
    assert (a.state, a.replaced_by_note) == (AssignmentState.REASSIGNED, "改交发改委")
    new = Assignment.objects.exclude(pk=a.pk).get()
    assert (new.unit, new.role, new.state, new.due_date, new.dispute_deadline) == (
        unit3,
        "single",
        AssignmentState.PENDING,
        D(2026, 6, 4),
        D(2026, 3, 11),
    )
    assert p not in visible_proposals(unit) and list(assignment_board(user=unit)) == []
    assert p in visible_proposals(org.users["unit3"]) and list(assignment_board(user=org.users["unit3"])) == [new]
    assert Notification.objects.filter(kind="proposal.dispute_accepted", recipient=unit).count() == 1
    assert Notification.objects.filter(kind="proposal.assigned", recipient=org.users["unit3"]).count() == 1


def test_a_disputed_lead_is_replaced_by_exactly_one_lead(org, category, unit3):
    p = make.disputed(org, category, mode="lead", units=[(org.unit, "lead"), (org.other_unit, "co")])
    lead = make.assignments_of(p)[0]
    assert lead.role == "lead"
    err = _refused(
        InvalidInput,
        assignment_act,
        assignment_id=lead.pk,
        action="resolve_dispute",
        actor=org.users["office"],
        payload={"decision": "reassign", "comment": "改交", "units": [{"unit_id": unit3.pk, "role": "co"}]},
    )
    assert err.errors == {"units": "数量不符"}
    assignment_act(
        assignment_id=lead.pk,
        action="resolve_dispute",
        actor=org.users["office"],
        payload={"decision": "reassign", "comment": "改交", "units": [{"unit_id": unit3.pk, "role": "lead"}]},
    )
    live = p.assignments.exclude(state=AssignmentState.REASSIGNED).order_by("id")
    assert [(a.unit_id, a.role) for a in live] == [(org.other_unit.pk, "co"), (unit3.pk, "lead")]


def test_a_unit_can_never_pass_a_proposal_on_itself(org, category, unit3):
    # No action that creates or moves assignments is open to a unit.
    for name in ("assign", "request_rehandling"):
        assert not wf.PROPOSAL_ACTIONS[name].who & {wf.UNIT, wf.UNIT_LEADER}
    assert not wf.ASSIGNMENT_ACTIONS["resolve_dispute"].who & {wf.UNIT, wf.UNIT_LEADER}
    p = make.disputed(org, category)
    a = make.assignments_of(p)[0]
    unit, leader = org.users["unit"], org.users["unit-leader"]
    for user in (unit, leader):
        assert wf.allowed_proposal_actions(p, user) == []
        assert wf.allowed_assignment_actions(a, user) == []
        _refused(
            NotAllowed,
            assignment_act,
            assignment_id=a.pk,
            action="resolve_dispute",
            actor=user,
            payload={
                "decision": "reassign",
                "comment": "转给发改委",
                "units": [{"unit_id": unit3.pk, "role": "single"}],
            },
        )
        _refused(
            NotAllowed,
            proposal_act,
            proposal_id=p.pk,
            action="assign",
            actor=user,
            payload={"mode": "single", "units": [{"unit_id": unit3.pk, "role": "single"}]},
        )
    assert list(Assignment.objects.values_list("unit_id", "state")) == [(org.unit.pk, AssignmentState.DISPUTED)]


# Handling ------------------------------------------------------------------------------------------------------


def test_a_contact_later_than_15_working_days_after_acceptance_is_flagged_late(org, category, time_machine):
    _at(time_machine, D(2026, 9, 30))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    unit = org.users["unit"]
    assignment_act(assignment_id=a.pk, action="accept_assignment", actor=unit)
    _at(time_machine, D(2026, 10, 28))
    err = _refused(
        InvalidInput,
        assignment_act,
        assignment_id=a.pk,
        action="record_contact",
        actor=unit,
        payload={"date": "2026-10-29", "way": "phone", "summary": "电话沟通"},
    )
    assert err.errors == {"date": "无效"}
    for day in ("2026-10-27", "2026-10-28"):  # the 15th and the 16th working day after 30 September
        assignment_act(
            assignment_id=a.pk,
            action="record_contact",
            actor=unit,
            payload={"date": day, "way": "phone", "summary": "电话沟通"},
        )
    assert list(Contact.objects.order_by("date").values_list("date", "late")) == [
        (D(2026, 10, 27), False),
        (D(2026, 10, 28), True),
    ]
    notes = TimelineEntry.objects.filter(action="record_contact").order_by("id").values_list("note", flat=True)
    assert list(notes) == ["电话 2026-10-27", "电话 2026-10-28（超过期限）"]


def test_an_extension_reaches_at_most_six_months_from_assignment(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    unit, office = org.users["unit"], org.users["office"]
    assignment_act(assignment_id=a.pk, action="accept_assignment", actor=unit)
    assert a.due_date == D(2026, 6, 2)
    for due, error in [("2026-06-02", "无效"), ("2026-09-03", "过长")]:
        err = _refused(
            InvalidInput,
            assignment_act,
            assignment_id=a.pk,
            action="request_extension",
            actor=unit,
            payload={"due_date": due, "reason": "涉及多个部门"},
        )
        assert err.errors == {"due_date": error}
    assignment_act(
        assignment_id=a.pk,
        action="request_extension",
        actor=unit,
        payload={"due_date": "2026-09-02", "reason": "涉及多个部门"},
    )
    _refused(
        StateConflict,
        assignment_act,
        assignment_id=a.pk,
        action="request_extension",
        actor=unit,
        payload={"due_date": "2026-08-02", "reason": "再次申请"},
    )
    err = _refused(
        InvalidInput,
        assignment_act,
        assignment_id=a.pk,
        action="decide_extension",
        actor=office,
        payload={"approve": False},
    )
    assert err.errors == {"comment": "必填"}
    _refused(
        NotAllowed, assignment_act, assignment_id=a.pk, action="decide_extension", actor=unit, payload={"approve": True}
    )
    assignment_act(assignment_id=a.pk, action="decide_extension", actor=office, payload={"approve": True})
    a.refresh_from_db()
    assert a.due_date == D(2026, 9, 2)
    assert list(ExtensionRequest.objects.values_list("state", flat=True)) == [ExtensionState.APPROVED]


def test_only_a_signed_reply_leaves_the_unit(org, category):
    p = make.assigned(org, category, mode="lead", units=[(org.unit, "lead"), (org.other_unit, "co")])
    lead, co = make.assignments_of(p)
    office, co_staff, member = org.users["office"], org.users["unit2"], org.users["member"]
    assignment_act(assignment_id=co.pk, action="accept_assignment", actor=co_staff)
    assignment_act(assignment_id=lead.pk, action="accept_assignment", actor=org.users["unit"])
    assignment_act(
        assignment_id=lead.pk, action="draft_reply", actor=org.users["unit"], payload={"text": "草稿", "grade": "A"}
    )
    draft = Reply.objects.get()
    assert visible_replies(org.users["unit"], p) == [draft]
    for outsider in (office, co_staff, member, org.users["leader"]):
        assert visible_replies(outsider, p) == []
    assert "approve_reply" not in wf.allowed_assignment_actions(Assignment.objects.get(pk=lead.pk), office)
    _refused(StateConflict, assignment_act, assignment_id=lead.pk, action="approve_reply", actor=office, payload={})
    assert Reply.objects.get().state == ReplyState.DRAFT

    assignment_act(assignment_id=lead.pk, action="sign_reply", actor=org.users["unit-leader"])
    draft.refresh_from_db()
    assert visible_replies(office, p) == [draft]
    assert visible_replies(co_staff, p) == [draft]  # the co-handler reads the lead's reply once signed
    assert visible_replies(member, p) == []  # the proposer, once the office has approved it
    assignment_act(assignment_id=lead.pk, action="approve_reply", actor=office, payload={})
    assert visible_replies(member, p) == [Reply.objects.get(state=ReplyState.APPROVED)]


def test_office_grade_correction_needs_a_note(org, category):
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    make.sign_reply(org, a, grade="B")
    office = org.users["office"]
    err = _refused(
        InvalidInput, assignment_act, assignment_id=a.pk, action="approve_reply", actor=office, payload={"grade": "A"}
    )
    assert err.errors == {"note": "必填"}
    err = _refused(
        InvalidInput,
        assignment_act,
        assignment_id=a.pk,
        action="approve_reply",
        actor=office,
        payload={"grade": "D", "note": "x"},
    )
    assert list(err.errors) == ["grade"]
    assignment_act(
        assignment_id=a.pk, action="approve_reply", actor=office, payload={"grade": "A", "note": "所提问题已解决。"}
    )
    reply = Reply.objects.get()
    assert (reply.grade, reply.office_grade, reply.grade_note, reply.final_grade) == ("B", "A", "所提问题已解决。", "A")
    assert AuditEntry.objects.get(action="assignment.approve_reply").changes["grade"] == ["B", "A"]


def test_the_same_grade_needs_no_note(org, category):
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    reply = make.approve_reply(org, a, grade="C", approval={"grade": "C"})
    assert (reply.state, reply.office_grade, reply.final_grade) == (ReplyState.APPROVED, "", "C")


# Evaluation and closing ----------------------------------------------------------------------------------------


def test_the_evaluation_window_is_15_working_days_by_default(org, category, time_machine, settings):
    _at(time_machine, D(2026, 9, 30))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    make.approve_reply(org, a)
    p.refresh_from_db()
    assert (p.state, p.evaluation_deadline) == (ProposalState.EVALUATING, D(2026, 10, 27))
    settings.PROPOSALS = {"EVALUATION_WINDOW_WORKING_DAYS": 5}
    q = make.assigned(org, category, title="关于学校周边交通的建议")
    [b] = make.assignments_of(q)
    make.approve_reply(org, b)
    q.refresh_from_db()
    assert q.evaluation_deadline == D(2026, 10, 13)


def _two_replies_and_a_merged_proposer(org, category):
    office = org.users["office"]
    lead = make.submitted(org, category)
    merged = make.submitted(org, category, author="member2", title="关于充电桩布局的建议")
    proposal_act(proposal_id=merged.pk, action="merge", actor=office, payload={"into": lead.pk})
    units = [{"unit_id": org.unit.pk, "role": "separate"}, {"unit_id": org.other_unit.pk, "role": "separate"}]
    proposal_act(proposal_id=lead.pk, action="assign", actor=office, payload={"mode": "separate", "units": units})
    first, second = [make.approve_reply(org, a) for a in lead.assignments.order_by("id")]
    return Proposal.objects.get(pk=lead.pk), Proposal.objects.get(pk=merged.pk), first, second


def test_close_waits_for_every_evaluation_or_the_end_of_the_window(org, category, time_machine):
    _at(time_machine, D(2026, 9, 30))
    lead, merged, first, second = _two_replies_and_a_merged_proposer(org, category)
    office, member = org.users["office"], org.users["member"]
    assert lead.evaluation_deadline == D(2026, 10, 27)
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=lead.pk,
        action="evaluate",
        actor=member,
        payload={"satisfaction": "satisfied"},
    )
    assert err.errors == {"reply_id": "必填"}  # two replies: say which
    proposal_act(
        proposal_id=lead.pk,
        action="evaluate",
        actor=member,
        payload={"satisfaction": "satisfied", "reply_id": first.pk},
    )
    for day in (D(2026, 10, 1), D(2026, 10, 27)):
        _at(time_machine, day, hour=23)
        assert "close" not in wf.allowed_proposal_actions(lead, office)
        err = _refused(StateConflict, proposal_act, proposal_id=lead.pk, action="close", actor=office)
        assert err.message == "测评尚未全部完成，且测评期限未到。"
    _at(time_machine, D(2026, 10, 28), hour=9)
    assert proposal_act(proposal_id=lead.pk, action="close", actor=office).state == ProposalState.CLOSED
    rows = Evaluation.objects.order_by("reply_id", "proposal_id").values_list(
        "reply_id", "proposal_id", "satisfaction", "evaluator"
    )
    assert list(rows) == [
        (first.pk, lead.pk, Satisfaction.SATISFIED, member.pk),
        (first.pk, merged.pk, Satisfaction.NOT_RATED, None),
        (second.pk, lead.pk, Satisfaction.NOT_RATED, None),
        (second.pk, merged.pk, Satisfaction.NOT_RATED, None),
    ]


def test_close_is_allowed_as_soon_as_every_proposer_has_rated_every_reply(org, category):
    lead, merged, first, second = _two_replies_and_a_merged_proposer(org, category)
    office = org.users["office"]
    for user in (org.users["member"], org.users["member2"]):
        for reply in (first, second):
            assert "close" not in wf.allowed_proposal_actions(lead, office)
            proposal_act(
                proposal_id=lead.pk,
                action="evaluate",
                actor=user,
                payload={"satisfaction": "basically_satisfied", "reply_id": reply.pk},
            )
    assert "close" in wf.allowed_proposal_actions(lead, office)
    proposal_act(proposal_id=lead.pk, action="close", actor=office)
    assert Evaluation.objects.filter(satisfaction=Satisfaction.NOT_RATED).count() == 0
    assert Evaluation.objects.count() == 4


def test_rehandling_happens_at_most_once_and_only_after_dissatisfaction(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category, mode="separate", units=[(org.unit, "separate"), (org.other_unit, "separate")])
    a, b = make.assignments_of(p)
    first = make.approve_reply(org, a)
    make.approve_reply(org, b)
    office, member = org.users["office"], org.users["member"]
    proposal_act(
        proposal_id=p.pk, action="evaluate", actor=member, payload={"satisfaction": "satisfied", "reply_id": first.pk}
    )
    err = _refused(
        StateConflict,
        proposal_act,
        proposal_id=p.pk,
        action="request_rehandling",
        actor=office,
        payload={"comment": "重办"},
    )
    assert err.message == "没有“不满意”的测评，不能要求重新办理。"
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=p.pk,
        action="evaluate",
        actor=member,
        payload={"satisfaction": "dissatisfied"},
    )
    assert err.errors == {"comment": "必填"}
    proposal_act(
        proposal_id=p.pk, action="evaluate", actor=member, payload={"satisfaction": "dissatisfied", "comment": "未落实"}
    )
    _at(time_machine, D(2026, 4, 1))
    proposal_act(proposal_id=p.pk, action="request_rehandling", actor=office, payload={"comment": "请重新办理"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, a.round) == (AssignmentState.REPLIED, 1)  # the satisfied reply stands
    assert (b.state, b.round, b.due_date) == (AssignmentState.ACCEPTED, 2, D(2026, 5, 1))
    make.approve_reply(org, b)
    p.refresh_from_db()
    assert (p.state, p.rehandling_count) == (ProposalState.EVALUATING, 1)
    proposal_act(
        proposal_id=p.pk,
        action="evaluate",
        actor=member,
        payload={"satisfaction": "dissatisfied", "comment": "仍未落实"},
    )
    assert "request_rehandling" not in wf.allowed_proposal_actions(p, office)
    err = _refused(
        StateConflict,
        proposal_act,
        proposal_id=p.pk,
        action="request_rehandling",
        actor=office,
        payload={"comment": "再办"},
    )
    assert err.message == "已达到重新办理次数上限。"


def _closed(org, category, *, grade, approve_payload=None) -> Proposal:
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    make.approve_reply(org, a, grade=grade, approval=approve_payload)
    proposal_act(proposal_id=p.pk, action="evaluate", actor=org.users["member"], payload={"satisfaction": "satisfied"})
    return proposal_act(proposal_id=p.pk, action="close", actor=org.users["office"])


def test_followup_is_scheduled_only_for_a_grade_b_reply(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    office = org.users["office"]
    graded_a = _closed(org, category, grade="A")
    assert "schedule_followup" not in wf.allowed_proposal_actions(graded_a, office)
    err = _refused(StateConflict, proposal_act, proposal_id=graded_a.pk, action="schedule_followup", actor=office)
    assert err.message == "只有B类答复需要安排“回头看”。"
    graded_b = _closed(org, category, grade="B")
    err = _refused(
        InvalidInput,
        proposal_act,
        proposal_id=graded_b.pk,
        action="schedule_followup",
        actor=office,
        payload={"date": "2026-03-02"},
    )
    assert err.errors == {"date": "无效"}
    proposal_act(proposal_id=graded_b.pk, action="schedule_followup", actor=office)
    assert Proposal.objects.get(pk=graded_b.pk).followup_on == D(2027, 3, 2)
    corrected = _closed(org, category, grade="A", approve_payload={"grade": "B", "note": "尚在推进中"})
    assert "schedule_followup" in wf.allowed_proposal_actions(corrected, office)  # the office's grade counts


# Key and excellent proposals, duty ------------------------------------------------------------------------------


def test_a_key_proposal_needs_a_supervising_leader_and_a_leaders_approval(org, category):
    office, leader = org.users["office"], org.users["leader"]
    other_leader = account_create(username="demo-leader2", password=PASSWORD, display_name="副主席")
    role_grant(user=other_leader, role=Role.LEADER, actor=None)
    submitted = make.submitted(org, category, title="未立案的提案")
    _refused(
        StateConflict,
        proposal_act,
        proposal_id=submitted.pk,
        action="propose_key",
        actor=office,
        payload={"supervising_leader_id": leader.pk},
    )
    p = make.submitted(org, category, cosigners=[org.member2])
    proposal_act(proposal_id=p.pk, action="cosign", actor=org.users["member2"])
    p = proposal_act(proposal_id=p.pk, action="register", actor=office)
    for value, error in [(None, "必填"), ("x", "必填"), (office.pk, "无效")]:
        err = _refused(
            InvalidInput,
            proposal_act,
            proposal_id=p.pk,
            action="propose_key",
            actor=office,
            payload={"supervising_leader_id": value},
        )
        assert err.errors == {"supervising_leader_id": error}
    proposal_act(proposal_id=p.pk, action="propose_key", actor=office, payload={"supervising_leader_id": leader.pk})
    p.refresh_from_db()
    assert (p.key_state, p.supervising_leader) == (KeyState.PROPOSED, leader)
    assert sorted(
        Notification.objects.filter(kind="proposal.key_proposed").values_list("recipient__username", flat=True)
    ) == [
        "demo-leader",
        "demo-leader2",
    ]
    _refused(NotAllowed, proposal_act, proposal_id=p.pk, action="approve_key", actor=office)
    _refused(
        StateConflict,
        proposal_act,
        proposal_id=p.pk,
        action="record_supervision",
        actor=office,
        payload={"kind": "site_visit", "date": str(timezone.localdate()), "findings": "现场察看"},
    )
    proposal_act(proposal_id=p.pk, action="approve_key", actor=other_leader)
    p.refresh_from_db()
    assert (p.key_state, p.supervising_leader) == (KeyState.APPROVED, leader)
    assert "record_supervision" in wf.allowed_proposal_actions(p, leader)
    assert "record_supervision" not in wf.allowed_proposal_actions(p, other_leader)
    _refused(
        NotAllowed,
        proposal_act,
        proposal_id=p.pk,
        action="record_supervision",
        actor=other_leader,
        payload={"kind": "site_visit", "date": str(timezone.localdate()), "findings": "现场察看"},
    )
    proposal_act(
        proposal_id=p.pk,
        action="record_supervision",
        actor=leader,
        payload={"kind": "site_visit", "date": str(timezone.localdate()), "findings": "现场察看充电桩建设"},
    )
    assert p.supervision_activities.get().findings == "现场察看充电桩建设"
    assert Notification.objects.filter(kind="proposal.key_approved", recipient=leader).count() == 1


def test_duty_events_are_written_once_each(org, category):
    office, leader, member = org.users["office"], org.users["leader"], org.users["member"]
    p = make.submitted(org, category, cosigners=[org.member2])
    proposal_act(proposal_id=p.pk, action="cosign", actor=org.users["member2"])
    proposal_act(proposal_id=p.pk, action="return_for_revision", actor=office, payload={"comment": "请补充数据"})
    proposal_act(proposal_id=p.pk, action="submit", actor=member)  # submitted twice, counted once
    proposal_act(proposal_id=p.pk, action="cosign", actor=org.users["member2"])
    proposal_act(proposal_id=p.pk, action="register", actor=office)
    for attempt in range(2):  # proposed, declined, proposed again, approved
        proposal_act(proposal_id=p.pk, action="propose_key", actor=office, payload={"supervising_leader_id": leader.pk})
        proposal_act(proposal_id=p.pk, action="decline_key" if attempt == 0 else "approve_key", actor=leader)
    for attempt in range(2):
        proposal_act(proposal_id=p.pk, action="nominate_excellent", actor=office)
        proposal_act(
            proposal_id=p.pk, action="decline_excellent" if attempt == 0 else "approve_excellent", actor=leader
        )

    collective = CollectiveProposer.objects.create(name="民革新建区委", kind="party", party=org.party)
    collective.contacts.add(org.users["member2"])
    c = make.submitted(org, category, author="member2", collective_id=collective.pk, title="关于发展民营经济的建议")
    proposal_act(proposal_id=c.pk, action="register", actor=office)

    def ledger():
        return sorted(DutyRecord.objects.values_list("member__name", "kind", "source_id", "share_count"))

    expected = sorted(
        [
            ("张委员", DutyKind.PROPOSAL_SUBMITTED, p.pk, 1),
            ("张委员", DutyKind.PROPOSAL_REGISTERED_LEAD, p.pk, 2),
            ("李委员", DutyKind.PROPOSAL_REGISTERED_COSIGNER, p.pk, 2),
            ("张委员", DutyKind.KEY_PROPOSAL_LEAD, p.pk, 1),
            ("李委员", DutyKind.KEY_PROPOSAL_COSIGNER, p.pk, 1),
            ("张委员", DutyKind.EXCELLENT_PROPOSAL_LEAD, p.pk, 1),
            ("李委员", DutyKind.EXCELLENT_PROPOSAL_COSIGNER, p.pk, 1),
            ("李委员", DutyKind.PROPOSAL_REGISTERED_COLLECTIVE, c.pk, 1),
        ]
    )
    assert ledger() == expected
    # Rerunning an event (a retried job) writes nothing more.
    p.refresh_from_db()
    assert (
        duty_record_event(
            member=org.member, kind=DutyKind.PROPOSAL_REGISTERED_LEAD, occurred_on=p.registered_at.date(), source=p
        )
        is None
    )
    assert ledger() == expected


# Notifications -------------------------------------------------------------------------------------------------


def test_notifications_are_written_in_the_transaction_and_emailed_only_after_commit(
    org, category, django_capture_on_commit_callbacks, mailoutbox
):
    clerk = account_create(
        username="demo-office-mail", password=PASSWORD, display_name="提案科", email="tian@example.org"
    )
    role_grant(user=clerk, role=Role.PROPOSAL_OFFICE, actor=None)
    p = make.draft(org, category)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal_act(proposal_id=p.pk, action="submit", actor=org.users["member"])
        assert Notification.objects.filter(recipient=clerk, kind="proposal.submitted").count() == 1
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert callbacks
    assert [(m.to, m.subject) for m in mailoutbox] == [(["tian@example.org"], f"新提案待审查：{TITLE}")]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(InvalidInput):
            proposal_act(proposal_id=p.pk, action="reject", actor=clerk, payload={"ground": "academic"})
    assert callbacks == []  # a refused action queues nothing
    assert len(mailoutbox) == 1
