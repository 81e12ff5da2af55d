"""What the study and training screens show, built once from the reader and shared by the pages and the API: the
plan with its execution (planned against held), a training class (hours, courses, attendees' hours), a seminar's
papers, a member's study hours. Reads start from the reader's visible rows (``visible_plans``, ``visible_papers``)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from zhengxie.core.access import has_perm
from zhengxie.duty import services as duty

from .models import AttendeeHours, ItemKind, PlanState, Seminar, SeminarPaper, TrainingClass, TrainingPlan
from .services import class_begun
from .workflow import PAPER, PLAN, is_staff


def visible_plans(user):
    """The secretariat and leaders see every plan; members the published ones."""
    if not has_perm(user, "training.plans"):
        return TrainingPlan.objects.none()
    if is_staff(user) or has_perm(user, "training.shortfall"):
        return TrainingPlan.objects.all()
    return TrainingPlan.objects.filter(state=PlanState.PUBLISHED)


def visible_papers(user):
    """The secretariat sees every paper; a member their own."""
    if is_staff(user):
        return SeminarPaper.objects.all()
    if not user.is_authenticated:
        return SeminarPaper.objects.none()
    return SeminarPaper.objects.filter(author__user=user)


@dataclass
class ItemRow:
    id: int
    kind: str
    kind_label: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    target: str
    planned_hours: Decimal
    activity: object | None  # duty.services.ActivitySummary
    held: bool
    given_hours: Decimal | None
    attendance_rate: int | None  # percent of those expected who attended
    class_id: int | None
    seminar_id: int | None


@dataclass
class PlanDetail:
    plan: TrainingPlan
    items: list[ItemRow]
    allowed_actions: list[str]
    can_manage: bool
    item_count: int
    held_count: int
    planned_hours: Decimal
    given_hours: Decimal
    attendance_rate: int | None


def _target(item) -> str:
    words = str(item.get_target_group_display())
    if item.sector_id:
        return f"{words}：{item.sector.name}"
    if item.special_committee_id:
        return f"{words}：{item.special_committee.name}"
    return words


def plan_detail(user, plan: TrainingPlan) -> PlanDetail:
    items = list(plan.items.select_related("sector", "special_committee", "training_class", "seminar"))
    ids = [i.activity_id for i in items if i.activity_id]
    summaries = duty.activity_summaries(ids=ids)
    counts = duty.activity_attendance_counts(ids=ids)
    rows, expected, present = [], 0, 0
    for item in items:
        summary = summaries.get(item.activity_id) if item.activity_id else None
        held = summary is not None and summary.held
        tc = getattr(item, "training_class", None)
        sem = getattr(item, "seminar", None)
        count = counts.get(item.activity_id) if held else None
        rate = None
        if count and count["expected"]:
            rate = round(100 * count["present"] / count["expected"])
            expected += count["expected"]
            present += count["present"]
        given = None
        if held:
            given = tc.hours if tc is not None else item.planned_hours
        rows.append(
            ItemRow(
                id=item.pk,
                kind=item.kind,
                kind_label=str(item.get_kind_display()),
                title=item.title,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
                target=_target(item),
                planned_hours=item.planned_hours,
                activity=summary,
                held=held,
                given_hours=given,
                attendance_rate=rate,
                class_id=tc.pk if tc is not None and item.kind != ItemKind.SEMINAR else None,
                seminar_id=sem.pk if sem is not None else None,
            )
        )
    return PlanDetail(
        plan=plan,
        items=rows,
        allowed_actions=PLAN.allowed(plan, user),
        can_manage=is_staff(user),
        item_count=len(rows),
        held_count=sum(1 for r in rows if r.held),
        planned_hours=sum((r.planned_hours for r in rows), Decimal(0)),
        given_hours=sum((r.given_hours or Decimal(0) for r in rows), Decimal(0)),
        attendance_rate=round(100 * present / expected) if expected else None,
    )


@dataclass
class AttendeeRow:
    member_id: int
    name: str
    sector: str
    status: str
    status_label: str
    hours: Decimal | None  # the hours given (None: not present, or not closed yet and nothing recorded)
    partial: bool
    note: str


@dataclass
class ClassDetail:
    training_class: TrainingClass
    activity: object
    courses: list
    teachers: list[str]
    attendees: list[AttendeeRow]
    can_manage: bool
    courses_hours: Decimal = field(default=Decimal(0))
    can_remove_courses: bool = False  # the secretariat, before the class is held


def class_detail(user, tc: TrainingClass) -> ClassDetail:
    activity = duty.activity_summaries(ids=[tc.activity_id]).get(tc.activity_id)
    courses = list(tc.courses.all())
    own = {r.member_id: r for r in AttendeeHours.objects.filter(training_class=tc)}
    staff = is_staff(user)
    attendees = []
    if staff:
        for row in duty.activity_attendance(activity_id=tc.activity_id):
            mine = own.get(row["member_id"])
            attended = row["status"] in ("present", "late")
            hours = mine.hours if mine is not None else (tc.hours if attended else None)
            if row["status"] and not attended:
                hours = None
            attendees.append(
                AttendeeRow(
                    member_id=row["member_id"],
                    name=row["name"],
                    sector=row["sector"],
                    status=row["status"],
                    status_label=row["status_label"],
                    hours=hours,
                    partial=mine is not None,
                    note=mine.note if mine is not None else "",
                )
            )
    return ClassDetail(
        training_class=tc,
        activity=activity,
        courses=courses,
        teachers=list(dict.fromkeys(c.teacher for c in courses)),
        attendees=attendees,
        can_manage=staff,
        courses_hours=sum((c.hours for c in courses), Decimal(0)),
        can_remove_courses=staff and not class_begun(activity, timezone.now()),
    )


@dataclass
class PaperRow:
    paper: SeminarPaper
    state_label: str
    allowed_actions: list[str]


@dataclass
class SeminarDetail:
    seminar: Seminar
    activity: object
    papers: list[PaperRow]
    can_submit: bool
    can_manage: bool


def seminar_detail(user, seminar: Seminar) -> SeminarDetail:
    activity = duty.activity_summaries(ids=[seminar.activity_id]).get(seminar.activity_id)
    papers = list(visible_papers(user).filter(seminar=seminar).select_related("author__sector", "author"))
    for p in papers:  # the conditions of the paper's actions read the seminar's state from here (no query each)
        p.seminar_activity_state = activity.state if activity is not None else ""
    rows = [PaperRow(p, str(p.get_state_display()), PAPER.allowed(p, user)) for p in papers]
    can_submit = (
        activity is not None
        and activity.state == "published"
        and duty.activity_invited(activity_id=seminar.activity_id, user=user)
    )
    return SeminarDetail(seminar, activity, rows, can_submit, is_staff(user))
