"""`sitegen status`: drafts, scheduled (future-dated) pages and the next instant a rebuild publishes something.

A scheduled page only appears when something rebuilds after its instant (features.md §0.9), so the
listing gives every instant in the site time zone with its abbreviation and UTC offset: a wrong
offset (winter +02:00 written for a summer date) shows up here instead of silently moving the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.build import BuildOptions, load_site


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """A page that is not on the site yet."""

    rel_path: str
    """Relative to the site folder: `seeds/2026/03/x.md`."""
    title: str
    date: datetime
    """In the site time zone."""


@dataclass(frozen=True, slots=True)
class StatusReport:
    """What `sitegen status` knows at one instant."""

    now: datetime
    published: int
    drafts: tuple[PlannedPage, ...]
    """By file."""
    scheduled: tuple[PlannedPage, ...]
    """Not drafts, dated after `now`; soonest first."""

    @property
    def next_publish(self) -> datetime | None:
        """The first instant after `now` at which a rebuild adds a page, if any."""
        return self.scheduled[0].date if self.scheduled else None

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        if not self.drafts and not self.scheduled:
            return [f"nothing to report: no drafts and no scheduled pages ({self.published} published)"]
        lines = [f"drafts: {len(self.drafts)}" if self.drafts else "drafts: none"]
        lines += [f"  {p.rel_path}  {p.title}" for p in self.drafts]
        lines.append(f"scheduled: {len(self.scheduled)}" if self.scheduled else "scheduled: none")
        lines += [f"  {format_instant(p.date)}  {p.rel_path}  {p.title}" for p in self.scheduled]
        when = self.next_publish
        if when is None:
            lines.append("next publish: nothing scheduled")
        else:
            # In UTC: two datetimes of one ZoneInfo subtract as wall times, an hour off across a DST change.
            delay = when.astimezone(UTC) - self.now.astimezone(UTC)
            lines.append(f"next publish: {format_instant(when)}, in {format_delay(delay)} (rebuild then)")
        return lines


def format_instant(value: datetime) -> str:
    """`2026-03-29 10:00 EEST (+03:00)`: local time, zone abbreviation and offset."""
    shown = f"{value:%Y-%m-%d %H:%M:%S}" if value.second else f"{value:%Y-%m-%d %H:%M}"
    return f"{shown} {value.tzname()} ({value.isoformat()[-6:]})"


def format_delay(delta: timedelta) -> str:
    """`2 d 3 h`, `3 h 5 min`, `4 min`, `under a minute`."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min" if mins else "under a minute"


def read_status(site_dir: Path, now: datetime) -> StatusReport:
    """Load every page (drafts and future ones too, with the build's validation) and sort them out."""
    config, site = load_site(site_dir, BuildOptions(drafts=True, future=True, now=now))
    zone = ZoneInfo(config.timezone)
    drafts: list[PlannedPage] = []
    scheduled: list[PlannedPage] = []
    published = 0
    for page in site.pages.values():
        planned = PlannedPage(page.id, page.title, page.meta.date.astimezone(zone))
        if page.meta.draft:
            drafts.append(planned)
        elif page.meta.date > now:
            scheduled.append(planned)
        else:
            published += 1
    return StatusReport(
        now=now.astimezone(zone),
        published=published,
        drafts=tuple(sorted(drafts, key=lambda p: p.rel_path)),
        # By UTC instant: one ZoneInfo compares wall times, and 03:30 EEST and 03:30 EET are one wall time.
        scheduled=tuple(sorted(scheduled, key=lambda p: (p.date.astimezone(UTC), p.rel_path))),
    )
