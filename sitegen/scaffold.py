"""`sitegen new "Title"`: writes a page skeleton dated now in the site time zone, as a draft.

The file is `seeds/<yyyy>/<mm>/<slug>.md` (year and month of the date in the site time zone, the
slug the build would give the title), so the page lives where its URL says. It is created with
O_EXCL: an existing file is never overwritten, even by a race.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.config import SiteConfig
from sitegen.content.dates import LocalTimeError, parse_site_datetime
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError

FALLBACK_SLUG = "stattia"
BODY = "Текст статті в Markdown. Підзаголовки — `## …`.\n"


def parse_date_option(raw: str, timezone: str) -> datetime:
    """`--date` as an aware datetime: with its UTC offset, or without one in the site time zone (as front matter)."""
    try:
        return parse_site_datetime(raw, timezone)
    except LocalTimeError as exc:
        raise SitegenError(f"--date: {exc}", hint="give the UTC offset, e.g. 2026-03-29T04:30:00+03:00") from None
    except ValueError:
        raise SitegenError(
            f"--date: not a valid date-time {raw!r}", hint="write it as 2026-03-29T10:00 or 2026-03-29T10:00:00+03:00"
        ) from None


def render_skeleton(title: str, date: datetime) -> str:
    """Front matter that passes validation (a draft), then a placeholder body."""
    # JSON strings are valid YAML and keep a title like `no` or `2026: підсумки` text.
    return (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {date.isoformat()}\n"
        "tags: []\n"
        'category: ""\n'
        'summary: ""\n'
        "draft: true\n"
        "---\n" + BODY
    )


def new_page(config: SiteConfig, title: str, *, now: datetime, date: datetime | None = None) -> Path:
    """Write the skeleton of a page titled `title`; return its path. Refuses to overwrite."""
    title = " ".join(title.split())
    if not title:
        raise SitegenError("the title is empty", hint='sitegen new "Заголовок статті"')
    zone = ZoneInfo(config.timezone)
    local = (date or now).astimezone(zone).replace(microsecond=0)
    slug = slugify(title) or FALLBACK_SLUG
    target = config.seeds_dir / f"{local:%Y}" / f"{local:%m}" / f"{slug}.md"
    shown = _rel(target, config)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise SitegenError(
            f"{shown} already exists; not overwritten", hint="edit that page, or choose another title"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_skeleton(title, local))
    return target


def _rel(path: Path, config: SiteConfig) -> str:
    try:
        return path.relative_to(config.site_dir).as_posix()
    except ValueError:
        return str(path)
