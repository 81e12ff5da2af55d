"""Bounded types for the API's filters and bodies, so that a value the database or Python's dates cannot hold is a
422 naming the field when it is sent, never a server error later (an id beyond 64 bits overflows SQLite's INTEGER
and PostgreSQL's bigint; a year beyond 9999 or an instant before year 1 in UTC overflows ``datetime``; NaN, Infinity
and 1e30 overflow a decimal column)."""

import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

# The largest value a 64-bit signed integer column holds (SQLite INTEGER, PostgreSQL bigint).
DB_INT_MAX = 2**63 - 1

# A database id: positive and within 64 bits.
Id = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
# A page's size or offset: the endpoints clamp it to their range, so only what a column cannot hold is refused.
PageNumber = Annotated[int, Field(ge=-DB_INT_MAX, le=DB_INT_MAX)]
# A calendar year Python's dates can represent.
Year = Annotated[int, Field(ge=datetime.MINYEAR, le=datetime.MAXYEAR)]
# A year filtered as a span of instants (``start__year``): its first and last instants, in the committee's zone and
# in UTC, must both be dates Python can hold, which years 1 and 9999 are not in every zone.
InstantYear = Annotated[int, Field(ge=datetime.MINYEAR + 1, le=datetime.MAXYEAR - 1)]
# Counts stored in the database's 32-bit (and smaller) integer columns.
SmallCount = Annotated[int, Field(ge=0, le=32767)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
# Hours as a decimal of at most five digits with one decimal place; NaN and the infinities are refused.
Hours = Annotated[float, Field(allow_inf_nan=False, ge=0, le=9999.9)]


def _representable(value: datetime.datetime) -> datetime.datetime:
    """An instant must convert to UTC (how it is stored) and to any zone it is shown in, within years 1 to 9999."""
    try:
        if value.tzinfo is not None:
            value.astimezone(datetime.UTC)
        # Shown in the committee's zone, at most 14 hours either way from UTC.
        value + datetime.timedelta(days=1)
        value - datetime.timedelta(days=1)
    except OverflowError:
        raise ValueError("date out of range") from None
    return value


Instant = Annotated[datetime.datetime, AfterValidator(_representable)]
