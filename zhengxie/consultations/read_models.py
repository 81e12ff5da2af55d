"""One read model per screen, built from the reader and the objects, rendered by the page and written out by the API.

- ``plan_detail``: a plan version with its steps, items (each with its consultation's stage and progress), the other
  versions, the difference from another version (items added, removed and changed field by field), the plan's
  progress and the reader's actions.
- ``consultation_detail``: a consultation with its stages, materials, research group and visits, meeting, outcome
  documents (from the follow-up), date warnings in working days and the reader's actions.

Progress: a consultation's is the follow-up's weighted average over its documents' recommendations
(``followup.services.progress_for_sources``); a plan's is the average of its items' progress over the items that
have one (an item whose consultation has no counted recommendation yet has none and is left out), ``None`` when no
item has one.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.duty.services import activity_notices, activity_summaries
from zhengxie.followup import services as followup
from zhengxie.followup.choices import Source
from zhengxie.workdays.services import add_working_days

from .actions import source_of
from .choices import ConsultationKind, ConsultationState, Form
from .models import Consultation, ConsultationPlan, PlanItem
from .selectors import versions_of
from .workflow import CONSULTATION, PLAN

TENTH = Decimal("0.1")
NOTICE_DAYS, MATERIALS_DAYS, OUTCOME_DAYS = 15, 10, 7
OPEN_STATES = (
    ConsultationState.TOPIC,
    ConsultationState.BRIEFING,
    ConsultationState.RESEARCH,
    ConsultationState.MEETING,
    ConsultationState.OUTCOME,
)
# The fields of an item compared between versions, with their words.
DIFF_FIELDS = ("form", "topic", "background", "lead_committee", "counterpart", "planned_month")


def _words(item: PlanItem, name: str) -> str:
    if name == "form":
        return str(Form(item.form).label)
    if name == "lead_committee":
        return item.lead_committee.name if item.lead_committee_id else "—"
    if name == "planned_month":
        return _("%(m)d月") % {"m": item.planned_month}
    return getattr(item, name) or "—"


def field_label(name: str) -> str:
    return str(PlanItem._meta.get_field(name).verbose_name)


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class ItemChange:
    lineage: int
    topic: str
    changes: list[FieldChange]


@dataclass
class PlanDiff:
    """The difference between two versions of a plan: ``base`` → ``plan``."""

    base_id: int
    base_version: int
    added: list[PlanItem]
    removed: list[PlanItem]
    changed: list[ItemChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def plan_diff(base: ConsultationPlan, plan: ConsultationPlan, base_items=None, items=None) -> PlanDiff:
    base_items = list(base.items.all()) if base_items is None else base_items
    items = list(plan.items.all()) if items is None else items
    old = {i.lineage: i for i in base_items}
    new = {i.lineage: i for i in items}
    changed = []
    for lineage, item in new.items():
        before = old.get(lineage)
        if before is None:
            continue
        diffs = [
            FieldChange(name, field_label(name), _words(before, name), _words(item, name))
            for name in DIFF_FIELDS
            if _words(before, name) != _words(item, name)
        ]
        if diffs:
            changed.append(ItemChange(lineage, item.topic, diffs))
    return PlanDiff(
        base_id=base.pk,
        base_version=base.version,
        added=[i for lineage, i in new.items() if lineage not in old],
        removed=[i for lineage, i in old.items() if lineage not in new],
        changed=changed,
    )


def average(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def progress_by_lineage(lineages) -> dict[int, tuple[Consultation, Decimal | None]]:
    """Each item lineage's (live) consultation and its progress (two queries per source kind)."""
    consultations = list(
        Consultation.objects.filter(lineage__in=[x for x in lineages if x]).exclude(state=ConsultationState.CANCELLED)
    )
    progress = consultation_progress(consultations)
    return {c.lineage: (c, progress.get(c.pk)) for c in consultations}


def consultation_progress(consultations) -> dict[int, Decimal | None]:
    out: dict[int, Decimal | None] = {}
    for source in (Source.CONSULTATION, Source.RESEARCH_REPORT):
        ids = [c.pk for c in consultations if source_of(c) == source]
        if ids:
            out.update(followup.progress_for_sources(source=source, source_ids=ids))
    return out


@dataclass
class ItemRow:
    item: PlanItem
    consultation: Consultation | None
    progress: Decimal | None

    @property
    def status(self) -> str:
        """The item's status, from its consultation: not started, the consultation's stage, completed."""
        if self.consultation is None:
            return _("未启动")
        return str(self.consultation.get_state_display())


@dataclass
class PlanDetail:
    plan: ConsultationPlan
    items: list[ItemRow]
    steps: list
    versions: list[ConsultationPlan]
    diff: PlanDiff | None
    progress: Decimal | None
    allowed_actions: list[str]
    manages: bool


def plan_progress(plan: ConsultationPlan, items=None) -> Decimal | None:
    items = list(plan.items.all()) if items is None else items
    found = progress_by_lineage([i.lineage for i in items])
    return average(found[i.lineage][1] if i.lineage in found else None for i in items)


def plan_detail(user, plan: ConsultationPlan, *, compare_with: ConsultationPlan | None = None) -> PlanDetail:
    items = list(plan.items.all())
    found = progress_by_lineage([i.lineage for i in items])
    rows = [ItemRow(i, *found.get(i.lineage, (None, None))) for i in items]
    base = compare_with or plan.previous
    diff = None
    if base is not None and base.pk != plan.pk and base.year == plan.year:
        diff = plan_diff(base, plan, items=items)
    allowed = PLAN.allowed(plan, user)
    return PlanDetail(
        plan=plan,
        items=rows,
        steps=list(plan.steps.all()),
        versions=versions_of(user, plan),
        diff=diff,
        progress=average(r.progress for r in rows),
        allowed_actions=allowed,
        manages=bool(PLAN.relations(plan, user)),
    )


# Consultations ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateWarning:
    """A date rule of the meeting broken, in working days: what was due, by when, and when it was done (or not)."""

    code: str
    message: str
    due: datetime.date
    done_on: datetime.date | None


def _late(code, what_late, what_missing, due, done_on, today) -> DateWarning | None:
    if done_on is not None:
        if done_on <= due:
            return None
        message = what_late % {"due": due.isoformat(), "done": done_on.isoformat()}
    else:
        if today <= due:
            return None
        message = what_missing % {"due": due.isoformat()}
    return DateWarning(code, message, due, done_on)


def consultation_warnings(
    *, meeting_day: datetime.date, notice_on, materials_on, outcome_sent_on, today: datetime.date
) -> list[DateWarning]:
    """The meeting's notice 15 and its materials 10 working days ahead; the outcome sent within 7 working days
    after it (``workdays.services``: holidays and adjusted working weekends count as the calendar says)."""
    checks = [
        _late(
            "notice",
            _("会议通知应于%(due)s前发出（会前15个工作日），实际%(done)s发出。"),
            _("会议通知应于%(due)s前发出（会前15个工作日），尚未发出。"),
            add_working_days(meeting_day, -NOTICE_DAYS),
            notice_on,
            today,
        ),
        _late(
            "materials",
            _("会议材料应于%(due)s前送达（会前10个工作日），实际%(done)s上传。"),
            _("会议材料应于%(due)s前送达（会前10个工作日），尚未上传。"),
            add_working_days(meeting_day, -MATERIALS_DAYS),
            materials_on,
            today,
        ),
    ]
    if today > meeting_day or outcome_sent_on is not None:
        checks.append(
            _late(
                "outcome",
                _("协商成果应于%(due)s前报送（会后7个工作日），实际%(done)s报送。"),
                _("协商成果应于%(due)s前报送（会后7个工作日），尚未报送。"),
                add_working_days(meeting_day, OUTCOME_DAYS),
                outcome_sent_on,
                today,
            )
        )
    return [w for w in checks if w is not None]


@dataclass
class ConsultationDetail:
    consultation: Consultation
    stages: list[tuple[str, str, str]]  # (code, words, "done" / "current" / "todo")
    group: list
    visits: list
    meeting: object | None
    notice_on: datetime.date | None
    materials: dict[str, list]
    documents: list
    progress: Decimal | None
    warnings: list[DateWarning]
    allowed_actions: list[str] = field(default_factory=list)


STAGES = [
    ConsultationState.TOPIC,
    ConsultationState.BRIEFING,
    ConsultationState.RESEARCH,
    ConsultationState.MEETING,
    ConsultationState.OUTCOME,
    ConsultationState.CLOSED,
]


def _stages(c: Consultation) -> list[tuple[str, str, str]]:
    if c.state == ConsultationState.CANCELLED:
        return [(s.value, str(s.label), "todo") for s in STAGES]
    at = STAGES.index(ConsultationState(c.state))
    return [
        (
            s.value,
            str(s.label),
            "done" if n < at or c.state == ConsultationState.CLOSED else "current" if n == at else "todo",
        )
        for n, s in enumerate(STAGES)
    ]


def first_meeting_material(c: Consultation):
    days = [timezone.localdate(m.uploaded_at) for m in c.materials.all() if m.stage == ConsultationState.MEETING]
    return min(days) if days else None


def warnings_for(c: Consultation, *, meeting, notice, documents, today) -> list[DateWarning]:
    if meeting is None or meeting.state == "cancelled" or c.state == ConsultationState.CANCELLED:
        return []
    sent = [d.sent_on for d in documents if d.sent_on]
    return consultation_warnings(
        meeting_day=timezone.localdate(meeting.start),
        notice_on=timezone.localdate(notice.published_at) if notice and notice.published_at else None,
        materials_on=first_meeting_material(c),
        outcome_sent_on=min(sent) if sent else None,
        today=today,
    )


def consultation_detail(user, c: Consultation, *, today=None) -> ConsultationDetail:
    today = today or timezone.localdate()
    visit_ids = [v.activity_id for v in c.visits.all()]
    ids = visit_ids + ([c.meeting_activity_id] if c.meeting_activity_id else [])
    summaries = activity_summaries(ids=ids)
    notices = activity_notices(ids=ids)
    meeting = summaries.get(c.meeting_activity_id) if c.meeting_activity_id else None
    notice = notices.get(c.meeting_activity_id) if c.meeting_activity_id else None
    source = source_of(c)
    documents = followup.documents_for_sources(source=source, source_ids=[c.pk]).get(c.pk, [])
    progress = followup.progress_for_sources(source=source, source_ids=[c.pk]).get(c.pk)
    materials: dict[str, list] = {}
    for m in c.materials.all():
        materials.setdefault(m.stage, []).append(m)
    return ConsultationDetail(
        consultation=c,
        stages=_stages(c),
        group=list(c.group.all()),
        visits=[(summaries.get(i), notices.get(i)) for i in visit_ids if i in summaries],
        meeting=meeting,
        notice_on=timezone.localdate(notice.published_at) if notice and notice.published_at else None,
        materials=materials,
        documents=documents,
        progress=progress,
        warnings=warnings_for(c, meeting=meeting, notice=notice, documents=documents, today=today),
        allowed_actions=CONSULTATION.allowed(c, user),
    )


@dataclass
class ConsultationRow:
    consultation: Consultation
    progress: Decimal | None


def consultation_rows(consultations) -> list[ConsultationRow]:
    consultations = list(consultations)
    progress = consultation_progress(consultations)
    return [ConsultationRow(c, progress.get(c.pk)) for c in consultations]


def is_key_research(c: Consultation) -> bool:
    return c.kind == ConsultationKind.KEY_RESEARCH
