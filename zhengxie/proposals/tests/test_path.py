"""The whole path of the issue, through the services: joint proposal → co-sign → register → lead + co-handler →
co-opinion → reply signed → approved → dissatisfied → re-handling → reply again → satisfied → closed."""

import pytest

from tests.builders import proposals as make
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.choices import AssignmentState, ProposalState, Satisfaction
from zhengxie.proposals.models import Evaluation, Proposal, TimelineEntry
from zhengxie.proposals.tests.checks import assert_stored_figures_follow_the_replies

pytestmark = pytest.mark.django_db


def test_whole_path_with_rehandling(org, category):
    u = org.users
    p = make.joint_draft(org, category)
    assert p.state == ProposalState.DRAFT
    p = proposal_act(proposal_id=p.pk, action="submit", actor=u["member"])
    assert p.state == ProposalState.COSIGNING
    assert wf.allowed_proposal_actions(p, u["member2"]) == ["cosign", "decline_cosign"]
    p = proposal_act(proposal_id=p.pk, action="cosign", actor=u["member2"])
    assert p.state == ProposalState.SUBMITTED
    p = proposal_act(proposal_id=p.pk, action="register", actor=u["office"])
    assert p.state == ProposalState.REGISTERED and p.number == f"{p.year}0001"
    p = proposal_act(
        proposal_id=p.pk,
        action="assign",
        actor=u["office"],
        payload={
            "mode": "lead",
            "units": [{"unit_id": org.unit.pk, "role": "lead"}, {"unit_id": org.other_unit.pk, "role": "co"}],
        },
    )
    assert p.state == ProposalState.ASSIGNED
    lead, co = p.assignments.order_by("role")  # "co" < "lead"
    co, lead = (co, lead) if co.role == "co" else (lead, co)
    assignment_act(assignment_id=co.pk, action="accept_assignment", actor=u["unit2"])
    assignment_act(assignment_id=co.pk, action="submit_co_opinion", actor=u["unit2"], payload={"text": "同意"})
    assignment_act(assignment_id=lead.pk, action="accept_assignment", actor=u["unit"])
    assignment_act(
        assignment_id=lead.pk,
        action="record_contact",
        actor=u["unit"],
        payload={"date": str(lead.assigned_at.date()), "way": "phone", "summary": "电话沟通"},
    )
    assignment_act(
        assignment_id=lead.pk, action="draft_reply", actor=u["unit"], payload={"text": "答复……", "grade": "B"}
    )
    with pytest.raises(NotAllowed):
        assignment_act(assignment_id=lead.pk, action="sign_reply", actor=u["unit"])
    assignment_act(assignment_id=lead.pk, action="sign_reply", actor=u["unit-leader"])
    assignment_act(assignment_id=lead.pk, action="approve_reply", actor=u["office"], payload={})
    p.refresh_from_db()
    assert p.state == ProposalState.EVALUATING
    proposal_act(
        proposal_id=p.pk,
        action="evaluate",
        actor=u["member"],
        payload={"satisfaction": "dissatisfied", "comment": "未落实"},
    )
    p = proposal_act(
        proposal_id=p.pk, action="request_rehandling", actor=u["office"], payload={"comment": "请重新办理"}
    )
    assert p.state == ProposalState.REHANDLING
    lead.refresh_from_db()
    assert lead.state == AssignmentState.ACCEPTED and lead.round == 2
    # while it is handled again, the statistics still count the first reply, its grade and its rating
    assert (lead.current_grade, lead.replied_on_time, lead.proposer_rating) == ("B", True, "dissatisfied")
    assert_stored_figures_follow_the_replies()
    assignment_act(
        assignment_id=lead.pk, action="draft_reply", actor=u["unit"], payload={"text": "再次答复", "grade": "A"}
    )
    assignment_act(assignment_id=lead.pk, action="sign_reply", actor=u["unit-leader"])
    assignment_act(assignment_id=lead.pk, action="approve_reply", actor=u["office"])
    p.refresh_from_db()
    assert p.state == ProposalState.EVALUATING
    assert "request_rehandling" not in wf.allowed_proposal_actions(p, u["office"])  # at most once
    proposal_act(proposal_id=p.pk, action="evaluate", actor=u["member"], payload={"satisfaction": "satisfied"})
    p = proposal_act(proposal_id=p.pk, action="close", actor=u["office"])
    assert p.state == ProposalState.CLOSED
    assert list(
        Evaluation.objects.filter(reply__assignment=lead).order_by("id").values_list("satisfaction", flat=True)
    ) == [Satisfaction.DISSATISFIED, Satisfaction.SATISFIED]
    lead.refresh_from_db()
    assert (lead.year, lead.current_grade, lead.proposer_rating) == (p.year, "A", "satisfied")
    assert_stored_figures_follow_the_replies()
    steps = list(TimelineEntry.objects.filter(proposal=p).values_list("action", flat=True))
    for action in [
        "submit",
        "cosign",
        "register",
        "assign",
        "submit_co_opinion",
        "sign_reply",
        "approve_reply",
        "send_for_evaluation",
        "evaluate",
        "request_rehandling",
        "close",
    ]:
        assert action in steps
    kinds = sorted(DutyRecord.objects.values_list("kind", flat=True))
    assert kinds == sorted(
        [DutyKind.PROPOSAL_SUBMITTED, DutyKind.PROPOSAL_REGISTERED_LEAD, DutyKind.PROPOSAL_REGISTERED_COSIGNER]
    )
    assert AuditEntry.objects.filter(action__startswith="proposal.").count() >= 8
    assert Notification.objects.filter(recipient=u["member"], kind="proposal.evaluate").count() == 2


def test_refusals_change_nothing(org, category):
    u = org.users
    p = make.joint_draft(org, category)
    Proposal.objects.filter(pk=p.pk).update(title="")
    before = (AuditEntry.objects.count(), TimelineEntry.objects.count(), Notification.objects.count())
    with pytest.raises(NotVisible):
        proposal_act(proposal_id=p.pk, action="submit", actor=u["office"])  # a draft is its author's alone
    with pytest.raises(NotVisible):
        proposal_act(proposal_id=p.pk, action="submit", actor=u["member2"])  # even for the invited co-signer
    with pytest.raises(InvalidInput) as bad:
        proposal_act(proposal_id=p.pk, action="submit", actor=u["member"])
    assert bad.value.errors == {"title": "请填写案由。"}
    p.refresh_from_db()
    assert p.state == ProposalState.DRAFT
    assert (AuditEntry.objects.count(), TimelineEntry.objects.count(), Notification.objects.count()) == before

    Proposal.objects.filter(pk=p.pk).update(title="标题")
    proposal_act(proposal_id=p.pk, action="submit", actor=u["member"])
    with pytest.raises(NotAllowed):
        proposal_act(proposal_id=p.pk, action="register", actor=u["member2"])  # sees it, may not register
    with pytest.raises(StateConflict):
        proposal_act(proposal_id=p.pk, action="register", actor=u["office"])  # still co-signing
    with pytest.raises(NotVisible):
        proposal_act(proposal_id=p.pk, action="register", actor=u["unit"])  # not assigned to the unit
    p.refresh_from_db()
    assert p.state == ProposalState.COSIGNING and p.number == ""
