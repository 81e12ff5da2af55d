"""Working days in China: official holidays and adjusted working weekends (调休) from ``chinesecalendar``, overridden
by admin corrections (CalendarCorrection). For a year the library has no data for, weekends are rest days unless
corrected — the calendar page warns about such years so admins enter the State Council's schedule."""

import calendar
import datetime

import chinese_calendar
from django.db import transaction

from zhengxie.audit.services import audit_record

from .models import CalendarCorrection


def official_data_years() -> range:
    years = sorted(d.year for d in chinese_calendar.holidays)
    return range(years[0], years[-1] + 1)


def _builtin_is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _corrections(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(CalendarCorrection.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))


def is_working_day(day: datetime.date) -> bool:
    corrected = _corrections(day, day).get(day)
    return _builtin_is_working_day(day) if corrected is None else corrected


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date ``n`` working days after ``start`` (n > 0), or before it (n < 0); ``start`` itself is not counted.

    E.g. a 5-working-day window opened on a Friday before a national holiday ends after the holiday.
    """
    if n == 0:
        return start
    step = 1 if n > 0 else -1
    # Long holidays are at most ~9 days; a generous span gets all corrections in one query.
    span = abs(n) * 2 + 30
    lo, hi = sorted((start, start + datetime.timedelta(days=step * span)))
    corrections = _corrections(lo, hi)
    day, remaining = start, abs(n)
    while remaining:
        day += datetime.timedelta(days=step)
        if not lo <= day <= hi:
            corrections.update(_corrections(min(day, lo), max(day, hi)))
            lo, hi = min(day, lo), max(day, hi)
        working = corrections.get(day)
        if working is None:
            working = _builtin_is_working_day(day)
        if working:
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative if end is before start."""
    if end == start:
        return 0
    lo, hi = sorted((start, end))
    corrections = _corrections(lo, hi)
    count = 0
    day = lo
    while day < hi:
        day += datetime.timedelta(days=1)
        working = corrections.get(day)
        if working if working is not None else _builtin_is_working_day(day):
            count += 1
    return count if end > start else -count


def month_days(year: int, month: int) -> list[dict]:
    """Every day of a month with its status and whether an admin corrected it."""
    first = datetime.date(year, month, 1)
    last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    corrections = {c.date: c for c in CalendarCorrection.objects.filter(date__range=(first, last))}
    out = []
    day = first
    while day <= last:
        c = corrections.get(day)
        out.append(
            {
                "date": day,
                "working": c.is_working_day if c else _builtin_is_working_day(day),
                "correction": c,
                "weekend": day.weekday() >= 5,
            }
        )
        day += datetime.timedelta(days=1)
    return out


@transaction.atomic
def correction_set(*, actor, date: datetime.date, is_working_day: bool, note: str) -> CalendarCorrection:
    existing = CalendarCorrection.objects.select_for_update().filter(date=date).first()
    old = None if existing is None else existing.is_working_day
    old_note = None if existing is None else existing.note
    correction, _ = CalendarCorrection.objects.update_or_create(
        date=date, defaults={"is_working_day": is_working_day, "note": note, "created_by": actor}
    )
    audit_record(
        actor=actor,
        action="workdays.set_correction",
        obj=correction,
        changes={"is_working_day": [old, is_working_day], "note": [old_note, note]},
    )
    return correction


@transaction.atomic
def correction_delete(*, actor, correction: CalendarCorrection) -> None:
    audit_record(
        actor=actor,
        action="workdays.delete_correction",
        obj=correction,
        changes={"is_working_day": [correction.is_working_day, None]},
    )
    correction.delete()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day where it is shorter): deadlines "three months on"."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
