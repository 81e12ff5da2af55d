"""Writes of study and training: the yearly plan and its items, the activities that carry them out (made and read
through ``duty.services``), training classes (hours, courses, each attendee's hours), seminars and papers, the
year's required study hours; the handlers of the plan and paper workflows; and the reads other apps may use.

Study hours are duty records (``DutyKind.TRAINING_HOURS``) written by duty when a training activity closes (or its
attendance is corrected), with the hours this app gives each attendee (``attendee_hours``): the class's hours, or
fewer where the organiser recorded the hours actually attended.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.uploads import checked_upload
from zhengxie.duty import services as duty
from zhengxie.duty.choices import DutyKind
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member, Sector, SpecialCommittee

from .models import (
    ACTIVITY_KIND,
    AttendeeHours,
    Course,
    ItemKind,
    PaperState,
    PlanItem,
    PlanState,
    Seminar,
    SeminarPaper,
    StudyRequirement,
    TargetGroup,
    TrainingClass,
    TrainingPlan,
)
from .workflow import PAPER, PLAN, is_staff

DEFAULTS = {
    "REQUIRED_HOURS": 12,  # a year's required study hours when the secretariat has set none
    "REMINDER_MONTH": 9,  # members short of hours are reminded from this day on
    "REMINDER_DAY": 1,
    "PAPER_MAX_BYTES": 20 * 1024 * 1024,
}
MAX_HOURS = Decimal("9999.9")


def conf(name: str):
    return getattr(settings, "TRAINING", {}).get(name, DEFAULTS[name])


def _need_staff(actor, message=None) -> None:
    if not is_staff(actor):
        raise NotAllowed(message or _("只有机关工作人员可以管理学习培训。"))


def _hours(value, key: str = "hours", *, allow_zero: bool = True) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(_("学时应为数字。"), {key: _("应为数字")}) from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS or (hours == 0 and not allow_zero):
        raise InvalidInput(_("学时应在 0.1 至 9999.9 之间。"), {key: _("超出范围")})
    return hours


def _text(value, key: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(_("请填写必填项。"), {key: _("必填")})
    if len(text) > limit:
        raise InvalidInput(_("输入过长（最多 %(n)d 字）。") % {"n": limit}, {key: _("过长")})
    return text


# The plan --------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, year: int, title: str, description: str = "") -> TrainingPlan:
    _need_staff(actor)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("年度无效。"), {"year": _("应在2000至2100之间")})
    title = _text(title, "title", 200)
    if TrainingPlan.objects.filter(year=year).exists():
        raise InvalidInput(_("%(y)d年度的学习培训计划已存在。") % {"y": year}, {"year": _("已存在")})
    plan = TrainingPlan.objects.create(
        year=year, title=title, description=_text(description, "description", 5000, required=False), created_by=actor
    )
    audit_record(
        actor=actor, action="training_plan.create", obj=plan, changes={"year": [None, year], "title": [None, title]}
    )
    return plan


def _date(value, key: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD。"), {key: _("日期格式错误")}) from None


@transaction.atomic
def plan_item_add(*, actor, plan_id: int, data: dict) -> PlanItem:
    """Add an item to a draft plan: ``kind``, ``title``, ``starts_on``, ``ends_on``, ``target_group`` (with
    ``sector_id`` or ``special_committee_id`` for those groups) and ``planned_hours``."""
    _need_staff(actor)
    plan = TrainingPlan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotVisible(_("计划不存在。"))
    if plan.state != PlanState.DRAFT:
        raise StateConflict(_("计划已发布，不能再增加项目。"))
    kind = data.get("kind")
    if kind not in ItemKind.values:
        raise InvalidInput(_("请选择项目类型。"), {"kind": _("必填")})
    group = data.get("target_group")
    if group not in TargetGroup.values:
        raise InvalidInput(_("请选择参加对象。"), {"target_group": _("必填")})
    title = _text(data.get("title"), "title", 200)
    starts_on, ends_on = _date(data.get("starts_on"), "starts_on"), _date(data.get("ends_on"), "ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("结束日期不能早于开始日期。"), {"ends_on": _("早于开始日期")})
    if starts_on.year != plan.year:
        raise InvalidInput(_("项目日期应在计划年度内。"), {"starts_on": _("不在计划年度内")})
    sector = committee = None
    if group == TargetGroup.SECTOR:
        sector = Sector.objects.filter(pk=data.get("sector_id") or 0).first()
        if sector is None:
            raise InvalidInput(_("请选择界别。"), {"sector_id": _("必填")})
    if group == TargetGroup.SPECIAL_COMMITTEE:
        committee = SpecialCommittee.objects.filter(pk=data.get("special_committee_id") or 0).first()
        if committee is None:
            raise InvalidInput(_("请选择专门委员会。"), {"special_committee_id": _("必填")})
    item = PlanItem.objects.create(
        plan=plan,
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        target_group=group,
        sector=sector,
        special_committee=committee,
        planned_hours=_hours(data.get("planned_hours") or 0, "planned_hours"),
    )
    audit_record(
        actor=actor,
        action="training_plan.add_item",
        obj=plan,
        changes={"item": [None, {"title": title, "kind": kind, "planned_hours": str(item.planned_hours)}]},
    )
    return item


def _lock_plan(pk, actor):
    plan = TrainingPlan.objects.select_for_update().filter(pk=pk).first()
    if plan is None or not (is_staff(actor) or plan.state == PlanState.PUBLISHED):
        raise NotVisible(_("计划不存在或您无权查看。"))
    return plan


PLAN.configure(lock=_lock_plan, audit=audit_record)


@PLAN.handler("publish")
def _publish(ctx):
    if not ctx.obj.items.exists():
        raise StateConflict(_("计划还没有项目，不能发布。"))
    ctx.obj.published_at = ctx.now
    ctx.obj.save(update_fields=["published_at"])
    ctx.move(PlanState.PUBLISHED)


def plan_act(*, plan_id: int, action: str, actor, payload: dict | None = None, now=None) -> TrainingPlan:
    return PLAN.perform(pk=plan_id, action=action, actor=actor, payload=payload, now=now)


def _invitees(item: PlanItem) -> dict:
    if item.target_group == TargetGroup.MEMBERS:
        return {"all": True}
    if item.target_group == TargetGroup.SECTOR:
        return {"sector_ids": [item.sector_id]}
    if item.target_group == TargetGroup.SPECIAL_COMMITTEE:
        return {"special_committee_ids": [item.special_committee_id]}
    raise InvalidInput(_("机关干部培训不邀请委员，请关联已有活动。"), {"target_group": _("机关干部")})


def _attach(item: PlanItem, activity_id: int, actor) -> None:
    """The item is carried out by the activity: a class or seminar kind gets its training class or seminar."""
    item.activity_id = activity_id
    item.save(update_fields=["activity_id"])
    if item.kind == ItemKind.SEMINAR:
        Seminar.objects.update_or_create(
            activity_id=activity_id,
            defaults={"plan_item": item},
            create_defaults={"theme": item.title, "plan_item": item, "created_by": actor},
        )
    else:
        TrainingClass.objects.update_or_create(
            activity_id=activity_id,
            defaults={"plan_item": item},
            create_defaults={"hours": item.planned_hours, "plan_item": item, "created_by": actor},
        )


@transaction.atomic
def item_activity_create(*, actor, item_id: int, place: str, start_time: datetime.time = datetime.time(9)) -> PlanItem:
    """Make the item's activity (a draft, for the secretariat to complete and publish): kind training or seminar,
    on the item's dates, inviting its target group."""
    _need_staff(actor)
    item = PlanItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotVisible(_("计划项目不存在。"))
    if item.activity_id:
        raise StateConflict(_("该项目已关联活动。"))
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(item.starts_on, start_time, tzinfo=zone)
    end = datetime.datetime.combine(item.ends_on, datetime.time(17), tzinfo=zone)
    if end <= start:
        end = start + datetime.timedelta(hours=3)
    activity_id = duty.activity_create_for(
        actor=actor,
        title=item.title,
        kind=ACTIVITY_KIND[item.kind],
        start=start,
        end=end,
        place=_text(place, "place", 200),
        invitees=_invitees(item),
    )
    _attach(item, activity_id, actor)
    audit_record(
        actor=actor,
        action="training_plan.link_item",
        obj=item.plan,
        changes={"item": [None, {"title": item.title, "activity": activity_id}]},
    )
    return item


@transaction.atomic
def item_activity_link(*, actor, item_id: int, activity_id: int) -> PlanItem:
    """Link the item to an existing activity of the matching kind."""
    _need_staff(actor)
    item = PlanItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotVisible(_("计划项目不存在。"))
    summary = duty.activity_summaries(ids=[activity_id]).get(activity_id)
    if summary is None:
        raise InvalidInput(_("活动不存在。"), {"activity_id": _("不存在")})
    if summary.kind != ACTIVITY_KIND[item.kind]:
        raise InvalidInput(_("活动类别与项目类型不符。"), {"activity_id": _("类别不符")})
    if PlanItem.objects.filter(activity_id=activity_id).exclude(pk=item.pk).exists():
        raise InvalidInput(_("该活动已关联其他计划项目。"), {"activity_id": _("已关联")})
    old = item.activity_id
    _attach(item, activity_id, actor)
    audit_record(
        actor=actor,
        action="training_plan.link_item",
        obj=item.plan,
        changes={"item": [old, {"title": item.title, "activity": activity_id}]},
    )
    return item


# Training classes ----------------------------------------------------------------------------------------------


def _rerecord_all(tc: TrainingClass, actor) -> None:
    for row in duty.activity_attendance(activity_id=tc.activity_id):
        duty.training_hours_rerecord(
            activity_id=tc.activity_id, member_id=row["member_id"], actor=actor, note=_("学时更正")
        )


@transaction.atomic
def class_set_hours(*, actor, activity_id: int, hours) -> TrainingClass:
    """Make a training activity a class with ``hours``, or change them (attendees already recorded with the full
    hours get the new ones; those given fewer keep theirs, up to the new hours)."""
    _need_staff(actor)
    summary = duty.activity_summaries(ids=[activity_id]).get(activity_id)
    if summary is None or summary.kind != "training":
        raise NotVisible(_("培训活动不存在。"))
    hours = _hours(hours, allow_zero=False)
    tc = TrainingClass.objects.select_for_update().filter(activity_id=activity_id).first()
    old = tc.hours if tc else None
    if tc is None:
        tc = TrainingClass.objects.create(activity_id=activity_id, hours=hours, created_by=actor)
    elif tc.hours != hours:
        tc.hours = hours
        tc.save(update_fields=["hours"])
        tc.attendee_hours.filter(hours__gte=hours).delete()
    if old != hours:
        audit_record(
            actor=actor,
            action="training.set_class_hours",
            obj=tc,
            changes={"hours": [str(old) if old is not None else None, str(hours)]},
        )
        _rerecord_all(tc, actor)
    return tc


@transaction.atomic
def course_add(*, actor, class_id: int, title: str, teacher: str, hours) -> Course:
    _need_staff(actor)
    tc = TrainingClass.objects.filter(pk=class_id).first()
    if tc is None:
        raise NotVisible(_("培训班不存在。"))
    course = Course.objects.create(
        training_class=tc,
        title=_text(title, "title", 200),
        teacher=_text(teacher, "teacher", 100),
        hours=_hours(hours, allow_zero=False),
    )
    audit_record(
        actor=actor,
        action="training.add_course",
        obj=tc,
        changes={"course": [None, {"title": course.title, "teacher": course.teacher, "hours": str(course.hours)}]},
    )
    return course


def class_begun(activity, now: datetime.datetime) -> bool:
    """Whether a class's activity (``duty.ActivitySummary``) is being or has been held: closed, or begun and not
    cancelled. Its courses are fixed from then on."""
    if activity is None:
        return False
    return activity.held or (activity.state != "cancelled" and activity.start <= now)


@transaction.atomic
def course_remove(*, actor, course_id: int, now=None) -> Course:
    """Remove a course from a class before the class is held: refused once its activity has begun or closed (the
    course was given; the attendees' hours stand)."""
    _need_staff(actor)
    course = Course.objects.select_related("training_class").filter(pk=course_id).first()
    if course is None:
        raise NotVisible(_("课程不存在。"))
    tc = TrainingClass.objects.select_for_update().get(pk=course.training_class_id)
    summary = duty.activity_summaries(ids=[tc.activity_id]).get(tc.activity_id)
    if class_begun(summary, now or timezone.now()):
        raise StateConflict(
            _("培训班已于%(d)s开始举办，课程不能再删除。")
            % {"d": timezone.localtime(summary.start).strftime("%Y-%m-%d %H:%M")}
        )
    gone = {"title": course.title, "teacher": course.teacher, "hours": str(course.hours)}
    course.delete()
    audit_record(actor=actor, action="training.remove_course", obj=tc, changes={"course": [gone, None]})
    return course


@transaction.atomic
def attendee_hours_set(*, actor, class_id: int, member_id: int, hours, note: str = "") -> Decimal:
    """Record the hours an attendee actually attended (late, left early, some courses only): from 0 to the class's
    hours; the class's hours again means full attendance. Once the activity has closed, the attendee's study-hours
    record is reversed and written again with these hours — exactly once, however often the same hours are sent."""
    _need_staff(actor)
    tc = TrainingClass.objects.select_for_update().filter(pk=class_id).first()
    if tc is None:
        raise NotVisible(_("培训班不存在。"))
    hours = _hours(hours)
    if hours > tc.hours:
        raise InvalidInput(_("实际学时不能超过培训班学时（%(h)s）。") % {"h": tc.hours}, {"hours": _("超过培训班学时")})
    if not any(r["member_id"] == member_id for r in duty.activity_attendance(activity_id=tc.activity_id)):
        raise InvalidInput(_("该委员不在本培训班的邀请范围内。"), {"member_id": _("不是受邀委员")})
    row = AttendeeHours.objects.filter(training_class=tc, member_id=member_id).first()
    old = row.hours if row else tc.hours
    if hours == tc.hours:
        if row is not None:
            row.delete()
    elif row is None:
        AttendeeHours.objects.create(
            training_class=tc, member_id=member_id, hours=hours, note=note[:200], recorded_by=actor
        )
    else:
        row.hours, row.note, row.recorded_by = hours, note[:200], actor
        row.save(update_fields=["hours", "note", "recorded_by", "recorded_at"])
    if old != hours:
        audit_record(
            actor=actor,
            action="training.set_attendee_hours",
            obj=tc,
            changes={
                "attendee_hours": [{"member": member_id, "hours": str(old)}, {"member": member_id, "hours": str(hours)}]
            },
        )
    duty.training_hours_rerecord(activity_id=tc.activity_id, member_id=member_id, actor=actor, note=_("学时更正"))
    return hours


def attendee_hours(activity_id: int, member_id: int) -> Decimal | None:
    """The hours an attendee present gets at a training activity (duty asks when it writes them), or ``None`` for
    an activity that is no class of this app."""
    tc = TrainingClass.objects.filter(activity_id=activity_id).only("pk", "hours").first()
    if tc is None:
        return None
    own = AttendeeHours.objects.filter(training_class=tc, member_id=member_id).values_list("hours", flat=True).first()
    return tc.hours if own is None else own


# Seminars and papers -------------------------------------------------------------------------------------------


@transaction.atomic
def seminar_create(*, actor, activity_id: int, theme: str) -> Seminar:
    """Make a seminar activity collect papers."""
    _need_staff(actor)
    summary = duty.activity_summaries(ids=[activity_id]).get(activity_id)
    if summary is None or summary.kind != "seminar":
        raise NotVisible(_("理论研讨活动不存在。"))
    theme = _text(theme, "theme", 200)
    seminar, made = Seminar.objects.get_or_create(
        activity_id=activity_id, defaults={"theme": theme, "created_by": actor}
    )
    if made:
        audit_record(actor=actor, action="training.create_seminar", obj=seminar, changes={"theme": [None, theme]})
    return seminar


@transaction.atomic
def paper_submit(
    *, actor, seminar_id: int, title: str, abstract: str, name: str = "", data: bytes = b""
) -> SeminarPaper:
    """A member invited to the seminar submits a paper (title, abstract, and a file: PDF or Word)."""
    member = Member.objects.filter(user=actor, status=MemberStatus.SERVING).first() if actor.is_authenticated else None
    if member is None:
        raise NotAllowed(_("只有委员可以提交研讨论文。"))
    seminar = Seminar.objects.filter(pk=seminar_id).first()
    if seminar is None or not duty.activity_invited(activity_id=seminar.activity_id, user=actor):
        raise NotVisible(_("理论研讨会不存在或您不在邀请范围内。"))
    summary = duty.activity_summaries(ids=[seminar.activity_id])[seminar.activity_id]
    if summary.state not in ("published",):
        raise StateConflict(_("本次理论研讨已不再征集论文。"))
    paper = SeminarPaper(
        seminar=seminar,
        author=member,
        title=_text(title, "title", 200),
        abstract=_text(abstract, "abstract", 5000),
    )
    if data or name:
        upload = checked_upload(name=name, data=data, max_bytes=conf("PAPER_MAX_BYTES"))
        paper.file_name, paper.content_type, paper.size, paper.sha256 = (
            upload.name,
            upload.content_type,
            upload.size,
            upload.sha256,
        )
        upload.store(paper.file)
    paper.save()
    audit_record(
        actor=actor,
        action="seminar_paper.submit",
        obj=paper,
        changes={"title": [None, paper.title], "file_name": [None, paper.file_name or None]},
    )
    return paper


def _lock_paper(pk, actor):
    paper = SeminarPaper.objects.select_for_update().filter(pk=pk).first()
    if paper is None:
        raise NotVisible(_("论文不存在或您无权查看。"))
    paper = SeminarPaper.objects.select_related("author", "seminar").get(pk=paper.pk)
    if not (is_staff(actor) or paper.author.user_id == getattr(actor, "pk", None)):
        raise NotVisible(_("论文不存在或您无权查看。"))
    return paper


PAPER.configure(lock=_lock_paper, audit=audit_record)


@PAPER.handler("review")
def _review(ctx):
    paper = ctx.obj
    paper.review_comment = ctx.data.comment
    paper.reviewed_by, paper.reviewed_at = ctx.actor, ctx.now
    paper.save(update_fields=["review_comment", "reviewed_by", "reviewed_at"])
    ctx.move(PaperState.ACCEPTED if ctx.data.decision == "accept" else PaperState.REJECTED)
    ctx.changes["review_comment"] = [None, paper.review_comment]


@PAPER.handler("reconsider")
def _reconsider(ctx):
    """The review decision is withdrawn: the paper waits for review again (the earlier decision and comment stay in
    the audit trail, with the reason)."""
    paper = ctx.obj
    ctx.changes["review_comment"] = [paper.review_comment, ""]
    ctx.changes["reason"] = [None, ctx.data.reason]
    paper.review_comment, paper.reviewed_by, paper.reviewed_at = "", None, None
    paper.save(update_fields=["review_comment", "reviewed_by", "reviewed_at"])
    ctx.move(PaperState.SUBMITTED)


@PAPER.handler("select")
def _select(ctx):
    paper = ctx.obj
    paper.selected_at = ctx.now
    paper.save(update_fields=["selected_at"])
    ctx.move(PaperState.SELECTED)
    duty.duty_record_event(
        member=paper.author,
        kind=DutyKind.SEMINAR_PAPER_SELECTED,
        occurred_on=ctx.today,
        source=paper,
        source_label=f"{paper.seminar.theme}：{paper.title}"[:255],
        actor=ctx.actor,
    )


def paper_act(*, paper_id: int, action: str, actor, payload: dict | None = None, now=None) -> SeminarPaper:
    return PAPER.perform(pk=paper_id, action=action, actor=actor, payload=payload, now=now)


# Study hours ---------------------------------------------------------------------------------------------------


def required_hours(year: int) -> Decimal:
    row = StudyRequirement.objects.filter(year=year).values_list("hours", flat=True).first()
    return Decimal(str(conf("REQUIRED_HOURS"))) if row is None else row


@transaction.atomic
def requirement_set(*, actor, year: int, hours) -> StudyRequirement:
    _need_staff(actor, _("只有机关工作人员可以设置年度学时要求。"))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("年度无效。"), {"year": _("应在2000至2100之间")})
    hours = _hours(hours)
    old = required_hours(year)
    row, _made = StudyRequirement.objects.update_or_create(year=year, defaults={"hours": hours, "updated_by": actor})
    audit_record(actor=actor, action="training.set_requirement", obj=row, changes={"hours": [str(old), str(hours)]})
    return row


def member_study_hours(*, member, year: int) -> dict:
    hours = duty.study_hours(year=year, member_ids=[member.pk]).get(member.pk, Decimal(0))
    required = required_hours(year)
    return {
        "year": year,
        "hours": hours,
        "required": required,
        "short": max(Decimal(0), required - hours),
        "met": hours >= required,
    }


@dataclass(frozen=True)
class ShortMember:
    """A member as the shortfall list shows them."""

    pk: int
    name: str
    sector_name: str
    user_id: int | None


def short_of_hours(*, year: int) -> list[dict]:
    """Serving members below the year's required hours, by sector and name, with their hours: ``{"member":
    ShortMember, "hours", "required", "short"}``. Plain values, not model rows: a member's encrypted personal
    fields are never read for the list."""
    required = required_hours(year)
    members = (
        Member.objects.filter(status=MemberStatus.SERVING)
        .order_by("sector__sort_order", "name", "pk")
        .values_list("pk", "name", "sector__name", "user_id")
    )
    hours = duty.study_hours(year=year)
    out = []
    for pk, name, sector_name, user_id in members:
        got = hours.get(pk, Decimal(0))
        if got < required:
            out.append(
                {
                    "member": ShortMember(pk, name, sector_name, user_id),
                    "hours": got,
                    "required": required,
                    "short": required - got,
                }
            )
    return out


def archive_section(*, member, year: int, user) -> dict:
    """The study hours part of the member's annual archive page."""
    figures = member_study_hours(member=member, year=year)
    return {
        "key": "study_hours",
        "title": _("学习培训学时"),
        "rows": [
            {"label": _("已完成学时"), "value": plain(figures["hours"])},
            {"label": _("年度应完成学时"), "value": plain(figures["required"])},
        ],
        "met": figures["met"],
        "figures": {key: plain(figures[key]) for key in ("hours", "required", "short")},
        "url": reverse("training:plan_list"),
        "url_label": _("查看年度学习培训计划"),
    }


def plain(value) -> str:
    text = f"{Decimal(str(value)):f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) or "0"


def paper_links(user, ids: set[int]) -> dict[int, str]:
    """Links of the duty ledger to papers (registered with duty): the seminar's papers page."""
    rows = SeminarPaper.objects.filter(pk__in=ids).select_related("author").only("pk", "seminar_id", "author__user_id")
    return {
        p.pk: reverse("training:seminar_detail", args=[p.seminar_id])
        for p in rows
        if is_staff(user) or p.author.user_id == getattr(user, "pk", None)
    }


def class_links(user, ids: set[int]) -> dict[int, str]:
    """Links of the duty ledger to training classes (registered with duty)."""
    return {
        pk: reverse("training:class_detail", args=[pk])
        for pk in TrainingClass.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }
