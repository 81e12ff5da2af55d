from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import stale


@db_periodic_task(crontab(minute="45", hour="6"))
def stale_recommendation_reminders():
    """06:45 every day: remind departments and the secretariat of recommendations gone stale (``stale.py``)."""
    return stale.stale_reminders()
