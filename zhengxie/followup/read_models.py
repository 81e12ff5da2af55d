"""One read model per screen, built from the reader and the object, rendered by the page templates and by the API
schemas alike: a row of a recommendation list, a recommendation with its timeline, a document with its
recommendations and instructions, and the department's page."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.people.principal import units_of

from . import workflow as wf
from .actions import document_url, rec_url
from .choices import OPEN_STATES, RecommendationState, Source
from .models import Evidence, Instruction, OutcomeDocument, Recommendation, RecommendationUpdate
from .selectors import stale_cutoff, stale_q, visible_recommendations

R = RecommendationState
ROW_FIELDS = (
    "id", "text", "document_id", "unit_id", "weight", "due_date", "state", "percent", "year", "source",
    "last_update_at", "document__title", "unit__name", "unit__short_name",
)  # fmt: skip


@dataclass
class ActionItem:
    """A button: the action's name, its words, whether it asks for confirmation, how it is styled."""

    name: str
    label: str
    confirm: str
    style: str
    takes_input: bool
    form: object = None  # the page's form (pages only)
    url: str = ""


@dataclass
class RecommendationRow:
    id: int
    text: str
    document_id: int
    document_title: str
    source: str
    source_label: str
    year: int
    unit_id: int
    unit_name: str
    weight: int
    due_date: datetime.date | None
    state: str
    state_label: str
    percent: int
    last_update_at: datetime.datetime
    stale: bool
    url: str


def recommendation_rows(queryset, *, cutoff: datetime.datetime | None = None) -> list[RecommendationRow]:
    """The rows of a list of recommendations, in one query (plain values: no model instances are built)."""
    cutoff = cutoff or stale_cutoff()
    source_labels = {value: str(label) for value, label in Source.choices}
    state_labels = {value: str(label) for value, label in R.choices}
    out = []
    for (
        pk,
        text,
        document_id,
        unit_id,
        weight,
        due_date,
        state,
        percent,
        year,
        source,
        last_update_at,
        document_title,
        unit_name,
        unit_short_name,
    ) in queryset.values_list(*ROW_FIELDS):
        out.append(
            RecommendationRow(
                id=pk,
                text=text,
                document_id=document_id,
                document_title=document_title,
                source=source,
                source_label=source_labels.get(source, ""),
                year=year,
                unit_id=unit_id,
                unit_name=unit_short_name or unit_name,
                weight=weight,
                due_date=due_date,
                state=state,
                state_label=state_labels.get(state, ""),
                percent=percent,
                last_update_at=last_update_at,
                stale=state in OPEN_STATES and last_update_at < cutoff,
                url=rec_url(pk),
            )
        )
    return out


@dataclass
class EvidenceItem:
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime
    url: str


@dataclass
class TimelineItem:
    at: datetime.datetime
    date: datetime.date
    actor: str
    action: str
    action_label: str
    from_state_label: str
    to_state_label: str
    from_percent: int | None
    to_percent: int | None
    note: str
    evidence: list[EvidenceItem] = field(default_factory=list)


def _state_words(code: str) -> str:
    return str(R(code).label) if code in R.values else ""


def evidence_url(rec_id: int, evidence_id: int) -> str:
    return reverse("followup:evidence", args=[rec_id, evidence_id])


@dataclass
class RecommendationView:
    row: RecommendationRow
    document_state: str
    document_url: str
    source_title: str
    source_url: str
    answer_note: str
    answered_at: datetime.datetime | None
    allowed_actions: list[ActionItem]
    timeline: list[TimelineItem]
    evidence: list[EvidenceItem]
    may_add_evidence: bool


def _actions(flow, obj, user) -> list[ActionItem]:
    return [
        ActionItem(
            name=name,
            label=str(flow[name].label),
            confirm=str(flow[name].confirm or ""),
            style=flow[name].style,
            takes_input=flow[name].takes_input,
        )
        for name in flow.allowed(obj, user)
    ]


def recommendation_view(rec: Recommendation, user) -> RecommendationView:
    """``rec``: one the reader may see (``selectors.visible_recommendations``)."""
    (row,) = recommendation_rows(Recommendation.objects.filter(pk=rec.pk))
    files = list(Evidence.objects.filter(recommendation=rec).only("id", "name", "size", "uploaded_at", "update_id"))
    evidence = [EvidenceItem(e.pk, e.name, e.size, e.uploaded_at, evidence_url(rec.pk, e.pk)) for e in files]
    by_update: dict[int, list[EvidenceItem]] = {}
    for e, item in zip(files, evidence, strict=True):
        if e.update_id is not None:
            by_update.setdefault(e.update_id, []).append(item)
    timeline = [
        TimelineItem(
            at=u.at,
            date=u.date,
            actor=u.actor_label,
            action=u.action,
            action_label=str(wf.RECOMMENDATION.label(u.action) or ""),
            from_state_label=_state_words(u.from_state),
            to_state_label=_state_words(u.to_state),
            from_percent=u.from_percent,
            to_percent=u.to_percent,
            note=u.note,
            evidence=by_update.get(u.pk, []),
        )
        for u in RecommendationUpdate.objects.filter(recommendation=rec).order_by("at", "id")
    ]
    doc = rec.document
    rel = wf.relations_to_recommendation(rec, user)
    return RecommendationView(
        row=row,
        document_state=doc.state,
        document_url=document_url(doc.pk),
        source_title=doc.source_title,
        source_url=doc.source_url,
        answer_note=rec.answer_note,
        answered_at=rec.answered_at,
        allowed_actions=_actions(wf.RECOMMENDATION, rec, user),
        timeline=timeline,
        evidence=evidence,
        may_add_evidence=wf.UNIT in rel and rec.state in (R.PARTLY_ADOPTED, R.ADOPTED, R.IN_PROGRESS, R.DONE),
    )


@dataclass
class InstructionItem:
    id: int
    leader: str
    level: str
    level_label: str
    date: datetime.date
    text: str


@dataclass
class DocumentView:
    id: int
    title: str
    kind: str
    kind_label: str
    source: str
    source_label: str
    source_id: int
    source_title: str
    source_url: str
    year: int
    state: str
    state_label: str
    sent_to: str
    sent_on: datetime.date | None
    body: str
    progress: Decimal | None
    recommendation_count: int
    recommendations: list[RecommendationRow]  # those the reader may see
    instructions: list[InstructionItem]
    allowed_actions: list[ActionItem]
    url: str


def document_view(doc: OutcomeDocument, user) -> DocumentView:
    """``doc``: one the reader may see; of its recommendations only those the reader may see are listed."""
    recs = visible_recommendations(user).filter(document=doc).order_by("position", "id")
    return DocumentView(
        id=doc.pk,
        title=doc.title,
        kind=doc.kind,
        kind_label=str(doc.get_kind_display()),
        source=doc.source,
        source_label=str(doc.get_source_display()),
        source_id=doc.source_id,
        source_title=doc.source_title,
        source_url=doc.source_url,
        year=doc.year,
        state=doc.state,
        state_label=str(doc.get_state_display()),
        sent_to=doc.sent_to,
        sent_on=doc.sent_on,
        body=doc.body,
        progress=doc.progress,
        recommendation_count=doc.recommendation_count,
        recommendations=recommendation_rows(recs),
        instructions=[
            InstructionItem(i.pk, i.leader, i.level, str(i.get_level_display()), i.date, i.text)
            for i in Instruction.objects.filter(document=doc)
        ],
        allowed_actions=_actions(wf.DOCUMENT, doc, user),
        url=document_url(doc.pk),
    )


@dataclass
class DocumentRow:
    id: int
    title: str
    kind_label: str
    source: str
    source_label: str
    source_title: str
    year: int
    state: str
    state_label: str
    sent_on: datetime.date | None
    progress: Decimal | None
    recommendation_count: int
    url: str


def document_rows(queryset) -> list[DocumentRow]:
    return [
        DocumentRow(
            id=d.pk,
            title=d.title,
            kind_label=str(d.get_kind_display()),
            source=d.source,
            source_label=str(d.get_source_display()),
            source_title=d.source_title,
            year=d.year,
            state=d.state,
            state_label=str(d.get_state_display()),
            sent_on=d.sent_on,
            progress=d.progress,
            recommendation_count=d.recommendation_count,
            url=document_url(d.pk),
        )
        for d in queryset.defer("body")
    ]


# The department's page ------------------------------------------------------------------------------------------

TABS = (
    ("to_answer", Q(state=R.NOT_ANSWERED)),
    ("in_progress", Q(state__in=[R.PARTLY_ADOPTED, R.ADOPTED, R.IN_PROGRESS])),
    ("done", Q(state__in=[R.DONE, R.NOT_ADOPTED])),
    ("all", Q()),
)


def tab_labels() -> dict:
    return {
        "to_answer": _("待答复"),
        "in_progress": _("落实中"),
        "stale": _("久未更新"),
        "done": _("已办结"),
        "all": _("全部"),
    }


def department_recommendations(user):
    """The recommendations addressed to the reader's own departments: never another department's, whatever other
    role the reader holds."""
    return Recommendation.objects.filter(unit_id__in=units_of(user))


def department_counts(user, *, year: int | None, cutoff) -> dict[str, int]:
    """Each tab's count, in one query."""
    qs = department_recommendations(user)
    if year:
        qs = qs.filter(year=year)
    aggregates = {key: Count("id", filter=q) for key, q in TABS}
    aggregates["stale"] = Count("id", filter=stale_q(cutoff))
    return qs.aggregate(**aggregates)


def department_filter(user, *, tab: str, year: int | None, cutoff):
    qs = department_recommendations(user)
    if year:
        qs = qs.filter(year=year)
    if tab == "stale":
        return qs.filter(stale_q(cutoff)).order_by("last_update_at", "id")
    return qs.filter(dict(TABS).get(tab, Q())).order_by("-last_update_at", "-id")


def today() -> datetime.date:
    return timezone.localdate()
