"""Read-only views of model objects for templates, and the TypedDict context of each page kind.

Templates get plain values (strings, lists, dicts), never model objects with behaviour; the
page being rendered travels in the context, never as a flag on the model (STYLE §9.1).
"""

from __future__ import annotations

from typing import Any, TypedDict

from markupsafe import Markup

from sitegen.content.model import Page, Site
from sitegen.render.strings import Strings


class LinkView(TypedDict):
    title: str
    url: str


class TagLinkView(TypedDict):
    name: str
    url: str
    count: int


class ImageView(TypedDict):
    caption: str
    credit: str
    src: str | None
    alt: str


class SourceView(TypedDict):
    name: str
    url: str | None


class ArticleSummaryView(TypedDict):
    """What a list (home, tag page) shows of an article."""

    title: str
    url: str
    lang: str
    date_iso: str
    date_text: str
    category: str | None
    summary: str | None
    tags: list[TagLinkView]


class ArticleView(ArticleSummaryView):
    """Everything the article page shows."""

    datetime_text: str
    author: str | None
    location: str | None
    source: SourceView | None
    image: ImageView | None
    body_html: Markup
    curator_note_html: Markup | None
    featured: bool
    extra: dict[str, Any]
    reading_time: str
    """`3 хвилини читання`."""
    edition: LinkView | None
    """The weekly edition the article is in."""


class PageLinkView(TypedDict):
    """One entry of the numbered page links: a page, or a gap (`number` 0, no URL) for pages left out."""

    number: int
    url: str | None
    current: bool


class PaginationView(TypedDict):
    current: int
    total: int
    prev_url: str | None
    next_url: str | None
    pages: list[PageLinkView]
    """First, last and a window around the current page, with gaps between (`render/pagination.py`)."""


class SiteView(TypedDict):
    title: str
    description: str
    base_url: str
    base_path: str
    language: str
    home_url: str
    tags_url: str
    editions_url: str
    archive_url: str
    search_url: str
    feed_url: str
    json_feed_url: str
    extra_css: list[str]
    """`extra_css` of sitegen.yaml: static paths for `asset()`, linked after the theme's stylesheet."""


class BaseContext(TypedDict):
    """Shared by every page kind."""

    site: SiteView
    s: Strings
    lang: str
    kind: str
    page_title: str
    description: str
    canonical_url: str
    """Absolute."""
    feeds: list[LinkView]
    """Alternate feeds for `<link rel="alternate">`."""


class ArticleContext(BaseContext):
    article: ArticleView
    prev_article: LinkView | None
    next_article: LinkView | None
    related: list[ArticleSummaryView]
    """Up to 3 articles about the same thing (`Page.related_ids`), most related first."""
    og: dict[str, Any]
    jsonld: dict[str, Any]


class ListContext(BaseContext):
    heading: str
    articles: list[ArticleSummaryView]
    pagination: PaginationView | None
    tag: TagLinkView | None


class TagGroupView(TypedDict):
    """The tags that start with one letter (`#`-like "other" for digits and signs)."""

    letter: str
    anchor: str
    """The group's id on the page: `letter-<anchor>`."""
    tags: list[TagLinkView]


class TagIndexContext(BaseContext):
    tags: list[TagLinkView]
    """Every tag, in the order of the groups."""
    groups: list[TagGroupView]
    """By first letter, in the order of the theme's `alphabet` string, then other letters, then the rest."""


class SearchContext(BaseContext):
    index_url: str
    """The search index's manifest (fingerprinted), which the theme's search script opens."""
    preload_urls: list[str]
    """Search files the script loads whatever the query: the manifest's document files."""
    plural_categories: str
    """CLDR plural category of the counts 0-199, one letter each (`z`ero, `o`ne, `t`wo, `f`ew, `m`any,
    `x` other); a count n >= 200 takes that of 100 + n % 100, exact for rules that look at n % 100."""


def site_view(site: Site) -> SiteView:
    cfg = site.config
    return SiteView(
        title=cfg.title,
        description=cfg.description,
        base_url=cfg.base_url,
        base_path=cfg.base_path,
        language=cfg.language,
        home_url=site.url(),
        tags_url=site.url("tags/"),
        editions_url=site.url("editions/"),
        archive_url=site.url("archive/"),
        search_url=site.url("search/"),
        feed_url=site.url("feed.xml"),
        json_feed_url=site.url("feed.json"),
        extra_css=list(cfg.extra_css),
    )


def tag_links(site: Site, page: Page) -> list[TagLinkView]:
    return [
        TagLinkView(name=tag.name, url=tag.url, count=len(tag.page_ids))
        for tag in (site.tags[slug] for slug in page.tag_slugs)
    ]


def summary_view(site: Site, page: Page, s: Strings) -> ArticleSummaryView:
    # render/cache.py re-renders lists only when a field read here changes: never read the body here.
    return ArticleSummaryView(
        title=page.title,
        url=page.url,
        lang=page.lang,
        date_iso=page.meta.date.isoformat(),
        date_text=s.date(page.local_date),
        category=page.meta.category,
        summary=page.meta.summary,
        tags=tag_links(site, page),
    )


def link_view(page: Page | None) -> LinkView | None:
    return LinkView(title=page.title, url=page.url) if page else None
