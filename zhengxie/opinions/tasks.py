"""Background jobs of opinion reports: the duty records of an event, queued once the action's transaction commits."""

from django.db import transaction
from django_tasks import task

from . import duty_events


@task()
def record_opinion_duty(event: str, object_id: int) -> int:
    """The duty records of one event of an opinion report; safe to retry (``duty_events.record``)."""
    return duty_events.record(event, object_id)


def _enqueue(event: str, object_id: int) -> None:
    transaction.on_commit(lambda: record_opinion_duty.enqueue(event, object_id))


def submitted_on_commit(report_id: int) -> None:
    _enqueue(duty_events.SUBMITTED, report_id)


def adopted_on_commit(level_id: int) -> None:
    _enqueue(duty_events.ADOPTED, level_id)


def instruction_on_commit(instruction_id: int) -> None:
    _enqueue(duty_events.INSTRUCTION, instruction_id)
