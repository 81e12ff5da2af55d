"""Democratic supervision made through the real services: a year's plan with topics, taken through its approval
and publication, and topics brought to each phase with their "five haves" (scheme, group, a held inspection,
findings sent to the department, the department's answers).

``draft_plan`` → ``published_plan``; ``topic_of``; ``organised`` (scheme and group) → ``investigating`` →
``with_research`` (a held inspection linked) → ``with_findings`` (findings drafted and sent) → ``rectifying`` →
``answered`` (every recommendation answered by the department) → ``closed``.
"""

import datetime

from django.utils import timezone

from zhengxie.followup.choices import Source
from zhengxie.followup.services import document_act, recommendation_act, recommendations_for_sources
from zhengxie.supervision.models import SupervisionPlan, SupervisionTopic
from zhengxie.supervision.services import plan_act, plan_create, topic_act

from .activities import held_activity

YEAR = timezone.localdate().year


def draft_plan(org, *, year: int = YEAR, topics=("制造业和服务业高质量发展",)) -> SupervisionPlan:
    staff = org.users["staff"]
    plan = plan_create(actor=staff, year=year)
    for title in topics:
        plan_act(
            plan_id=plan.pk,
            action="add_topic",
            actor=staff,
            payload={"title": title, "form": "inspection", "department_id": org.unit.pk},
        )
    plan.refresh_from_db()
    return plan


def approve(org, plan) -> SupervisionPlan:
    payload = {
        "approved_on": str(timezone.localdate()),
        "approval_body": "政协常委会议",
        "document_number": "新政协发〔2026〕3号",
    }
    return plan_act(plan_id=plan.pk, action="approve", actor=org.users["staff"], payload=payload)


def published_plan(org, **kw) -> SupervisionPlan:
    plan = approve(org, draft_plan(org, **kw))
    plan_act(
        plan_id=plan.pk, action="publish", actor=org.users["staff"], payload={"published_on": str(timezone.localdate())}
    )
    plan.refresh_from_db()
    return plan


def topic_of(plan, index: int = 0) -> SupervisionTopic:
    return list(plan.topics.order_by("sort_order", "pk"))[index]


def act(org, topic, action: str, **payload) -> SupervisionTopic:
    topic_act(topic_id=topic.pk, action=action, actor=org.users["staff"], payload=payload)
    return SupervisionTopic.objects.get(pk=topic.pk)


def organised(org, topic=None) -> SupervisionTopic:
    """Scheme written, group of org.member with the staff account."""
    topic = topic or topic_of(published_plan(org))
    act(org, topic, "write_scheme", scheme="一、监督目的\n二、时间安排")
    return act(org, topic, "set_group", member_ids=[org.member.pk], staff_ids=[org.users["staff"].pk])


def investigating(org, topic=None) -> SupervisionTopic:
    return act(org, organised(org, topic), "start_investigation")


def held_inspection(org, *, days_ago: int = 10):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    return held_activity(
        org, title="视察西部物流园", kind="inspection", start=start, invitees={"member_ids": [org.member.pk]}
    )


def with_research(org, topic=None) -> SupervisionTopic:
    topic = investigating(org, topic)
    return act(org, topic, "link_activity", activity_id=held_inspection(org).pk)


def findings(org, topic, *, lines=("加快多式联运设施建设", "完善园区配套服务")) -> int:
    """Findings drafted on the topic and sent through the follow-up's own ``send``; the document's id."""
    act(
        org,
        topic,
        "draft_findings",
        title=f"关于{topic.title}的监督意见",
        body="监督组经视察调研，提出如下意见。",
        recommendations="\n".join(lines),
        due_date=str(timezone.localdate() + datetime.timedelta(days=60)),
    )
    document_id = _latest_document(topic)
    document_act(
        document_id=document_id,
        action="send",
        actor=org.users["staff"],
        payload={"sent_to": "区委、区政府", "date": str(timezone.localdate())},
    )
    return document_id


def findings_sent(org, topic) -> int:
    """The topic's latest findings (drafted on its page) sent through the follow-up's own ``send``."""
    document_id = _latest_document(topic)
    document_act(
        document_id=document_id,
        action="send",
        actor=org.users["staff"],
        payload={"sent_to": "区委、区政府", "date": str(timezone.localdate())},
    )
    return document_id


def _latest_document(topic) -> int:
    recs = recommendations_for_sources(source=Source.SUPERVISION, source_ids=[topic.pk])[topic.pk]
    return max(r.document_id for r in recs)


def rectifying(org, topic=None) -> SupervisionTopic:
    topic = with_research(org, topic)
    findings(org, topic)
    return act(org, topic, "start_rectification")


def answer_all(org, topic) -> None:
    for rec in recommendations_for_sources(source=Source.SUPERVISION, source_ids=[topic.pk])[topic.pk]:
        if not rec.answered:
            recommendation_act(
                recommendation_id=rec.id,
                action="answer",
                actor=org.users["unit"],
                payload={"status": "adopted", "note": "已制定整改措施，年底前完成。"},
            )


def closable(org, topic=None) -> SupervisionTopic:
    topic = rectifying(org, topic)
    answer_all(org, topic)
    return SupervisionTopic.objects.get(pk=topic.pk)
