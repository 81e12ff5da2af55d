"""Duty records of opinion reports: every submission, adoption (per level) and leader's instruction writes one ledger
row for each of the report's authors (the lead member and the confirmed co-authors).

The actions queue a background job (``tasks.py``) once their transaction commits (never for one rolled back); the
job reads the event afresh and writes through ``duty.services.duty_record_event``, which records an event once per
member, kind and source — so a retried or repeated job writes nothing twice. The source is the report for its
submission and
its adoptions (one kind per level, and a level is adopted once), and the instruction row for an instruction (a
report may have several). Joint reports pass how many authors share them (``share_count``), as joint proposals do,
so the rule table's sharing applies."""

from django.db import transaction
from django.utils import timezone

from zhengxie.duty.choices import DutyKind
from zhengxie.duty.services import duty_record_event

from .choices import Level
from .models import Instruction, OpinionReport, ReportLevel
from .selectors import author_members

ADOPTED_KIND = {
    Level.CITY: DutyKind.OPINION_ADOPTED_CITY,
    Level.PROVINCE: DutyKind.OPINION_ADOPTED_PROVINCE,
    Level.NATIONAL: DutyKind.OPINION_ADOPTED_NATIONAL,
}
SUBMITTED, ADOPTED, INSTRUCTION = "submitted", "adopted", "instruction"


def _write(members, *, kind: str, occurred_on, source, label: str) -> int:
    written = 0
    for member in members:
        row = duty_record_event(
            member=member,
            kind=kind,
            occurred_on=occurred_on,
            source=source,
            source_label=label,
            share_count=len(members),
        )
        written += row is not None
    return written


@transaction.atomic
def record(event: str, object_id: int) -> int:
    """Write the duty records of one event (idempotent); returns how many rows were written."""
    if event == SUBMITTED:
        report = OpinionReport.objects.select_related("lead_member").filter(pk=object_id).first()
        if report is None or report.submitted_at is None:
            return 0
        day = timezone.localdate(report.submitted_at)
        return _write(
            author_members(report), kind=DutyKind.OPINION_SUBMITTED, occurred_on=day, source=report, label=str(report)
        )
    if event == ADOPTED:
        level = ReportLevel.objects.select_related("report__lead_member").filter(pk=object_id).first()
        if level is None or level.adopted_on is None:
            return 0
        report = level.report
        return _write(
            author_members(report),
            kind=ADOPTED_KIND[level.level],
            occurred_on=level.adopted_on,
            source=report,
            label=str(report),
        )
    if event == INSTRUCTION:
        row = Instruction.objects.select_related("report__lead_member").filter(pk=object_id).first()
        if row is None:
            return 0
        return _write(
            author_members(row.report),
            kind=DutyKind.LEADER_INSTRUCTION,
            occurred_on=row.date,
            source=row,
            label=f"{row.report}（{row.leader}）",
        )
    raise ValueError(event)
