"""Scheduled jobs of the activities: the reminder the day before (活动前一天提醒).

The job may run many times a day (and be retried): ``notify``'s ``dedupe_key`` makes each invitee get one reminder
per activity however often it runs, so an activity published on the day before is still reminded of at the next
run."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhengxie.notifications.services import notify

from .activities import expected
from .models import Activity, ActivityState, LeaveState


def _reminded(invitation) -> bool:
    """Those expected to come (required, or signed up) and not excused by an approved leave."""
    leave = invitation.leave if hasattr(invitation, "leave") else None
    return expected(invitation) and (leave is None or leave.state != LeaveState.APPROVED)


def remind_day_before(*, now: datetime.datetime | None = None) -> int:
    """Remind the invitees of published activities starting tomorrow (local date). Returns notifications created."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=tz)
    hi = lo + datetime.timedelta(days=1)
    created = 0
    for activity in Activity.objects.filter(state=ActivityState.PUBLISHED, start__gte=lo, start__lt=hi).order_by("pk"):
        invitations = list(
            activity.invitations.select_related("member__user", "leave").filter(
                member__user__isnull=False, member__user__is_active=True
            )
        )
        for inv in invitations:
            inv.activity = activity
        recipients = [inv.member.user for inv in invitations if _reminded(inv)]
        if not recipients:
            continue
        when = timezone.localtime(activity.start).strftime("%Y-%m-%d %H:%M")
        with transaction.atomic():
            created += len(
                notify(
                    recipients=recipients,
                    kind="activity.reminder",
                    title=_("明天的活动：%(t)s") % {"t": activity.title},
                    body=_("时间：%(w)s；地点：%(p)s。不能参加请尽早请假。") % {"w": when, "p": activity.place},
                    url=f"/activities/{activity.pk}/",
                    dedupe_key=f"activity.reminder.{activity.pk}",
                )
            )
    return created


# Reminders go out in daytime, local time. Huey matches crontabs in UTC unless configured otherwise, so the job runs
# hourly and checks the local hour itself.
REMIND_FROM_HOUR, REMIND_UNTIL_HOUR = 8, 20


def _local_hour() -> int:
    return timezone.localtime().hour


@db_periodic_task(crontab(minute="0"))
def activity_day_before_reminders():
    """Every hour from 08:00 to 20:00 (Asia/Shanghai): the day-before reminders, once per invitee."""
    if not REMIND_FROM_HOUR <= _local_hour() <= REMIND_UNTIL_HOUR:
        return 0
    return remind_day_before()
