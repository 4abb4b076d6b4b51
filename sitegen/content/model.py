"""The immutable content model: `Page`, `Tag`, `Edition`, the archive, `Site`. Relations are ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from sitegen.config import SiteConfig
from sitegen.content.bodies import BodySource
from sitegen.content.schema import PageMeta


@dataclass(frozen=True, slots=True)
class Page:
    """One article, with its place in the site."""

    id: str
    """The source path relative to the site folder: `seeds/2026/02/x.md`."""
    meta: PageMeta
    slug: str
    url: str
    """Root-relative, with the base path: `/digest/2026/02/x/`."""
    out_path: str
    """Relative to the output folder: `2026/02/x/index.html`."""
    local_date: datetime
    """`meta.date` in the site time zone: decides `/<yyyy>/<mm>/` and the shown date."""
    lang: str
    tag_slugs: tuple[str, ...]
    edition_key: str
    """The key of its edition in `Site.editions` (`2026-w07`, or `2026-02-12` for daily editions)."""
    body_source: BodySource
    """Its Markdown body, inline or where to read it (`body`): a build keeps no bodies in memory."""
    body_line: int
    """File line where the body starts, for errors inside it."""
    key_lines: Mapping[str, int]
    prev_id: str | None = None
    """The next older article."""
    next_id: str | None = None
    """The next newer article."""
    related_ids: tuple[str, ...] = ()
    """Up to 3 articles about the same thing, most related first (`content/related.py`)."""
    rubric_slug: str | None = None
    """The slug of `meta.category` in `Site.rubrics`."""
    author_slugs: tuple[str, ...] = ()
    """The slugs of `meta.authors` in `Site.authors`, in the page's order."""

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def body(self) -> str:
        """The Markdown body (read from its file when the model keeps none: `SourceError` if it changed since)."""
        return self.body_source.text()


@dataclass(frozen=True, slots=True)
class Tag:
    """A named list of articles, newest first: a tag, a rubric (`category`) or an author."""

    slug: str
    name: str
    url: str
    """`/tags/nato/`, `/rubrics/svit/`, `/authors/olena-tkachuk/` (with the base path)."""
    page_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old URL of an article (`aliases:`): the page written there sends the reader on."""

    url: str
    """Root-relative, percent-encoded, with the base path: `/digest/2026/02/old-name/`."""
    out_path: str
    """Relative to the output folder, decoded: `2026/02/old-name/index.html`."""
    page_id: str
    line: int
    """The line of the alias in the page's source, for errors."""


@dataclass(frozen=True, slots=True)
class EditionGroup:
    """One rubric of an edition: its articles in edition order."""

    category: str | None
    """`None` gathers the articles without a `category`."""
    page_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Edition:
    """One ISO week (or day) of the site time zone and its articles, curated by an optional `seeds/editions/` page."""

    key: str
    """`2026-w07` (ISO year and week) or `2026-02-12` (daily), as in the URL and the file name."""
    year: int
    """The ISO year (2025-12-29 belongs to 2026-w01)."""
    week: int
    """The ISO week (of `start`, for a daily edition)."""
    start: date
    """Monday of the week (the day itself, daily)."""
    end: date
    """Sunday of the week (the day itself, daily)."""
    title: str | None
    """From the edition page; `None` lets the theme name the week."""
    intro: str
    """The editor's introduction (Markdown); empty without an edition page."""
    intro_line: int
    source_id: str | None
    """`seeds/editions/2026-w07.md`, when the editor wrote one."""
    url: str
    out_path: str
    featured_ids: tuple[str, ...]
    """`featured: true` articles, first in the edition."""
    groups: tuple[EditionGroup, ...]
    """The other articles by rubric."""
    prev_key: str | None = None
    """The next older edition."""
    next_key: str | None = None
    """The next newer edition."""

    @property
    def page_ids(self) -> tuple[str, ...]:
        """Every article of the edition, in edition order."""
        return self.featured_ids + tuple(i for g in self.groups for i in g.page_ids)


@dataclass(frozen=True, slots=True)
class ArchiveMonth:
    """One calendar month (site time zone) of the date archive."""

    year: int
    month: int
    url: str
    page_ids: tuple[str, ...]
    """Newest first."""


@dataclass(frozen=True, slots=True)
class ArchiveYear:
    """One calendar year of the date archive, its months newest first."""

    year: int
    url: str
    months: tuple[ArchiveMonth, ...]

    @property
    def count(self) -> int:
        return sum(len(m.page_ids) for m in self.months)


def _empty() -> Mapping[str, Edition]:
    return MappingProxyType({})


def _empty_tags() -> Mapping[str, Tag]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the render phase may read: the config, pages and tags, with drafts already gone."""

    config: SiteConfig
    pages: Mapping[str, Page]
    order: tuple[str, ...]
    """Page ids, newest first."""
    tags: Mapping[str, Tag]
    """By slug, sorted by slug."""
    rubrics: Mapping[str, Tag] = field(default_factory=_empty_tags)
    """By slug, sorted by slug: one per `category`."""
    authors: Mapping[str, Tag] = field(default_factory=_empty_tags)
    """By slug, sorted by slug."""
    redirects: tuple[Redirect, ...] = ()
    """Every alias of a published article, by URL."""
    editions: Mapping[str, Edition] = field(default_factory=_empty)
    """By key, newest first; only weeks that have articles."""
    archive: tuple[ArchiveYear, ...] = ()
    """Years newest first."""

    def newest(self, count: int | None = None) -> list[Page]:
        """Articles newest first, at most `count`."""
        ids = self.order if count is None else self.order[:count]
        return [self.pages[i] for i in ids]

    def url(self, path: str = "") -> str:
        """Root-relative URL of a path inside the site: `tags/` -> `/digest/tags/`."""
        return self.config.base_path + path

    def absolute_url(self, url: str) -> str:
        """`/digest/tags/` -> `https://example.org/digest/tags/`."""
        base = self.config.base_url
        return base[: len(base) - len(self.config.base_path)] + url
