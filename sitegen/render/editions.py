"""Weekly edition pages, the list of editions, edition feeds and the home page (the latest edition first).

Curator notes and introductions are Markdown written next to an article or an edition; their
relative links are resolved against that page's URL, since they are shown on other pages too
(an article's note on its edition page and on the home page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TypedDict

from markupsafe import Markup, escape

from sitegen.content.model import Edition, Page, Site
from sitegen.errors import SourceError
from sitegen.render.feeds import FeedEntry, absolutize_links, render_atom
from sitegen.render.markdown import render_markdown
from sitegen.render.output import Output
from sitegen.render.pages import _base, _render, edition_title
from sitegen.render.pagination import chunks, out_path, page_title, page_url, pagination
from sitegen.render.strings import Strings
from sitegen.render.theme import Theme
from sitegen.render.views import (
    ArticleSummaryView,
    BaseContext,
    LinkView,
    ListContext,
    PaginationView,
    summary_view,
)


class EditionEntryView(ArticleSummaryView):
    """An article as its edition shows it: the teaser and the curator's note."""

    curator_note_html: Markup | None
    featured: bool


class EditionGroupView(TypedDict):
    heading: str
    """The rubric, or the theme's word for "other"."""
    articles: list[EditionEntryView]


class EditionView(TypedDict):
    key: str
    title: str
    url: str
    feed_url: str
    range_text: str
    """`9–15 лютого 2026`."""
    week_text: str
    """`Тиждень 7, 2026`; a daily edition's weekday, `четвер`."""
    start_iso: str
    end_iso: str
    count_text: str
    """`3 статті`."""
    intro_html: Markup | None
    featured: list[EditionEntryView]
    groups: list[EditionGroupView]


class EditionSummaryView(TypedDict):
    """An edition in the list of editions."""

    title: str
    url: str
    range_text: str
    start_iso: str
    count_text: str
    intro_text: str
    """The first paragraph of the introduction as plain text (may be empty)."""


class EditionContext(BaseContext):
    edition: EditionView
    prev_edition: LinkView | None
    next_edition: LinkView | None


class EditionsContext(BaseContext):
    intro: str
    """What the editions are: weekly or daily selections (theme strings `editions_intro`, `editions_intro_daily`)."""
    editions: list[EditionSummaryView]
    pagination: PaginationView | None


class HomeContext(ListContext):
    edition: EditionView | None
    """The latest edition, shown first."""


def note_html(page: Page) -> Markup | None:
    """The curator's note as HTML, its relative links resolved against the article's own URL."""
    if not page.meta.curator_note:
        return None
    html = render_markdown(page.meta.curator_note, page.lang).html
    return Markup(absolutize_links(html, page.url))  # markdown-it with raw HTML off: safe by construction


def _intro_html(edition: Edition, lang: str) -> Markup | None:
    if not edition.intro.strip():
        return None
    try:
        html = render_markdown(edition.intro, lang).html
    except (RecursionError, ValueError, AssertionError) as exc:  # as render_body: markdown-it giving up
        raise SourceError(
            f"cannot render the Markdown introduction: {exc}", path=edition.source_id, line=edition.intro_line
        ) from None
    return Markup(absolutize_links(html, edition.url))


def _entry(site: Site, page: Page, s: Strings) -> EditionEntryView:
    return EditionEntryView(
        **summary_view(site, page, s), curator_note_html=note_html(page), featured=page.meta.featured
    )


def edition_view(site: Site, edition: Edition, s: Strings) -> EditionView:
    """Everything an edition page (or the home page) shows of one edition."""
    return EditionView(
        key=edition.key,
        title=edition_title(edition, s),
        url=edition.url,
        feed_url=edition.url + "feed.xml",
        range_text=s.date_range(edition.start, edition.end),
        week_text=s.format("edition_week", week=edition.week, year=edition.year)
        if site.config.editions == "weekly"
        else s.weekday(edition.start),
        start_iso=edition.start.isoformat(),
        end_iso=edition.end.isoformat(),
        count_text=s.plural("articles", len(edition.page_ids)),
        intro_html=_intro_html(edition, site.config.language),
        featured=[_entry(site, site.pages[i], s) for i in edition.featured_ids],
        groups=[
            EditionGroupView(
                heading=g.category or s.edition_other, articles=[_entry(site, site.pages[i], s) for i in g.page_ids]
            )
            for g in edition.groups
        ],
    )


def _link(site: Site, key: str | None, s: Strings) -> LinkView | None:
    if key is None:
        return None
    edition = site.editions[key]
    return LinkView(title=edition_title(edition, s), url=edition.url)


def render_edition(site: Site, theme: Theme, edition: Edition) -> Output:
    """`/editions/<yyyy>-w<ww>/`: the intro, featured articles, the rest by rubric, prev/next editions."""
    s = theme.strings_for(site.config.language)
    view = edition_view(site, edition, s)
    base = _base(
        site,
        s,
        site.config.language,
        "edition",
        view["title"],
        _first_paragraph(edition, site.config.language) or f"{view['range_text']} · {view['count_text']}",
        site.absolute_url(edition.url),
    )
    base["feeds"] = base["feeds"] + [LinkView(title=f"{site.config.title}: {view['title']}", url=view["feed_url"])]
    context = EditionContext(
        **base,
        edition=view,
        prev_edition=_link(site, edition.prev_key, s),
        next_edition=_link(site, edition.next_key, s),
    )
    return _render(theme, "edition.html", context, edition.out_path, f"edition {edition.key}")


def _first_paragraph(edition: Edition, lang: str) -> str:
    if not edition.intro.strip():
        return ""
    return render_markdown(edition.intro, lang).text.split("\n", 1)[0]


def render_edition_index(site: Site, theme: Theme) -> list[Output]:
    """`/editions/`: every edition newest first, `per_page` a page (`/editions/page/<n>/`)."""
    s = theme.strings_for(site.config.language)
    root = site.url("editions/")
    editions = list(site.editions.values())
    pages = chunks(editions, site.config.per_page)
    intro = s.editions_intro if site.config.editions == "weekly" else s.editions_intro_daily
    outputs = []
    for n, chunk in enumerate(pages, 1):
        url = page_url(root, n)
        title = page_title(s.editions, n, len(pages), s)
        context = EditionsContext(
            **_base(site, s, site.config.language, "editions", title, intro, site.absolute_url(url)),
            intro=intro,
            editions=[
                EditionSummaryView(
                    title=edition_title(e, s),
                    url=e.url,
                    range_text=s.date_range(e.start, e.end),
                    start_iso=e.start.isoformat(),
                    count_text=s.plural("articles", len(e.page_ids)),
                    intro_text=_first_paragraph(e, site.config.language),
                )
                for e in chunk
            ],
            pagination=pagination(root, n, len(pages)),
        )
        outputs.append(_render(theme, "editions.html", context, out_path(site, url), "editions"))
    return outputs


def render_home(site: Site, theme: Theme) -> Output:
    """The home page: the latest edition (intro, featured with notes, the rest by rubric), then recent articles."""
    s = theme.strings_for(site.config.language)
    latest = next(iter(site.editions.values()), None)
    shown = set(latest.page_ids) if latest else set()
    recent = [p for p in site.newest(site.config.per_page + len(shown)) if p.id not in shown][: site.config.per_page]
    context = HomeContext(
        **_base(site, s, site.config.language, "home", site.config.title, "", site.config.base_url),
        heading=s.latest,
        articles=[summary_view(site, p, s) for p in recent],
        pagination=None,
        tag=None,
        edition=edition_view(site, latest, s) if latest else None,
    )
    return _render(theme, "home.html", context, "index.html", "home")


def render_edition_feeds(site: Site, theme: Theme, entries: Mapping[str, FeedEntry]) -> list[Output]:
    """One Atom feed per edition (`/editions/<key>/feed.xml`): all its articles, newest first."""
    return [render_edition_feed(site, theme, edition, entries) for edition in site.editions.values()]


def render_edition_feed(site: Site, theme: Theme, edition: Edition, entries: Mapping[str, FeedEntry]) -> Output:
    """`/editions/<key>/feed.xml`: all the edition's articles, newest first.

    An entry carries the lead and the curator's note, not the article body: the bodies are in the
    site and tag feeds already, and every article is in exactly one edition, so full bodies here
    would add a second copy of the whole site (42 MB at 5,000 articles).
    """
    s = theme.strings_for(site.config.language)
    ids: Sequence[str] = sorted(edition.page_ids, key=lambda i: (-site.pages[i].meta.date.timestamp(), i))
    return render_atom(
        site,
        [_edition_entry(site, site.pages[i], entries[i], s) for i in ids],
        out_path=edition.out_path.removesuffix("index.html") + "feed.xml",
        title=f"{site.config.title}: {edition_title(edition, s)}",
        page_url=edition.url,
    )


def _edition_entry(site: Site, page: Page, entry: FeedEntry, s: Strings) -> FeedEntry:
    """The article's feed entry with the lead and the curator's note as its content."""
    parts = [f"<p>{escape(page.meta.summary)}</p>"] if page.meta.summary else []
    if page.meta.curator_note:
        html = absolutize_links(render_markdown(page.meta.curator_note, page.lang).html, site.absolute_url(page.url))
        parts.append(f"<blockquote><p><strong>{escape(s.curator_note)}:</strong></p>{html}</blockquote>")
    if not parts:
        return entry  # nothing shorter to say: keep the body
    read = f'<p><a href="{escape(entry.url)}">{escape(page.title)}</a></p>'
    return replace(entry, content_html="\n".join([*parts, read]))


def curation_urls(site: Site, outputs: Sequence[Output]) -> list[str]:
    """Root-relative URLs of the HTML pages among `outputs`, for the sitemap."""
    return [
        site.config.base_path + o.out_path.removesuffix("index.html") for o in outputs if o.out_path.endswith(".html")
    ]
