"""Huey's schedule for the duty jobs (``jobs.py``); imported by ``DutyConfig.ready`` so the consumer registers them."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import jobs


@db_periodic_task(crontab(minute="5", hour="0"))
def duty_year_scores():
    """00:05 every day: every serving member has this year's archive row (on 1 January: the new year's rows)."""
    return jobs.ensure_year_scores()


@db_periodic_task(crontab(minute="15", hour="7"))
def duty_minimum_warnings():
    """07:15 every day (Asia/Shanghai): from the warning day (default 1 October) on, warn members short of a
    minimum duty and give the secretariat the list — each once a year."""
    return jobs.warn_short_of_minimums()


@db_periodic_task(crontab(minute="20", hour="7"))
def duty_alert_flags():
    """07:20 every day: new alerts on members' archives, to the secretariat, each once."""
    return jobs.flag_new_alerts()
