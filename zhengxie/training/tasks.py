"""Huey's schedule for the training jobs (``jobs.py``); imported by ``TrainingConfig.ready``."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import jobs


@db_periodic_task(crontab(minute="25", hour="7"))
def training_hours_reminders():
    """07:25 every day: from the reminder day (default 1 September) on, remind members short of the year's study
    hours and give the secretariat the list — each once a year."""
    return jobs.remind_short_of_hours()
