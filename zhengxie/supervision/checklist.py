"""The "five haves" (五有) of a supervision topic, computed from what was recorded: 有计划 (the topic is in the
published yearly plan), 有方案 (its scheme written or uploaded), 有调研 (an inspection, research visit or appraisal
meeting held), 有意见 (findings with recommendations sent to the supervised department) and 有反馈 (the department
answered every recommendation). Read for many topics at once: a fixed number of queries however many there are."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengxie.duty.services import ActivitySummary, activity_summaries
from zhengxie.followup.choices import DocumentKind, Source
from zhengxie.followup.services import (
    DocumentSummary,
    RecommendationSummary,
    documents_for_sources,
    recommendations_for_sources,
)

from .choices import Have, PlanState
from .models import SchemeFile, SupervisionTopic, TopicActivity


@dataclass(frozen=True)
class Item:
    have: str
    label: str
    done: bool
    detail: str


@dataclass(frozen=True)
class TopicFacts:
    """What a topic's pages and its checklist read besides the topic: its activities, its outcome documents, how
    many of their recommendations wait for the department's answer, whether a scheme file was uploaded."""

    activities: list[ActivitySummary]
    documents: list[DocumentSummary]
    recommendations: list[RecommendationSummary]
    has_scheme_file: bool

    @property
    def unanswered(self) -> int:
        return sum(1 for r in self.recommendations if not r.answered)

    @property
    def findings(self) -> list[DocumentSummary]:
        return [d for d in self.documents if d.kind == DocumentKind.SUPERVISION_FINDINGS]


@dataclass(frozen=True)
class Checklist:
    items: list[Item]

    @property
    def complete(self) -> bool:
        return all(i.done for i in self.items)

    @property
    def missing(self) -> list[str]:
        return [i.label for i in self.items if not i.done]

    def done(self, have: str) -> bool:
        return next(i.done for i in self.items if i.have == have)


def facts_for(topics) -> dict[int, TopicFacts]:
    ids = [t.pk for t in topics]
    if not ids:
        return {}
    links: dict[int, list[int]] = {i: [] for i in ids}
    for topic_id, activity_id in TopicActivity.objects.filter(topic_id__in=ids).values_list("topic_id", "activity_id"):
        links[topic_id].append(activity_id)
    summaries = activity_summaries(ids=[a for group in links.values() for a in group])
    documents = documents_for_sources(source=Source.SUPERVISION, source_ids=ids)
    recommendations = recommendations_for_sources(source=Source.SUPERVISION, source_ids=ids)
    with_files = set(SchemeFile.objects.filter(topic_id__in=ids).values_list("topic_id", flat=True))
    return {
        i: TopicFacts(
            activities=sorted((summaries[a] for a in links[i] if a in summaries), key=lambda s: (s.start, s.id)),
            documents=list(documents.get(i, [])),
            recommendations=list(recommendations.get(i, [])),
            has_scheme_file=i in with_files,
        )
        for i in ids
    }


def checklist(topic: SupervisionTopic, facts: TopicFacts) -> Checklist:
    plan = topic.plan
    published = plan.state == PlanState.PUBLISHED
    held = [a for a in facts.activities if a.held]
    sent = [d for d in facts.findings if d.sent_on is not None and d.recommendation_count]
    recommendations = sum(d.recommendation_count for d in sent)
    return Checklist(
        [
            Item(
                Have.PLAN,
                str(Have.PLAN.label),
                published,
                _("已列入%(y)d年度民主监督计划（%(body)s审议通过，%(no)s）")
                % {"y": plan.year, "body": plan.approval_body, "no": plan.document_number}
                if published
                else _("年度民主监督计划尚未印发"),
            ),
            Item(
                Have.SCHEME,
                str(Have.SCHEME.label),
                bool(topic.scheme.strip()) or facts.has_scheme_file,
                _("已制定实施方案") if topic.scheme.strip() or facts.has_scheme_file else _("尚未制定实施方案"),
            ),
            Item(
                Have.RESEARCH,
                str(Have.RESEARCH.label),
                bool(held),
                _("已开展视察调研 %(n)d 次") % {"n": len(held)} if held else _("尚未开展视察调研"),
            ),
            Item(
                Have.FINDINGS,
                str(Have.FINDINGS.label),
                bool(sent),
                _("已报送监督意见，含建议 %(n)d 条") % {"n": recommendations}
                if sent
                else _("监督意见尚未形成或尚未报送"),
            ),
            Item(
                Have.FEEDBACK,
                str(Have.FEEDBACK.label),
                bool(sent) and facts.unanswered == 0,
                _("被监督单位已逐条反馈整改情况")
                if sent and facts.unanswered == 0
                else _("被监督单位尚有 %(n)d 条建议未反馈") % {"n": facts.unanswered}
                if sent
                else _("尚无可反馈的监督意见"),
            ),
        ]
    )


def topic_checklist(topic: SupervisionTopic) -> Checklist:
    """The topic's checklist, read once per topic object: the conditions of its steps (asked for the buttons, the
    API's ``allowed_actions`` and the reasons a page shows) all read it. An object lives for one request or one
    action, and an action's conditions are checked before its handler changes anything."""
    cached = getattr(topic, "_zx_checklist", None)
    if cached is None:
        cached = remember(topic, facts_for([topic])[topic.pk])
    return cached


def remember(topic: SupervisionTopic, facts: TopicFacts) -> Checklist:
    """The topic's checklist from facts already read, kept on the object for its conditions."""
    topic._zx_checklist = checklist(topic, facts)
    return topic._zx_checklist
