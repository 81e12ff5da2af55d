"""The one internal call through which every module writes a member's duty: ``duty_record_event``."""

import datetime

from django.db import transaction

from .models import DutyRecord


@transaction.atomic
def duty_record_event(*, member, kind: str, occurred_on: datetime.date, source, source_label: str = "",
                      share_count: int = 1, actor=None, note: str = "") -> DutyRecord | None:
    """Append a ledger row for ``member``. Idempotent per (member, kind, source): an event already recorded and
    not reversed is not recorded twice, so a retried job or a re-run cannot double a member's points."""
    source_type = f"{source._meta.app_label}.{source._meta.model_name}"
    existing = DutyRecord.objects.filter(
        member=member, kind=kind, source_type=source_type, source_id=source.pk, reverses__isnull=True,
        reversed_by__isnull=True,
    )
    if existing.exists():
        return None
    return DutyRecord.objects.create(
        member=member, kind=kind, year=occurred_on.year, occurred_on=occurred_on, source_type=source_type,
        source_id=source.pk, source_label=(source_label or str(source))[:255], share_count=share_count,
        created_by=actor if getattr(actor, "is_authenticated", False) else None, note=note,
    )


@transaction.atomic
def duty_reverse_events(*, source, kind: str | None = None, actor=None, note: str = "") -> int:
    """Cancel the live rows of a source (e.g. a key-proposal designation withdrawn) with reversing rows."""
    source_type = f"{source._meta.app_label}.{source._meta.model_name}"
    live = DutyRecord.objects.filter(source_type=source_type, source_id=source.pk, reverses__isnull=True,
                                     reversed_by__isnull=True)
    if kind:
        live = live.filter(kind=kind)
    n = 0
    for row in live.select_for_update():
        DutyRecord.objects.create(
            member_id=row.member_id, kind=row.kind, year=row.year, occurred_on=row.occurred_on,
            source_type=row.source_type, source_id=row.source_id, source_label=row.source_label,
            share_count=row.share_count, reverses=row, note=note[:255],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        n += 1
    return n
