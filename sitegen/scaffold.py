"""`sitegen new "Title"`: writes a page skeleton dated now in the site time zone, as a draft.

The file is `seeds/<yyyy>/<mm>/<slug>.md` (year and month of the date in the site time zone, the
slug the transliterated title), and the file name is the page's URL from then on: a later title
edit does not move it. `sitegen new --edition "Title"` writes the edition page of the week (or
day, `editions: daily`) of that date instead, `seeds/editions/<key>.md`. Files are created with
O_EXCL: an existing file is never overwritten, even by a race.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.atomic import write_atomic
from sitegen.config import SiteConfig
from sitegen.content.dates import LocalTimeError, YearRangeError, parse_site_datetime
from sitegen.content.editions import edition_key
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError, site_relative
from sitegen.source.files import EDITIONS_DIR

FALLBACK_SLUG = "stattia"
BODY = "Текст статті в Markdown. Підзаголовки — `## …`.\n"


def parse_date_option(raw: str, timezone: str) -> datetime:
    """`--date` as an aware datetime: with its UTC offset, or without one in the site time zone (as front matter)."""
    try:
        return parse_site_datetime(raw, timezone)
    except LocalTimeError as exc:
        raise SitegenError(f"--date: {exc}", hint="give the UTC offset, e.g. 2026-03-29T04:30:00+03:00") from None
    except YearRangeError as exc:
        raise SitegenError(f"--date: {raw!r}: {exc}", hint="check the year") from None
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
    _write_new(target, render_skeleton(title, local), config, "edit that page, or choose another title")
    return target


def render_edition_skeleton(title: str) -> str:
    """An edition page: its title, an empty `order` and a placeholder introduction."""
    return (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        "order: []    # article slugs (the last part of their URL) shown first, in this order\n"
        "---\n"
        "Вступне слово редактора в Markdown.\n"
    )


def new_edition_page(config: SiteConfig, title: str, *, now: datetime, date: datetime | None = None) -> Path:
    """Write the page of the edition (week or day, as `editions:` says) that holds `date` or now; return it."""
    title = " ".join(title.split())
    if not title:
        raise SitegenError("the title is empty", hint='sitegen new --edition "Заголовок випуску"')
    local = (date or now).astimezone(ZoneInfo(config.timezone))
    target = config.seeds_dir / EDITIONS_DIR / f"{edition_key(local, config.editions)}.md"
    _write_new(target, render_edition_skeleton(title), config, "edit that edition page")
    return target


def _write_new(target: Path, text: str, config: SiteConfig, hint: str) -> None:
    """Create `target` with `text`; an existing file is an error and stays as it was."""
    try:
        write_atomic(target, text, exclusive=True)  # whole or not at all: never half a page
    except FileExistsError:
        raise SitegenError(
            f"{site_relative(target, config.site_dir)} already exists; not overwritten", hint=hint
        ) from None
    except OSError as exc:  # a full disk, a read-only folder: nothing was written
        raise SitegenError(
            f"cannot write {site_relative(target, config.site_dir)}: {exc.strerror or exc}",
            hint="nothing was written; free space or fix permissions and run again",
        ) from exc
