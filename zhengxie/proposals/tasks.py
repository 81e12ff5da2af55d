from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import reminders


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
