"""One read model per screen, built once from the reader and the object, rendered by the page and written out by
the API: the plan list, a plan with its topics, a topic with its phases, "five haves", group, activities, findings
and the department's answers."""

import datetime
from dataclasses import dataclass

from zhengxie.core.access import has_perm
from zhengxie.duty.services import ActivitySummary
from zhengxie.followup.services import DocumentSummary, RecommendationSummary, answer_notes_for

from .checklist import Checklist, checklist, facts_for, remember
from .choices import PHASES
from .models import SchemeFile, SupervisionPlan, SupervisionTopic
from .selectors import sees_everything, visible_topics
from .workflow import PLAN, PLAN_PATH_ACTIONS, TOPIC, TOPIC_PATH_ACTIONS


@dataclass(frozen=True)
class Phase:
    code: str
    label: str
    status: str  # "done", "current" or "todo"
    date: datetime.date | None


@dataclass
class TopicRow:
    topic: SupervisionTopic
    checklist: Checklist
    visible: bool  # the reader may open the topic's page

    @property
    def haves_done(self) -> int:
        return sum(1 for i in self.checklist.items if i.done)


@dataclass
class PlanDetail:
    plan: SupervisionPlan
    topics: list[TopicRow]
    allowed_actions: list[str]


@dataclass
class TopicDetail:
    """A topic as its reader sees it: ``answers`` pairs each recommendation with the department's measures."""

    topic: SupervisionTopic
    phases: list[Phase]
    checklist: Checklist
    members: list
    staff: list
    activities: list[ActivitySummary]
    documents: list[DocumentSummary]
    recommendations: list[RecommendationSummary]
    measures: dict[int, str]  # the department's answer to each answered recommendation (its rectification measures)
    scheme_files: list[SchemeFile]
    allowed_actions: list[str]
    manages: bool

    @property
    def answers(self) -> list[tuple[RecommendationSummary, str]]:
        return [(r, self.measures.get(r.id, "")) for r in self.recommendations]


def topic_rows(user, topics: list[SupervisionTopic]) -> list[TopicRow]:
    facts = facts_for(topics)
    everything = sees_everything(user)
    visible = (
        set()
        if everything
        else set(visible_topics(user).filter(pk__in=[t.pk for t in topics]).values_list("pk", flat=True))
    )
    return [TopicRow(t, checklist(t, facts[t.pk]), everything or t.pk in visible) for t in topics]


def plan_detail(user, plan: SupervisionPlan) -> PlanDetail:
    topics = list(SupervisionTopic.objects.filter(plan=plan).select_related("plan", "department"))
    actions = [a for a in PLAN.allowed(plan, user) if a in PLAN_PATH_ACTIONS]
    return PlanDetail(plan=plan, topics=topic_rows(user, topics), allowed_actions=actions)


def phases_of(topic: SupervisionTopic) -> list[Phase]:
    current = PHASES.index(topic.state)
    dates = [None, topic.investigating_on, topic.rectifying_on, topic.closed_on]
    out = []
    for index, phase in enumerate(PHASES):
        status = "done" if index < current or topic.state == PHASES[-1] else "current" if index == current else "todo"
        out.append(Phase(str(phase), str(phase.label), status, dates[index]))
    return out


def topic_detail(user, topic: SupervisionTopic) -> TopicDetail:
    facts = facts_for([topic])[topic.pk]
    checked = remember(topic, facts)
    members = list(topic.members.select_related("sector").order_by("name", "pk"))
    staff = list(topic.staff.order_by("display_name", "pk"))
    actions = [a for a in TOPIC.allowed(topic, user) if a in TOPIC_PATH_ACTIONS or a == "upload_scheme"]
    return TopicDetail(
        topic=topic,
        phases=phases_of(topic),
        checklist=checked,
        members=members,
        staff=staff,
        activities=facts.activities,
        documents=facts.documents,
        recommendations=facts.recommendations,
        measures=answer_notes_for(recommendation_ids=[r.id for r in facts.recommendations if r.answered]),
        scheme_files=list(topic.scheme_files.order_by("uploaded_at", "pk")),
        allowed_actions=actions,
        manages=has_perm(user, "supervision.manage"),
    )
