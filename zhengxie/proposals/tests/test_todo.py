"""Each person's proposal to-do items follow the workflow: what waits for them, in the words each awaited action
declares (``Action.due``, else its label), one item per proposal, and gone once it is done."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.builders import proposals as make
from zhengxie.core.todo import todo_for
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _items(user) -> list[str]:
    return [i.title.split("：")[0] for i in todo_for(user) if i.kind == "提案"]


def _titles(user) -> list[str]:
    return [i.title for i in todo_for(user) if i.kind == "提案"]


def _dated(user) -> list[tuple]:
    return [(i.title.split("：")[0], i.due) for i in todo_for(user) if i.kind == "提案"]


def _urls(user) -> list[str]:
    # The proposals' own items: other modules may send one person to a shared page (a member's duty archive holds both
    # the unmet basic duties and the study hours still short), which is not a proposal listed twice.
    return [i.url for i in todo_for(user) if i.kind == "提案"]


def _no_duplicates(user) -> None:
    urls = _urls(user)
    assert len(urls) == len(set(urls)), urls


def _on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())
    )


def test_to_dos_follow_the_assignment_from_signing_for_it_to_the_office_approving_the_reply(org, category):
    unit, leader, office = org.users["unit"], org.users["unit-leader"], org.users["office"]
    p = make.assigned(org, category)
    a = make.assignment_of(p, org.unit)
    assert _items(unit) == ["签收交办"]
    make.act(a, "accept_assignment", unit)
    assert _items(unit) == ["办理答复"]
    assert _dated(unit) == [("办理答复", a.due_date)]
    make.act(a, "draft_reply", unit, text="答复正文", grade="A")
    # The draft waits for the unit leader: the leader sees it once, to sign; the staff who drafted it, nothing.
    assert _items(leader) == ["签发答复"]
    assert _items(unit) == []
    make.act(a, "sign_reply", leader)
    assert _items(unit) == [] and _items(leader) == []
    assert _titles(office) == [f"审核答复（{org.unit.name}）：{p.number} {p.title}"]
    make.act(a, "approve_reply", office)
    assert _items(office) == []  # the proposer has yet to rate it


def test_an_invited_co_signer_and_the_office_see_what_waits_for_them(org, category):
    p = make.submitted(org, category, cosigners=[org.member2])
    assert _items(org.users["member2"]) == ["确认联名"]
    assert [i.due for i in todo_for(org.users["member2"]) if i.kind == "提案"] == [
        timezone.localdate(Proposal.objects.get(pk=p.pk).cosign_deadline)
    ]
    make.act(p, "cosign", org.users["member2"])
    assert _items(org.users["member2"]) == []
    assert _titles(org.users["office"]) == ["1 件提案待审查"]


def test_a_member_sees_returned_and_unsent_drafts_and_replies_to_rate(org, category):
    member = org.users["member"]
    make.draft(org, category, title="尚未提交的草稿")
    returned = make.submitted(org, category, title="被退回的提案")
    make.act(returned, "return_for_revision", org.users["office"], comment="请补充具体建议")
    rated = make.reply_approved(org, category, title="待测评的提案")
    assert sorted(_titles(member)) == sorted(
        ["1 件提案草稿尚未提交", "退回修改：被退回的提案", f"测评答复：{rated.number} 待测评的提案"]
    )
    _no_duplicates(member)
    make.act(rated, "evaluate", member, satisfaction="satisfied")
    assert "测评答复" not in _items(member)


def test_the_office_sees_proposals_to_close_only_once_they_may_be_closed(org, category):
    office, member = org.users["office"], org.users["member"]
    p = make.reply_approved(org, category)
    assert "办结" not in _items(office)  # the proposer has not rated the reply, and the window is open
    assert "close" not in wf.allowed_proposal_actions(Proposal.objects.get(pk=p.pk), office)
    make.act(p, "evaluate", member, satisfaction="satisfied")
    assert _titles(office) == [f"办结：{p.number} {p.title}"]
    assert "close" in wf.allowed_proposal_actions(Proposal.objects.get(pk=p.pk), office)
    make.act(p, "close", office)
    assert _items(office) == []


def test_an_unrated_proposal_is_to_close_once_its_evaluation_window_has_passed(org, category):
    office = org.users["office"]
    p = make.reply_approved(org, category)
    deadline = Proposal.objects.get(pk=p.pk).evaluation_deadline
    with _on(deadline):
        assert "办结" not in _items(office)
    with _on(deadline + datetime.timedelta(days=1)):
        assert _items(office) == ["办结"]
        assert "close" in wf.allowed_proposal_actions(Proposal.objects.get(pk=p.pk), office)


def test_a_merged_proposer_who_has_not_rated_keeps_the_proposal_from_closing(org, category):
    office = org.users["office"]
    lead = make.registered(org, category, title="主提案")
    merged = make.submitted(org, category, author="member2", title="并入的提案")
    make.act(merged, "merge", office, into=lead.pk)
    make.act(lead, "assign", office, mode="single", units=[{"unit_id": org.unit.pk, "role": "single"}])
    make.approve_reply(org, make.assignment_of(lead, org.unit))
    make.act(lead, "evaluate", org.users["member"], satisfaction="satisfied")
    assert "办结" not in _items(office)
    assert _items(org.users["member2"]) == ["测评答复"]
    make.act(lead, "evaluate", org.users["member2"], satisfaction="basically_satisfied")
    assert _items(office) == ["办结"]


def test_the_office_is_asked_to_schedule_a_follow_up_of_a_grade_b_reply_and_reminded_of_the_visit(org, category):
    office = org.users["office"]
    p = make.reply_approved(org, category, grade="B")
    make.act(p, "evaluate", org.users["member"], satisfaction="satisfied")
    make.act(p, "close", office)
    assert _titles(office) == [f"安排回头看：{p.number} {p.title}"]
    visit = timezone.localdate() + datetime.timedelta(days=200)
    make.act(p, "schedule_followup", office, date=str(visit))
    assert _items(office) == []
    with _on(visit - datetime.timedelta(days=10)):
        assert _dated(office) == [("回头看", visit)]


def test_one_item_per_proposal_for_the_office_whatever_its_units_await(org, category):
    office = org.users["office"]
    units = [(org.unit, "separate"), (org.other_unit, "separate")]
    p = make.assigned(org, category, units=units, mode="separate")
    for a in make.assignments_of(p):
        make.sign_reply(org, a)
    assert _titles(office) == [f"审核答复（{org.unit.name}、{org.other_unit.name}）：{p.number} {p.title}"]


def test_a_co_handler_is_asked_for_its_opinion_by_its_declared_date(org, category):
    unit2 = org.users["unit2"]
    p = make.jointly_assigned(org, category)
    co = make.assignment_of(p, org.other_unit)
    make.act(co, "accept_assignment", unit2)
    co.refresh_from_db()
    assert _dated(unit2) == [("提交会办意见", wf.ASSIGNMENT["submit_co_opinion"].due.by(co))]
    make.act(co, "submit_co_opinion", unit2, text="同意")
    assert _items(unit2) == []


def test_leaders_decide_key_proposals_and_the_supervising_leader_records_supervision(org, category):
    leader, office = org.users["leader"], org.users["office"]
    p = make.assigned(org, category)
    make.act(p, "propose_key", office, supervising_leader_id=leader.pk)
    assert _items(leader) == ["审批重点提案"]
    make.act(p, "approve_key", leader)
    assert _titles(leader) == [f"记录督办：{p.number} {p.title}"]
    make.act(p, "record_supervision", leader, kind="site_visit", date=str(timezone.localdate()), findings="实地察看")
    assert _items(leader) == []


def test_overseers_see_overdue_assignments_and_each_overdue_key_proposal(org, category):
    overseer, office = org.users["overseer"], org.users["office"]
    p = make.accepted(org, category)
    make.act(p, "propose_key", office, supervising_leader_id=org.users["leader"].pk)
    make.act(p, "approve_key", org.users["leader"])
    make.accepted(org, category, title="普通提案")
    a = make.assignment_of(p, org.unit)
    assert _items(overseer) == []
    with _on(a.due_date + datetime.timedelta(days=1)):
        items = [(i.title, i.url, i.due) for i in todo_for(overseer) if i.kind == "提案"]
        assert items == [
            (f"重点提案超期未办复（{org.unit.name}）：{p.number} {p.title}", f"/proposals/{p.pk}/", a.due_date),
            ("2 项交办已超期，可催办", "/proposals/boards/?overdue=1", None),
        ]
        assert "2 项交办已超期，可催办" in _titles(office)


@pytest.mark.parametrize("key", ["member", "member2", "office", "leader", "overseer", "unit", "unit-leader", "unit2"])
def test_no_role_sees_a_proposal_twice(org, category, key):
    """A joint proposal at every stage at once, and more: nobody's list names one page twice."""
    for stage in make.STAGES:
        make.joint_proposal_at(org, category, stage)
    p = make.jointly_assigned(org, category, title="两个单位")
    for a in make.assignments_of(p):
        make.act(a, "accept_assignment", make.unit_people(org, a.unit)[0])
    make.act(make.assignment_of(p, org.unit), "draft_reply", org.users["unit"], text="答复", grade="A")
    make.act(
        make.assignment_of(p, org.unit),
        "request_extension",
        org.users["unit"],
        due_date=str(timezone.localdate() + datetime.timedelta(days=120)),
        reason="需协调",
    )
    _no_duplicates(org.users[key])
