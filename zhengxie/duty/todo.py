"""Activity and duty items on each person's to-do list, one item per activity (``core.todo.TodoGroups``).

- A member: each published activity they are invited to and can still act on — to sign up (while sign-up is open),
  to attend (required, or signed up; leave can be asked on the same page), to check in (while check-in is open).
  Nothing once they have checked in, asked for leave (the organiser decides) or missed sign-up. From the warning
  day (default 1 October) on, the minimum duties of the year they have not met yet — in one item with what other
  apps find short in the same archive (``services.archive_todo_add``: the study hours, from 1 September), since
  they all lead to the member's archive page.
- The secretariat (the organisers): drafts to publish, leave requests to decide, check-in to run while it is open,
  and activities that have ended to close with their attendance.
- The admin: this year's rule table, when the year has none of its own yet.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider

from .activities import ACTIVITY, conf
from .jobs import warning_day
from .models import (
    Activity,
    ActivityState,
    AttendanceMode,
    Invitation,
    LeaveRequest,
    LeaveState,
    MemberYearScore,
    RuleSet,
)
from .services import archive_todos

LIMIT = 20


def _url(activity_id: int) -> str:
    return f"/activities/{activity_id}/"


def _label(action: str) -> str:
    return str(ACTIVITY[action].label)


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _opens(activity: Activity) -> datetime.datetime:
    return activity.start - datetime.timedelta(minutes=conf("CHECKIN_OPENS_MINUTES_BEFORE"))


def _member_items(user, now, groups: TodoGroups, items: list) -> None:
    asked_leave = LeaveRequest.objects.filter(
        invitation=OuterRef("pk"), state__in=[LeaveState.PENDING, LeaveState.APPROVED]
    )
    invitations = (
        Invitation.objects.filter(
            member__user=user,
            activity__state=ActivityState.PUBLISHED,
            activity__end__gte=now,
            checked_in_at__isnull=True,
        )
        .exclude(Exists(asked_leave))
        .select_related("activity")
        .annotate(taken=Count("activity__invitations", filter=Q(activity__invitations__signed_up_at__isnull=False)))
        .order_by("activity__start", "pk")
    )
    for inv in invitations[:LIMIT]:
        a = inv.activity
        subject = a.title
        if a.attendance == AttendanceMode.SIGN_UP and inv.signed_up_at is None:
            closes = a.sign_up_closes or a.start
            full = a.capacity is not None and inv.taken >= a.capacity
            if now < closes and not full:
                groups.add(_url(a.pk), subject, _label("sign_up"), due=_day(closes))
        elif _opens(a) <= now:
            groups.add(_url(a.pk), subject, _label("check_in"), due=_day(a.end))
        else:
            when = timezone.localtime(a.start).strftime("%m-%d %H:%M")
            groups.add(_url(a.pk), subject, _("参加活动"), detail=when, due=_day(a.start))
    today = timezone.localdate(now)
    archive = []  # what is short in the member's archive of the year: one item for all of it
    if today >= warning_day(today.year):
        score = MemberYearScore.objects.filter(member__user=user, year=today.year).only("missing").first()
        if score is not None and score.missing:
            labels = "、".join(str(m.get("label", "")) for m in score.missing)
            archive.append(
                TodoItem(
                    _("本年度尚未达到的基本履职要求：%(l)s") % {"l": labels},
                    _archive_url(today.year),
                    _("履职"),
                    datetime.date(today.year, 12, 31),
                )
            )
    archive.extend(archive_todos(user, today))
    if len(archive) > 1:
        dues = [i.due for i in archive if i.due is not None]
        archive = [
            TodoItem(
                _("；").join(i.title for i in archive), _archive_url(today.year), _("履职"), min(dues, default=None)
            )
        ]
    items.extend(archive)


def _archive_url(year: int) -> str:
    return f"/activities/archive/?year={year}"


def _organiser_items(now, groups: TodoGroups) -> None:
    for a in Activity.objects.filter(state__in=ACTIVITY["publish"].sources).order_by("start", "pk")[:LIMIT]:
        groups.add(_url(a.pk), a.title, _("待发布"), due=_day(a.start))
    waiting = LeaveRequest.objects.filter(invitation__activity=OuterRef("pk"), state=LeaveState.PENDING)
    pending = (
        Activity.objects.filter(Exists(waiting), state__in=ACTIVITY["decide_leave"].sources, end__gte=now)
        .annotate(n=Count("invitations", filter=Q(invitations__leave__state=LeaveState.PENDING)))
        .order_by("start", "pk")
    )
    for a in pending[:LIMIT]:
        groups.add(_url(a.pk), a.title, _label("decide_leave"), detail=_("%(n)d 人") % {"n": a.n}, due=_day(a.start))
    opens = now + datetime.timedelta(minutes=conf("CHECKIN_OPENS_MINUTES_BEFORE"))
    running = Activity.objects.filter(state=ActivityState.PUBLISHED, start__lte=opens, end__gte=now)
    for a in running.order_by("start", "pk")[:LIMIT]:
        groups.add(_url(a.pk), a.title, _("组织签到"), due=_day(a.end))
    ended = Activity.objects.filter(state__in=ACTIVITY["close"].sources, end__lt=now).order_by("end", "pk")
    for a in ended[:LIMIT]:
        groups.add(_url(a.pk), a.title, _label("close"), due=_day(a.end))


@register_todo_provider
def activity_todo(user) -> list[TodoItem]:
    roles = roles_of(user)
    now = timezone.now()
    items: list[TodoItem] = []
    groups = TodoGroups(_("活动"))  # shared: an organiser who is also invited sees each activity once
    if Role.MEMBER in roles:
        _member_items(user, now, groups, items)
    if Role.SECRETARIAT in roles:
        _organiser_items(now, groups)
    items.extend(groups.items())
    if Role.ADMIN in roles:
        year = timezone.localdate(now).year
        if not RuleSet.objects.filter(year=year).exists():
            items.append(
                TodoItem(_("确认 %(y)d 年度履职积分规则") % {"y": year}, f"/activities/rules/?year={year}", _("履职"))
            )
    return items
