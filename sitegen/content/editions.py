"""Editions: ISO weeks (`editions: weekly`, the default) or days (`daily`) of the site time zone.

A period is curated by an optional `seeds/editions/<yyyy>-w<ww>.md` (weekly) or
`seeds/editions/<yyyy>-<mm>-<dd>.md` (daily) page holding `title`, an optional `order` (article
slugs) and the editor's introduction as its body. Every period with at least one article is an
edition, with or without a page. In an edition, `featured: true` articles come first, then the
others by rubric (`category`); inside each part the `order` list comes first, then newer before
older (DESIGN "Editions", issue 8; daily editions: issue 19).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

from sitegen.config import SiteConfig
from sitegen.content.model import Edition, EditionGroup, Page
from sitegen.content.schema import describe
from sitegen.content.typography import typeset_text
from sitegen.errors import FrontMatterError, SitegenError, SourceError, did_you_mean
from sitegen.source.files import EDITIONS_DIR, SourceFile
from sitegen.source.frontmatter import parse_front_matter

log = logging.getLogger(__name__)

EDITION_KEYS = ("title", "order")
_WEEK_FILE = re.compile(r"^(\d{4})-w(\d{2})\.md$")
_DAY_FILE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.md$")
_PREFIX = f"seeds/{EDITIONS_DIR}/"


@dataclass(frozen=True, slots=True)
class EditionPage:
    """A validated `seeds/editions/` page."""

    rel_path: str
    key: str
    title: str
    order: tuple[str, ...]
    order_lines: tuple[tuple[int, int, str], ...]
    """(line, column, line text) of each `order` item in the file."""
    intro: str
    intro_line: int


def week_key(local_date: datetime | date) -> str:
    """`2026-w07`: the ISO year and week of a date already in the site time zone."""
    iso = local_date.isocalendar()
    return f"{iso.year}-w{iso.week:02d}"


def edition_key(local_date: datetime | date, period: str) -> str:
    """The edition a date (already in the site time zone) belongs to: `2026-w07` weekly, `2026-02-12` daily."""
    return week_key(local_date) if period == "weekly" else f"{local_date:%Y-%m-%d}"


def edition_span(key: str) -> tuple[date, date]:
    """First and last day of the edition `key` (Monday to Sunday of a week, or the one day)."""
    if "-w" in key:
        start = date.fromisocalendar(int(key[:4]), int(key[-2:]), 1)
        return start, start + timedelta(days=6)
    day = date.fromisoformat(key)
    return day, day


def is_edition_source(rel_path: str) -> bool:
    """True for files under `seeds/editions/`: edition pages, never articles."""
    return rel_path.startswith(_PREFIX)


def read_edition_pages(
    sources: Iterable[SourceFile], problems: list[SitegenError], period: str = "weekly"
) -> list[EditionPage]:
    """Parse and check every edition page of a `period` ('weekly', 'daily'); problems go to `problems`."""
    found: list[EditionPage] = []
    for source in sources:
        page = _read_edition_page(source, problems, period)
        if page is not None:
            found.append(page)
    return found


def _read_edition_page(source: SourceFile, problems: list[SitegenError], period: str) -> EditionPage | None:
    rel = source.rel_path
    name = rel[len(_PREFIX) :]
    edition = _week_file_key(name, rel, problems) if period == "weekly" else _day_file_key(name, rel, problems)
    if edition is None:
        return None
    try:
        fm = parse_front_matter(source.text, rel)
    except SitegenError as exc:
        problems.extend(getattr(exc, "errors", [exc]))
        return None
    lines = source.text.split("\n")
    before = len(problems)

    def problem(
        key: str, message: str, hint: str | None = None, line: int | None = None, col: int | None = None
    ) -> None:
        at = line or fm.key_lines.get(key, 1)
        src = lines[at - 1] if 0 < at <= len(lines) else None
        problems.append(FrontMatterError(message, path=rel, line=at, column=col, hint=hint, source_line=src))

    for key in fm.data:
        if key not in EDITION_KEYS:
            hint = did_you_mean(key, EDITION_KEYS) or "an edition page knows only `title` and `order`"
            problem(key, f"{key}: unknown key in an edition page", hint)
    title = fm.data.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        problem("title", "title: every edition page needs one", 'add `title: "…"` to the front matter')
    elif not isinstance(title, str):
        problem("title", f"title: expected text, got {describe(title)}", f'put it in quotes: title: "{title}"')
    order, order_lines = _order(fm.data.get("order"), fm.key_lines.get("order", 1), lines, problem)
    if len(problems) > before:
        return None
    assert isinstance(title, str)
    return EditionPage(
        rel_path=rel,
        key=edition,
        title=title.strip(),
        order=order,
        order_lines=order_lines,
        intro=fm.body.strip("\n"),
        intro_line=fm.body_line,
    )


def _week_file_key(name: str, rel: str, problems: list[SitegenError]) -> str | None:
    """`2026-w07` for `2026-w07.md`, or a problem: a file name that is no ISO week."""
    match = _WEEK_FILE.match(name)
    if match is None:
        daily = " (a day's file name such as 2026-02-12.md needs `editions: daily` in sitegen.yaml)"
        problems.append(
            SourceError(
                f"not an edition file name: {name!r}" + (daily if _DAY_FILE.match(name) else ""),
                path=rel,
                hint="name it after the ISO week it curates, seeds/editions/<yyyy>-w<ww>.md, e.g. 2026-w07.md",
            )
        )
        return None
    year, week = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        problems.append(
            SourceError(
                f"{year} has no ISO week {week}",
                path=rel,
                hint=f"ISO years have weeks 01 to 52, some 53; {year} ends with week "
                f"{date(year, 12, 28).isocalendar().week:02d}",
            )
        )
        return None
    return f"{year}-w{week:02d}"


def _day_file_key(name: str, rel: str, problems: list[SitegenError]) -> str | None:
    """`2026-02-12` for `2026-02-12.md`, or a problem: a file name that is no calendar day."""
    match = _DAY_FILE.match(name)
    if match is None:
        weekly = " (a week's file name such as 2026-w07.md needs `editions: weekly`)"
        problems.append(
            SourceError(
                f"not an edition file name: {name!r}" + (weekly if _WEEK_FILE.match(name) else ""),
                path=rel,
                hint="with daily editions, name it after its day: seeds/editions/<yyyy>-<mm>-<dd>.md (2026-02-12.md)",
            )
        )
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError as exc:
        problems.append(SourceError(f"{name!r} is not a calendar day ({exc})", path=rel, hint="e.g. 2026-02-12.md"))
        return None


def _order(
    value: object, key_line: int, lines: list[str], problem: Callable[..., None]
) -> tuple[tuple[str, ...], tuple[tuple[int, int, str], ...]]:
    if value is None:
        return (), ()
    if not isinstance(value, list):
        problem("order", f"order: expected a list of article slugs, got {describe(value)}", "write order: [a, b]")
        return (), ()
    items: list[str] = []
    where: list[tuple[int, int, str]] = []
    line, col = key_line, 0
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problem("order", f"order: item {i + 1}: expected an article slug, got {describe(item)}")
            continue
        slug = item.strip()
        line, col = _find(lines, slug, (line, col))
        if slug in items:
            problem("order", f"order: {slug!r} is listed twice", "list each article once", line, col)
            continue
        items.append(slug)
        where.append((line, col, lines[line - 1]))
    return tuple(items), tuple(where)


def _find(lines: list[str], text: str, start: tuple[int, int]) -> tuple[int, int]:
    """(line, column) of the first `text` after `start` (line, column): where an `order` item is written."""
    word = re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")
    line, col = start
    for number in range(line, len(lines) + 1):
        found = word.search(lines[number - 1], col if number == line else 0)
        if found:
            return number, found.start() + 1
    return line, 1


def check_edition_orders(
    config: SiteConfig,
    editions: Sequence[EditionPage],
    pages: Sequence[Page],
    unpublished: Collection[str],
    problems: list[SitegenError],
) -> None:
    """Every `order` slug must name an article of that edition's week (or one left out: a draft, a future page).

    `unpublished` holds the slugs of pages left out of this build: the editor may list them
    before they appear, so they are skipped, not errors.
    """
    by_week: dict[str, set[str]] = defaultdict(set)
    week_of: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        key = page.edition_key
        by_week[key].add(page.slug)
        week_of[page.slug].append(key)
    for ed in editions:
        for slug, (line, col, text) in zip(ed.order, ed.order_lines, strict=True):
            if slug in by_week[ed.key] or slug in unpublished:
                continue
            if week_of.get(slug):
                weeks = ", ".join(sorted(set(week_of[slug])))
                period = "week" if config.editions == "weekly" else "day"
                message = f"order: article {slug!r} is not in {period} {ed.key} (it belongs to {weeks})"
                hint = f"move it to seeds/{EDITIONS_DIR}/{week_of[slug][0]}.md or remove it from this list"
            else:
                message = f"order: no article with slug {slug!r}"
                hint = did_you_mean(slug, sorted(by_week[ed.key])) or (
                    "use the last part of an article's URL, /<yyyy>/<mm>/<slug>/, of that week"
                )
            problems.append(
                FrontMatterError(message, path=ed.rel_path, line=line, column=col, hint=hint, source_line=text)
            )


def build_editions(
    config: SiteConfig, pages: Sequence[Page], edition_pages: Sequence[EditionPage]
) -> Mapping[str, Edition]:
    """Every ISO week (or day, with `editions: daily`) with articles as an `Edition`, newest first, linked.

    `pages` come newest first. An edition page for a period without published articles (one
    still to come, or one of drafts) makes no edition.
    """
    curated = {e.key: e for e in edition_pages}
    weeks: dict[str, list[Page]] = {}
    for page in pages:
        weeks.setdefault(page.edition_key, []).append(page)
    for key in sorted(set(curated) - set(weeks)):
        log.info("%s: %s has no published articles yet; no edition page is made", curated[key].rel_path, key)
    editions: list[Edition] = []
    for key in sorted(weeks, reverse=True):
        editions.append(_edition(config, key, weeks[key], curated.get(key)))
    for i, ed in enumerate(editions):
        editions[i] = replace(
            ed,
            next_key=editions[i - 1].key if i > 0 else None,
            prev_key=editions[i + 1].key if i + 1 < len(editions) else None,
        )
    return MappingProxyType({e.key: e for e in editions})


def _edition(config: SiteConfig, key: str, pages: list[Page], curated: EditionPage | None) -> Edition:
    start, end = edition_span(key)
    iso = start.isocalendar()
    rank = {slug: i for i, slug in enumerate(curated.order)} if curated else {}
    unranked = len(rank)

    def sort_key(page: Page) -> tuple[int, float, str]:
        return (rank.get(page.slug, unranked), -page.meta.date.timestamp(), page.id)

    ordered = sorted(pages, key=sort_key)
    featured = tuple(p.id for p in ordered if p.meta.featured)
    groups: dict[str | None, list[str]] = {}
    for page in ordered:
        if not page.meta.featured:
            groups.setdefault(page.meta.category, []).append(page.id)
    # Rubrics in the order of their first article; articles without a rubric last.
    group_list = [EditionGroup(c, tuple(ids)) for c, ids in groups.items() if c is not None]
    if None in groups:
        group_list.append(EditionGroup(None, tuple(groups[None])))
    path = f"editions/{key}/"
    return Edition(
        key=key,
        year=iso.year,
        week=iso.week,
        start=start,
        end=end,
        title=typeset_text(curated.title, config.language) if curated else None,
        intro=curated.intro if curated else "",
        intro_line=curated.intro_line if curated else 1,
        source_id=curated.rel_path if curated else None,
        url=config.base_path + path,
        out_path=path + "index.html",
        featured_ids=featured,
        groups=tuple(group_list),
    )
