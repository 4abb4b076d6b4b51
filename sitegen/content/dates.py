"""Front matter dates: ISO 8601 with an offset, or without one (a date alone, or a local time) in the site time zone.

Hugo, Zola and Pelican accept `date: 2026-02-12`; so does sitegen: a date alone is midnight at the
start of that day, and a time without an offset is wall-clock time in the site's `timezone`. A
local time that the clocks skip (the spring-forward hour) is an error rather than a silent shift;
one they show twice (the autumn hour) is read as the first of the two, the summer time.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Supported years: every date computation (ISO weeks, offsets, `now` comparisons) is safe inside them,
while `datetime`'s own limits (years 1 and 9999) break week keys and offsets near the edges (issue 17)."""


class LocalTimeError(ValueError):
    """A local time that does not exist in the site time zone (skipped by a clock change)."""


class YearRangeError(ValueError):
    """A date outside the supported years."""


def year_out_of_range(value: datetime) -> str | None:
    """Why `value` is outside the supported years, or `None` when it is inside."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"year {value.year} is outside the supported range ({FIRST_YEAR} to {LAST_YEAR})"


def parse_site_datetime(raw: str, timezone: str) -> datetime:
    """`raw` (ISO 8601) as an aware datetime; a value without an offset is read in `timezone`.

    Raises `ValueError` for text that is not ISO 8601, `YearRangeError` for a year outside
    `FIRST_YEAR`..`LAST_YEAR` (checked before any time zone arithmetic, which overflows near year 1)
    and `LocalTimeError` for a skipped local time.
    """
    value = datetime.fromisoformat(raw.strip())
    if (wrong := year_out_of_range(value)) is not None:
        raise YearRangeError(wrong)
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.replace(tzinfo=_shared(value.tzinfo))
    zone = ZoneInfo(timezone)
    aware = value.replace(tzinfo=zone, fold=0)
    # A wall-clock time inside the spring-forward gap does not survive a round trip through UTC.
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value.replace(tzinfo=None):
        raise LocalTimeError(f"{value:%Y-%m-%d %H:%M} does not exist in {timezone}: the clocks skip that hour")
    return aware


_OFFSETS: dict[tuple[type, object, object], tzinfo] = {}
"""The offsets written in front matter, one object each: `fromisoformat` makes a new one for every date parsed
(120 bytes a page in tracemalloc, at 1,000 bench pages, where every page writes the same one)."""


def _shared(zone: tzinfo) -> tzinfo:
    """The one object for an offset equal to `zone` (same type, offset and name)."""
    key = (type(zone), zone.utcoffset(None), zone.tzname(None))
    return _OFFSETS.setdefault(key, zone)
