"""The supervision workflows: the plan's recorded approval and publication, a topic's phases only as allowed, the
"five haves" condition naming what is missing, and who may take each action (nothing written on refusal)."""

import pytest
from django.utils import timezone

from tests.builders import supervision as make
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.supervision.checklist import topic_checklist
from zhengxie.supervision.models import SupervisionPlan, SupervisionTopic, TopicActivity
from zhengxie.supervision.services import plan_act, plan_create, topic_act
from zhengxie.supervision.workflow import PLAN, TOPIC

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        AuditEntry.objects.count(),
        list(SupervisionPlan.objects.values_list("pk", "state", "approved_on", "document_number", "published_on")),
        list(SupervisionTopic.objects.values_list("pk", "state", "scheme", "investigating_on", "closed_on")),
        TopicActivity.objects.count(),
    )


def test_the_plan_is_approved_with_date_body_and_number_then_published_and_audited(org):
    # given a draft plan with two topics
    plan = make.draft_plan(org, topics=["制造业和服务业高质量发展", "西部物流园建设"])
    assert plan.state == "draft" and plan.topics.count() == 2
    # when the standing committee's approval is recorded and the plan published
    make.approve(org, plan)
    plan_act(plan_id=plan.pk, action="publish", actor=org.users["staff"], payload={"published_on": "2026-02-25"})
    # then each step is stored and audited with who took it
    plan.refresh_from_db()
    assert (plan.state, plan.approval_body, plan.document_number) == (
        "published",
        "政协常委会议",
        "新政协发〔2026〕3号",
    )
    assert plan.approved_on == timezone.localdate()
    assert str(plan.published_on) == "2026-02-25"
    rows = list(
        AuditEntry.objects.filter(object_id=str(plan.pk), object_type="supervision.supervisionplan").order_by("pk")
    )
    assert [r.action for r in rows] == [
        "supervision_plan.create",
        "supervision_plan.add_topic",
        "supervision_plan.add_topic",
        "supervision_plan.approve",
        "supervision_plan.publish",
    ]
    assert {r.actor_id for r in rows} == {org.users["staff"].pk}
    assert rows[3].changes["document_number"] == [None, "新政协发〔2026〕3号"]


def test_a_plan_without_topics_cannot_be_approved_and_an_approved_one_takes_no_topics(org):
    staff = org.users["staff"]
    plan = plan_create(actor=staff, year=2030)
    with pytest.raises(StateConflict) as refused:
        make.approve(org, plan)
    assert refused.value.message == "计划还没有监督议题。"
    plan = make.approve(org, make.draft_plan(org, year=2031))
    before = _snapshot()
    with pytest.raises(StateConflict):
        plan_act(
            plan_id=plan.pk,
            action="add_topic",
            actor=staff,
            payload={"title": "区交通运输局整体工作", "form": "appraisal", "department_id": org.unit.pk},
        )
    assert _snapshot() == before


def test_one_plan_a_year(org):
    make.draft_plan(org, year=2029)
    with pytest.raises(InvalidInput):
        plan_create(actor=org.users["staff"], year=2029)


@pytest.mark.parametrize("role", ["leader", "member", "unit", "office", "admin"])
def test_only_the_secretariat_creates_a_plan(org, role):
    with pytest.raises(NotAllowed):
        plan_create(actor=org.users[role], year=2032)
    assert SupervisionPlan.objects.count() == 0


PLAN_BODIES = {
    "add_topic": {"title": "西部物流园建设", "form": "inspection"},
    "approve": {"approved_on": "2026-02-20", "approval_body": "政协常委会议", "document_number": "3号"},
    "publish": {"published_on": "2026-02-25"},
}


@pytest.mark.parametrize("action", sorted(PLAN_BODIES))
@pytest.mark.parametrize("role", ["leader", "member", "office", "unit"])
def test_plan_actions_are_the_secretariats_and_a_refusal_writes_nothing(org, action, role):
    # given a plan in the action's source state, which leaders and (once published) members may see
    plan = make.draft_plan(org)
    if action == "publish":
        make.approve(org, plan)
    body = dict(PLAN_BODIES[action], department_id=org.unit.pk) if action == "add_topic" else PLAN_BODIES[action]
    before = _snapshot()
    # when another role tries it
    with pytest.raises((NotAllowed, NotVisible)) as refused:
        plan_act(plan_id=plan.pk, action=action, actor=org.users[role], payload=body)
    # then it is refused (403 to the leader who sees the plan, 404 to those who do not) and nothing changed
    assert type(refused.value) is (NotAllowed if role == "leader" else NotVisible)
    assert _snapshot() == before
    # and the secretariat may
    plan_act(plan_id=plan.pk, action=action, actor=org.users["staff"], payload=body)
    assert _snapshot() != before


def test_phases_move_only_in_order(org):
    topic = make.topic_of(make.published_plan(org))
    staff = org.users["staff"]
    for action in ("start_rectification", "close"):
        with pytest.raises(StateConflict) as refused:
            topic_act(topic_id=topic.pk, action=action, actor=staff)
        assert "组织发动" in refused.value.message
    assert TOPIC.allowed(topic, staff) == [
        "write_scheme",
        "upload_scheme",
        "set_group",
        "link_activity",
        "schedule_activity",
    ]


def test_investigation_waits_for_the_published_plan_a_scheme_and_a_group(org):
    staff = org.users["staff"]
    plan = make.approve(org, make.draft_plan(org))
    topic = make.topic_of(plan)
    with pytest.raises(StateConflict) as refused:
        topic_act(topic_id=topic.pk, action="start_investigation", actor=staff)
    assert refused.value.message == "年度民主监督计划尚未印发。"
    plan_act(plan_id=plan.pk, action="publish", actor=staff, payload={"published_on": str(timezone.localdate())})
    with pytest.raises(StateConflict) as refused:
        topic_act(topic_id=topic.pk, action="start_investigation", actor=staff)
    assert refused.value.message == "请先制定实施方案（填写或上传）。"
    make.act(org, topic, "write_scheme", scheme="监督方案")
    with pytest.raises(StateConflict) as refused:
        topic_act(topic_id=topic.pk, action="start_investigation", actor=staff)
    assert refused.value.message == "请先确定监督小组的委员。"
    make.act(org, topic, "set_group", member_ids=[org.member.pk], staff_ids=[])
    topic = make.act(org, topic, "start_investigation")
    assert (topic.state, topic.investigating_on) == ("investigating", timezone.localdate())


def test_rectification_waits_for_research_held_and_findings_sent(org):
    topic = make.investigating(org)
    with pytest.raises(StateConflict) as refused:
        make.act(org, topic, "start_rectification")
    assert refused.value.message == "尚未开展视察调研（关联的活动须已结束）。"
    topic = make.act(org, topic, "link_activity", activity_id=make.held_inspection(org).pk)
    with pytest.raises(StateConflict) as refused:
        make.act(org, topic, "start_rectification")
    assert refused.value.message == "请先形成监督意见并报送被监督单位。"
    make.findings(org, topic)
    assert make.act(org, topic, "start_rectification").state == "rectifying"


def test_closing_is_refused_naming_the_missing_haves_then_allowed(org):
    # given a topic in its last phase whose department has not answered
    topic = make.rectifying(org)
    checklist = topic_checklist(topic)
    assert [(i.label, i.done) for i in checklist.items] == [
        ("有计划", True),
        ("有方案", True),
        ("有调研", True),
        ("有意见", True),
        ("有反馈", False),
    ]
    assert checklist.items[4].detail == "被监督单位尚有 2 条建议未反馈"
    before = _snapshot()
    # when closing it, it is refused with the missing item in words, and nothing is written
    with pytest.raises(StateConflict) as refused:
        make.act(org, topic, "close")
    assert refused.value.message == "“五有”尚未齐全，还缺：有反馈。"
    assert _snapshot() == before
    # when the department answers every recommendation, it closes
    make.answer_all(org, topic)
    assert topic_checklist(SupervisionTopic.objects.get(pk=topic.pk)).complete
    topic = make.act(org, topic, "close")
    assert (topic.state, topic.closed_on) == ("closed", timezone.localdate())
    assert TOPIC.allowed(topic, org.users["staff"]) == []


def test_the_condition_names_every_missing_have(org):
    topic = make.topic_of(make.approve(org, make.draft_plan(org)))
    reason = TOPIC["close"].conditions[0](topic, org.users["staff"], timezone.now())
    assert reason == "“五有”尚未齐全，还缺：有计划、有方案、有调研、有意见、有反馈。"


def test_findings_are_a_followup_document_to_the_supervised_department(org):
    from zhengxie.followup.choices import Source
    from zhengxie.followup.services import documents_for_sources, recommendations_for_sources

    topic = make.investigating(org)
    make.act(
        org,
        topic,
        "draft_findings",
        title="关于制造业发展的监督意见",
        recommendations="1. 加快技术改造\n\n2. 优化营商环境\n",
        due_date="2026-12-31",
    )
    (doc,) = documents_for_sources(source=Source.SUPERVISION, source_ids=[topic.pk])[topic.pk]
    assert (doc.kind, doc.title, doc.recommendation_count, doc.sent_on) == (
        "supervision_findings",
        "关于制造业发展的监督意见",
        2,
        None,
    )
    recs = recommendations_for_sources(source=Source.SUPERVISION, source_ids=[topic.pk])[topic.pk]
    assert [(r.text, r.unit_id, str(r.due_date)) for r in recs] == [
        ("1. 加快技术改造", org.unit.pk, "2026-12-31"),
        ("2. 优化营商环境", org.unit.pk, "2026-12-31"),
    ]


def test_an_unknown_or_cancelled_activity_is_not_linked(org):
    topic = make.investigating(org)
    before = _snapshot()
    with pytest.raises(InvalidInput):
        make.act(org, topic, "link_activity", activity_id=999999)
    assert _snapshot() == before


TOPIC_BODIES = {
    "write_scheme": {"scheme": "方案"},
    "set_group": {"member_ids": [], "staff_ids": []},
    "link_activity": {"activity_id": 1},
    "start_investigation": {},
}


@pytest.mark.parametrize("action", sorted(TOPIC_BODIES))
@pytest.mark.parametrize("role", ["leader", "member", "unit", "office"])
def test_topic_actions_are_the_secretariats_and_a_refusal_writes_nothing(org, action, role):
    # given an organised topic whose group includes org.member (who may see it)
    topic = make.organised(org)
    body = TOPIC_BODIES[action]
    if action == "link_activity":
        body = {"activity_id": make.held_inspection(org).pk}
    before = _snapshot()
    with pytest.raises((NotAllowed, NotVisible)) as refused:
        topic_act(topic_id=topic.pk, action=action, actor=org.users[role], payload=body)
    assert type(refused.value) is (NotAllowed if role in ("leader", "member") else NotVisible)
    assert _snapshot() == before
    topic_act(topic_id=topic.pk, action=action, actor=org.users["staff"], payload=body)
    assert _snapshot() != before


def test_later_topic_actions_are_the_secretariats(org):
    topic = make.rectifying(org)
    make.answer_all(org, topic)
    for role in ("leader", "member"):
        for action in ("close", "draft_findings"):
            with pytest.raises(NotAllowed):
                topic_act(topic_id=topic.pk, action=action, actor=org.users[role], payload={})
    assert SupervisionTopic.objects.get(pk=topic.pk).state == "rectifying"


def test_every_action_is_declared_with_words():
    for flow in (PLAN, TOPIC):
        for step in flow.actions.values():
            assert str(step.label) and not str(step.label).isascii()
