"""Huey's schedule for the deliberation jobs (``services.expire_due``, ``services.remind_before_closing``)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/5"))
def deliberations_expire():
    """Every five minutes: open deliberations past their closing time are closed (``expire``). Posting is refused
    from ``closes_at`` on whatever the job's timing, so the five minutes are only how soon the table says so."""
    return services.expire_due()


@db_periodic_task(crontab(minute="10"))
def deliberations_remind():
    """Every hour: the members invited to a deliberation closing within a day who have not posted, once each."""
    # Reminders go out in daytime, local time (Huey matches crontabs in UTC); a window closing within a day is
    # still caught by one of the daytime runs.
    if not 8 <= timezone.localtime().hour <= 20:
        return 0
    return services.remind_before_closing()
