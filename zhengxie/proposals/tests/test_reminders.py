"""Scheduled work on a controlled clock: reminders before due dates, daily overdue flags, the Monday digest for
overseers, lapsing co-sign invitations, taking silent units to accept, evaluation and follow-up reminders. Working
days follow China's calendar: 2026's National Day holiday runs 1–7 October and Saturday 10 October is worked.
Every job is idempotent: run twice, it tells nobody twice."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.builders import proposals as make
from tests.builders.org import member_with_account
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification
from zhengxie.proposals import reminders, tasks
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.choices import AssignmentState, CosignState, ProposalState
from zhengxie.proposals.models import Assignment, Proposal, ReminderLog, TimelineEntry

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def _at(time_machine, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    moment = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
    time_machine.move_to(moment, tick=False)
    return moment


def _notes(kind: str):
    return Notification.objects.filter(kind=kind).order_by("id")


def _recipients(kind: str) -> list[str]:
    return sorted(_notes(kind).values_list("recipient__username", flat=True))


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


@pytest.fixture
def member3(org):
    return member_with_account(org, username="demo-member3", name="王委员", seq=3)


# Due dates -----------------------------------------------------------------------------------------------------


def test_due_date_reminders_go_30_7_and_1_days_before_to_the_unit(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    assert a.due_date == D(2026, 6, 2)  # three months
    sent_on = {day: n for day in _days(D(2026, 3, 2), D(2026, 6, 10)) if (n := reminders.due_date_reminders(today=day))}
    assert sent_on == {D(2026, 5, 3): 1, D(2026, 5, 26): 1, D(2026, 6, 1): 1}
    assert [n.title for n in _notes("proposal.due_soon").filter(recipient=org.users["unit"])] == [
        f"提案办理期限还有 {n} 天：关于加快充电桩建设的建议" for n in (30, 7, 1)
    ]
    assert _recipients("proposal.due_soon") == ["demo-unit"] * 3 + ["demo-unit-leader"] * 3
    assert set(_notes("proposal.due_soon").values_list("url", flat=True)) == {f"/proposals/{p.pk}/"}
    # A rerun of any of those days tells nobody again.
    assert [reminders.due_date_reminders(today=day) for day in (D(2026, 5, 3), D(2026, 5, 26), D(2026, 6, 1))] == [
        0,
        0,
        0,
    ]
    assert _notes("proposal.due_soon").count() == 6


def test_due_date_reminders_follow_an_extension_and_stop_once_replied(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    assignment_act(assignment_id=a.pk, action="accept_assignment", actor=org.users["unit"])
    assert reminders.due_date_reminders(today=D(2026, 5, 26)) == 1
    assignment_act(
        assignment_id=a.pk,
        action="request_extension",
        actor=org.users["unit"],
        payload={"due_date": "2026-07-02", "reason": "需协调市级部门"},
    )
    assignment_act(assignment_id=a.pk, action="decide_extension", actor=org.users["office"], payload={"approve": True})
    assert reminders.due_date_reminders(today=D(2026, 6, 1)) == 0  # the old due date no longer counts
    assert reminders.due_date_reminders(today=D(2026, 6, 25)) == 1  # 7 days before the new one
    make.approve_reply(org, a)
    assert reminders.due_date_reminders(today=D(2026, 7, 1)) == 0
    assert _notes("proposal.due_soon").filter(recipient=org.users["unit"]).count() == 2


def test_overdue_assignments_are_flagged_every_day_to_the_unit_and_the_office_list(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    assert reminders.overdue_flags(today=D(2026, 6, 2)) == 0  # due today is not overdue
    assert reminders.overdue_flags(today=D(2026, 6, 3)) == 2  # the unit's flag and the office list
    assert reminders.overdue_flags(today=D(2026, 6, 3)) == 0
    assert _recipients("proposal.overdue") == ["demo-unit", "demo-unit-leader"]
    assert _notes("proposal.overdue").first().body == "办理期限 2026-06-02，已超期 1 天。"
    [office_list] = _notes("proposal.overdue_list")
    assert office_list.recipient == org.users["office"]
    assert office_list.title == "今日超期未办提案 1 件"
    assert office_list.body == f"新建区住房和城乡建设局：{p.number} 关于加快充电桩建设的建议（2026-06-02）"
    assert reminders.overdue_flags(today=D(2026, 6, 4)) == 2  # every day
    assert _notes("proposal.overdue").last().body == "办理期限 2026-06-02，已超期 2 天。"
    assert (_notes("proposal.overdue").count(), _notes("proposal.overdue_list").count()) == (4, 2)
    make.approve_reply(org, a)
    assert reminders.overdue_flags(today=D(2026, 6, 5)) == 0  # replied: no longer overdue


def test_a_co_handler_that_never_answered_is_not_chased_once_the_proposal_is_replied(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category, mode="lead", units=[(org.unit, "lead"), (org.other_unit, "co")])
    lead, co = make.assignments_of(p)
    assignment_act(assignment_id=co.pk, action="accept_assignment", actor=org.users["unit2"])
    make.approve_reply(org, lead)
    proposal_act(proposal_id=p.pk, action="evaluate", actor=org.users["member"], payload={"satisfaction": "satisfied"})
    proposal_act(proposal_id=p.pk, action="close", actor=org.users["office"])
    assert Assignment.objects.get(pk=co.pk).state == AssignmentState.ACCEPTED  # it never sent its opinion
    assert reminders.due_date_reminders(today=D(2026, 6, 1)) == 0
    assert reminders.overdue_flags(today=D(2026, 6, 3)) == 0
    assert reminders.overseer_weekly_digest(today=D(2026, 6, 8)) == 1
    assert Notification.objects.get(kind="proposal.overseer_digest").body == "本周无超期提案。"
    assert not Notification.objects.filter(kind__in=["proposal.due_soon", "proposal.overdue"]).exists()


def test_overseers_get_the_overdue_digest_on_mondays_once_a_week(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    make.assigned(org, category)
    make.assigned(org, category, title="关于改善老旧小区停车的建议")
    _at(time_machine, D(2026, 6, 8), hour=6)
    digests = {day: reminders.run_daily(today=day)["overseer_digest"] for day in _days(D(2026, 6, 1), D(2026, 6, 15))}
    assert {day for day, n in digests.items() if n} == {D(2026, 6, 1), D(2026, 6, 8), D(2026, 6, 15)}
    assert all(day.weekday() == 0 for day, n in digests.items() if n)
    assert reminders.run_daily(today=D(2026, 6, 8))["overseer_digest"] == 0  # a rerun on Monday
    notes = list(_notes("proposal.overseer_digest"))
    assert [n.recipient.username for n in notes] == ["demo-overseer"] * 3
    assert [n.title for n in notes] == [
        "提案办理督查周报（2026年第23周）：超期 0 件",
        "提案办理督查周报（2026年第24周）：超期 2 件",
        "提案办理督查周报（2026年第25周）：超期 2 件",
    ]
    assert notes[0].body == "本周无超期提案。"
    assert notes[1].body == "新建区住房和城乡建设局：2 件"


# Co-signing ----------------------------------------------------------------------------------------------------


def test_cosign_window_lapses_and_the_proposal_moves_on_with_those_who_confirmed(org, category, member3, time_machine):
    submitted_at = _at(time_machine, D(2026, 3, 2), hour=10)
    p = make.submitted(org, category, cosigners=[org.member2, member3])
    assert p.state == ProposalState.COSIGNING
    assert p.cosign_deadline == submitted_at + datetime.timedelta(days=7)
    proposal_act(proposal_id=p.pk, action="cosign", actor=org.users["member2"])

    # A reminder to those who have not answered, within the last day of the window.
    assert reminders.cosign_reminders(now=datetime.datetime(2026, 3, 8, 9, 59, tzinfo=SHANGHAI)) == 0
    assert reminders.cosign_reminders(now=datetime.datetime(2026, 3, 8, 10, 1, tzinfo=SHANGHAI)) == 1
    assert reminders.cosign_reminders(now=datetime.datetime(2026, 3, 8, 18, 0, tzinfo=SHANGHAI)) == 0
    assert _recipients("proposal.cosign_reminder") == ["demo-member3"]

    assert reminders.lapse_cosign_invitations(now=datetime.datetime(2026, 3, 9, 9, 59, tzinfo=SHANGHAI)) == 0
    _at(time_machine, D(2026, 3, 9), hour=10, minute=15)
    office_told = _notes("proposal.submitted").count()
    assert reminders.lapse_cosign_invitations() == 1
    assert reminders.lapse_cosign_invitations() == 0
    p.refresh_from_db()
    assert p.state == ProposalState.SUBMITTED
    assert dict(p.cosignatures.values_list("member__name", "state")) == {
        "李委员": CosignState.CONFIRMED,
        "王委员": CosignState.LAPSED,
    }
    assert _notes("proposal.submitted").count() == office_told + 1
    lapse = TimelineEntry.objects.get(proposal=p, action="lapse_cosign")
    assert (lapse.actor, lapse.actor_label, lapse.to_state) == (None, "系统", ProposalState.SUBMITTED)
    assert wf.allowed_proposal_actions(p, member3.user) == []

    proposal_act(proposal_id=p.pk, action="register", actor=org.users["office"])
    cosigner_rows = DutyRecord.objects.filter(kind=DutyKind.PROPOSAL_REGISTERED_COSIGNER)
    assert list(cosigner_rows.values_list("member__name", "share_count")) == [("李委员", 2)]


# Acceptance ----------------------------------------------------------------------------------------------------


def test_a_silent_unit_is_taken_to_accept_after_five_working_days_across_national_day(org, category, time_machine):
    _at(time_machine, D(2026, 9, 30))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    q = make.assigned(org, category, title="关于学校周边交通的建议", units=[(org.other_unit, "single")])
    [disputed] = make.assignments_of(q)
    # 8, 9, 10 (a worked Saturday), 12 and 13 October are the five working days after 30 September.
    assert a.dispute_deadline == D(2026, 10, 13)
    _at(time_machine, D(2026, 10, 13), hour=17)
    assert "dispute_assignment" in wf.allowed_assignment_actions(a, org.users["unit"])
    assignment_act(
        assignment_id=disputed.pk,
        action="dispute_assignment",
        actor=org.users["unit2"],
        payload={"reason": "不属于本单位"},
    )
    assert reminders.auto_accept_assignments(today=D(2026, 10, 13)) == 0
    moment = _at(time_machine, D(2026, 10, 14), hour=6, minute=30)
    assert reminders.auto_accept_assignments(today=D(2026, 10, 14)) == 1
    assert reminders.auto_accept_assignments(today=D(2026, 10, 14)) == 0
    a.refresh_from_db()
    disputed.refresh_from_db()
    assert (a.state, a.accepted_at) == (AssignmentState.ACCEPTED, moment)
    assert disputed.state == AssignmentState.DISPUTED  # the office decides a dispute, not the clock
    entry = TimelineEntry.objects.get(assignment=a, action="auto_accept")
    assert (entry.actor, entry.note) == (None, "新建区住房和城乡建设局 未在期限内申请调整，视为签收")
    assert "dispute_assignment" not in wf.allowed_assignment_actions(a, org.users["unit"])


# Evaluation and follow-up --------------------------------------------------------------------------------------


def test_evaluation_reminder_three_days_before_the_window_ends_to_each_proposer_who_has_not_rated(
    org, category, time_machine
):
    _at(time_machine, D(2026, 9, 30))
    lead = make.submitted(org, category)
    merged = make.submitted(org, category, author="member2", title="关于充电桩布局的建议")
    office = org.users["office"]
    proposal_act(proposal_id=merged.pk, action="merge", actor=office, payload={"into": lead.pk})
    proposal_act(
        proposal_id=lead.pk,
        action="assign",
        actor=office,
        payload={"mode": "single", "units": [{"unit_id": org.unit.pk, "role": "single"}]},
    )
    make.approve_reply(org, lead.assignments.get())
    lead.refresh_from_db()
    # 15 working days after 30 September: the holiday and the weekends do not count, Saturday 10 October does.
    assert (lead.state, lead.evaluation_deadline) == (ProposalState.EVALUATING, D(2026, 10, 27))
    proposal_act(
        proposal_id=lead.pk, action="evaluate", actor=org.users["member"], payload={"satisfaction": "satisfied"}
    )
    sent_on = {
        day: n for day in _days(D(2026, 10, 1), D(2026, 10, 31)) if (n := reminders.evaluation_reminders(today=day))
    }
    assert sent_on == {D(2026, 10, 24): 1}
    assert reminders.evaluation_reminders(today=D(2026, 10, 24)) == 0
    [note] = _notes("proposal.evaluate_reminder")
    assert note.recipient == org.users["member2"]  # the merged proposer; the lead proposer has rated
    assert note.title == "请在 2026-10-27 前完成提案答复测评：关于加快充电桩建设的建议"


def test_followup_reminder_on_the_followup_date(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    p = make.assigned(org, category)
    [a] = make.assignments_of(p)
    make.approve_reply(org, a, grade="B")
    office = org.users["office"]
    proposal_act(proposal_id=p.pk, action="evaluate", actor=org.users["member"], payload={"satisfaction": "satisfied"})
    proposal_act(proposal_id=p.pk, action="close", actor=office)
    proposal_act(proposal_id=p.pk, action="schedule_followup", actor=office)
    p.refresh_from_db()
    assert p.followup_on == D(2027, 3, 2)  # next year
    assert reminders.followup_reminders(today=D(2027, 3, 1)) == 0
    assert reminders.followup_reminders(today=D(2027, 3, 2)) == 1
    assert reminders.followup_reminders(today=D(2027, 3, 2)) == 0
    [note] = _notes("proposal.followup")
    assert (note.recipient, note.title) == (office, f"今日“回头看”：{p.number} 关于加快充电桩建设的建议")


def test_run_daily_twice_on_the_same_day_tells_nobody_twice(org, category, time_machine):
    _at(time_machine, D(2026, 3, 2))
    make.assigned(org, category)
    _at(time_machine, D(2026, 6, 8), hour=6)  # a Monday after the due date
    first = reminders.run_daily(today=D(2026, 6, 8))
    assert first == {
        "auto_accepted": 1,  # the unit never answered in March
        "due_reminders": 0,
        "overdue": 2,
        "evaluation_reminders": 0,
        "followups": 0,
        "overseer_digest": 1,
    }
    count, logs = Notification.objects.count(), ReminderLog.objects.count()
    assert reminders.run_daily(today=D(2026, 6, 8)) == dict.fromkeys(first, 0)
    assert (Notification.objects.count(), ReminderLog.objects.count()) == (count, logs)


# The Huey periodic tasks ---------------------------------------------------------------------------------------


def test_periodic_tasks_run_their_jobs(org, category, member3, time_machine):
    _at(time_machine, D(2026, 3, 2), hour=10)
    cosigning = make.submitted(org, category, cosigners=[member3], title="关于社区养老服务的建议")
    [a] = make.assignments_of(make.assigned(org, category))

    _at(time_machine, D(2026, 3, 8), hour=12)
    assert tasks.cosign_reminders.call_local() == 1
    assert _recipients("proposal.cosign_reminder") == ["demo-member3"]

    _at(time_machine, D(2026, 3, 9), hour=10, minute=15)
    assert tasks.lapse_cosign_invitations.call_local() == 1
    assert Proposal.objects.get(pk=cosigning.pk).state == ProposalState.SUBMITTED

    _at(time_machine, D(2026, 3, 16), hour=6, minute=30)  # a Monday, after the dispute window (2 → 9 March)
    result = tasks.daily_proposal_jobs.call_local()
    assert (result["auto_accepted"], result["overseer_digest"]) == (1, 1)
    assert Assignment.objects.get(pk=a.pk).state == AssignmentState.ACCEPTED
    assert tasks.daily_proposal_jobs.call_local() == dict.fromkeys(result, 0)
