"""Activity items on each person's to-do list."""

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoItem, register_todo_provider

from .models import Activity, ActivityState, AttendanceMode, Invitation, LeaveRequest, LeaveState

LIMIT = 20


@register_todo_provider
def activity_todo(user) -> list[TodoItem]:
    roles = roles_of(user)
    now = timezone.now()
    kind = _("活动")
    items: list[TodoItem] = []
    if Role.SECRETARIAT in roles:
        for leave in LeaveRequest.objects.filter(
            state=LeaveState.PENDING, invitation__activity__end__gte=now
        ).select_related("invitation__activity", "invitation__member")[:LIMIT]:
            a = leave.invitation.activity
            items.append(
                TodoItem(
                    _("审批请假：%(m)s（%(t)s）") % {"m": leave.invitation.member, "t": a.title},
                    f"/activities/{a.pk}/",
                    kind,
                    timezone.localdate(a.start),
                )
            )
        for a in Activity.objects.filter(state=ActivityState.PUBLISHED, end__lt=now).order_by("end")[:LIMIT]:
            items.append(
                TodoItem(
                    _("结束活动并确认考勤：%(t)s") % {"t": a.title},
                    f"/activities/{a.pk}/",
                    kind,
                    timezone.localdate(a.end),
                )
            )
    if Role.MEMBER in roles:
        open_sign_up = (
            Invitation.objects.filter(
                member__user=user,
                signed_up_at__isnull=True,
                activity__state=ActivityState.PUBLISHED,
                activity__attendance=AttendanceMode.SIGN_UP,
                activity__start__gt=now,
            )
            .exclude(activity__sign_up_closes__lt=now)
            .select_related("activity")
        )
        for inv in open_sign_up[:LIMIT]:
            a = inv.activity
            due = timezone.localdate(a.sign_up_closes) if a.sign_up_closes else timezone.localdate(a.start)
            items.append(TodoItem(_("可报名：%(t)s") % {"t": a.title}, f"/activities/{a.pk}/", kind, due))
    return items
