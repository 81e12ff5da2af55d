from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import reminders, statistics


@db_periodic_task(crontab(minute="*/15"))
def lapse_cosign_invitations():
    return reminders.lapse_cosign_invitations()


@db_periodic_task(crontab(minute="*/30"))
def cosign_reminders():
    return reminders.cosign_reminders()


@db_periodic_task(crontab(minute="30", hour="6"))
def daily_proposal_jobs():
    """06:30 every day: auto-accept, due-date reminders, overdue flags, evaluation and follow-up reminders, and on
    Mondays the overseers' weekly digest."""
    return reminders.run_daily()


@db_periodic_task(crontab(minute="5", hour="0"))
def statistics_new_day():
    """00:05 every day: snapshots hold "overdue now" for the day they were computed, so this year's and last
    year's are recomputed for the new day before anyone asks; the change rows are summed up."""
    today = timezone.localdate()
    done = [statistics.refresh_snapshot(statistics.resolve_scope(year=y), today) for y in (today.year, today.year - 1)]
    statistics.compact_changes()
    return done
