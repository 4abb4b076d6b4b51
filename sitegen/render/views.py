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
    """As the page wrote it."""
    alt: str
    picture_html: Markup | None
    """The processed picture (`<picture>` with WebP and JPEG/PNG at several widths); `None` without `src`."""
    url: str | None
    """The largest JPEG/PNG (root-relative), for themes that build their own markup."""
    width: int
    height: int


class CardView(TypedDict):
    """A sharing card picture (Open Graph, Twitter): absolute URL and size."""

    url: str
    width: int
    height: int
    alt: str


class SocialView(TypedDict):
    """What `base.html` says to social networks and chat apps about a page (Open Graph, Twitter)."""

    type: str
    """`article` or `website`."""
    locale: str
    """`uk_UA`."""
    image: CardView | None
    """The page's own card picture; `None` falls back to the site's (`site_card`)."""
    article: list[tuple[str, str]]
    """`article:published_time` and the like, in order (several `article:tag`)."""


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
    rubric_url: str | None
    """The rubric's page (`/rubrics/<slug>/`) when there is a `category`."""
    summary: str | None
    tags: list[TagLinkView]
    extra: dict[str, Any]
    """The editor's own data (`extra:` in the front matter)."""


class ArticleView(ArticleSummaryView):
    """Everything the article page shows."""

    datetime_text: str
    updated_iso: str | None
    updated_text: str | None
    """`13 лютого 2026, 10:00` when the page says it was updated."""
    author: str | None
    """Every author's name in one line."""
    authors: list[LinkView]
    """Each author's name and page (`/authors/<slug>/`)."""
    location: str | None
    source: SourceView | None
    image: ImageView | None
    body_html: Markup
    curator_note_html: Markup | None
    featured: bool
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
    rubrics_url: str
    authors_url: str
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
    social: SocialView
    jsonld: dict[str, Any] | None
    """Structured data (`NewsArticle` on articles), written by `base.html`."""
    frame_sources: list[str]
    """Origins the page's embeds may load frames from (its CSP `frame-src`); empty on most pages."""


class ArticleContext(BaseContext):
    article: ArticleView
    prev_article: LinkView | None
    next_article: LinkView | None
    related: list[ArticleSummaryView]
    """Up to 3 articles about the same thing (`Page.related_ids`), most related first."""


class ListContext(BaseContext):
    heading: str
    articles: list[ArticleSummaryView]
    pagination: PaginationView | None
    tag: TagLinkView | None
    """The tag, rubric or author the list shows (tag, rubric and author pages)."""


class GroupListContext(ListContext):
    """A tag, rubric or author page."""

    index: LinkView
    """The page listing them all (`/tags/`, `/rubrics/`, `/authors/`), under the kicker's word (`Тег`)."""


class TagGroupView(TypedDict):
    """The tags that start with one letter (`#`-like "other" for digits and signs)."""

    letter: str
    anchor: str
    """The group's id on the page: `letter-<anchor>`."""
    tags: list[TagLinkView]


class TagIndexContext(BaseContext):
    heading: str
    intro: str
    tags: list[TagLinkView]
    """Tags, rubrics or authors with their article counts, in the order of the groups."""
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
        rubrics_url=site.url("rubrics/"),
        authors_url=site.url("authors/"),
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


_SUMMARIES: tuple[Site, dict[int, tuple[Strings, dict[str, tuple[Page, ArticleSummaryView]]]]] | None = None
"""Summary views of the site rendered last, by `Strings` and page id. An article is listed on about
seven pages (its tags, rubric, author, month, edition, the home page); its dates formatted once
instead (issue 18: summaries were a fifth of the list pages' time). Holding `site` and `s` keeps
the ids valid; a new site starts afresh."""


def summary_view(site: Site, page: Page, s: Strings) -> ArticleSummaryView:
    """What a list shows of an article: a new dict each call (the archive changes its `date_text`)."""
    global _SUMMARIES
    if _SUMMARIES is None or _SUMMARIES[0] is not site:
        _SUMMARIES = (site, {})
    by_strings = _SUMMARIES[1].get(id(s))
    if by_strings is None or by_strings[0] is not s:
        by_strings = _SUMMARIES[1][id(s)] = (s, {})
    held = by_strings[1].get(page.id)
    if held is None or held[0] is not page:
        held = by_strings[1][page.id] = (page, _summary_view(site, page, s))
    return ArticleSummaryView(**held[1])


def _summary_view(site: Site, page: Page, s: Strings) -> ArticleSummaryView:
    # render/cache.py re-renders lists only when a field read here changes: never read the body here.
    return ArticleSummaryView(
        title=page.title,
        url=page.url,
        lang=page.lang,
        date_iso=page.meta.date.isoformat(),
        date_text=s.date(page.local_date),
        category=page.meta.category,
        rubric_url=site.rubrics[page.rubric_slug].url if page.rubric_slug else None,
        summary=page.meta.summary,
        tags=tag_links(site, page),
        extra=dict(page.meta.extra),
    )


def link_view(page: Page | None) -> LinkView | None:
    return LinkView(title=page.title, url=page.url) if page else None
