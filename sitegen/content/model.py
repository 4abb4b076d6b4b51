"""The immutable content model: `Page`, `Tag`, `Site`. Relations are ids, never back-references."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sitegen.config import SiteConfig
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
    body: str
    """Markdown."""
    body_line: int
    """File line where the body starts, for errors inside it."""
    key_lines: Mapping[str, int]
    prev_id: str | None = None
    """The next older article."""
    next_id: str | None = None
    """The next newer article."""

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag and its articles, newest first."""

    slug: str
    name: str
    url: str
    page_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the render phase may read: the config, pages and tags, with drafts already gone."""

    config: SiteConfig
    pages: Mapping[str, Page]
    order: tuple[str, ...]
    """Page ids, newest first."""
    tags: Mapping[str, Tag]
    """By slug, sorted by slug."""

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
