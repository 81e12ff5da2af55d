from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import delivery


@task()
def send_immediate_emails(ids: list[int]) -> int:
    return delivery.deliver_immediate(ids)


@db_periodic_task(crontab(minute="0", hour="7"))
def send_daily_digests():
    """Every morning at 07:00 (Asia/Shanghai, the consumer's local time)."""
    return delivery.deliver_daily_digests()
