"""Article pages: one `Page` -> its HTML page, its feed entry and its search entry (`RenderedArticle`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sitegen.content.model import Page, Site
from sitegen.errors import SitegenError, SourceError
from sitegen.images import ImageSet
from sitegen.render.feeds import FeedEntry, feed_entry, lead_entry
from sitegen.render.markdown import BodyContext, RenderedBody, render_markdown
from sitegen.render.output import Output
from sitegen.render.pages import render_article
from sitegen.render.search import SearchEntry, search_entry
from sitegen.render.theme import Theme


@dataclass(frozen=True, slots=True)
class RenderedArticle:
    """One article's page and what the feeds need of it (computed once, shared by every feed)."""

    page_id: str
    output: Output
    feed: FeedEntry | None
    """Only for the site's newest `feed_limit` articles, the ones the site feed shows (`None` for the others:
    kept for every article, the entries were a third of the build cache)."""
    lead: FeedEntry
    """`feed` with the lead and the curator's note for its content: what tag and edition feeds carry."""
    search: SearchEntry
    """Its terms, counted here (in the worker) from the body just rendered, and its search fragment."""


def in_site_feed(site: Site) -> frozenset[str]:
    """The ids of the articles the site feed shows (their `RenderedArticle.feed` is kept)."""
    return frozenset(site.order[: site.config.feed_limit])


def render_body(site: Site, theme: Theme, page: Page, images: ImageSet) -> RenderedBody:
    """An article's Markdown rendered with its pictures and embeds; `SourceError`s name the file and line."""
    notice = theme.strings_for(page.lang).embed_notice
    context = BodyContext(page.id, page.body_line, images, site.config.base_path, notice)
    try:
        return render_markdown(page.body, page.lang, context)
    except (RecursionError, ValueError, AssertionError) as exc:  # markdown-it-py CVE-2023-26303 class
        raise SourceError(f"cannot render the Markdown body: {exc}", path=page.id, line=page.body_line) from None


def render_articles(
    site: Site,
    theme: Theme,
    pages: Sequence[Page],
    images: ImageSet,
    sink: Callable[[Output], Output] | None = None,
) -> list[RenderedArticle | SitegenError]:
    """Render each page; a user error is returned in its place so every problem can be reported.

    With a `sink` (a build streaming to its staging folder), each page goes to it as soon as it is
    made, here in the worker, and the result keeps what it returns (the page without its bytes).
    """
    results: list[RenderedArticle | SitegenError] = []
    note_label = theme.strings_for(site.config.language).curator_note
    latest = in_site_feed(site)
    for page in pages:
        try:
            body = render_body(site, theme, page, images)
            output = render_article(site, theme, page, body, images)
            entry = feed_entry(site, page, body, images)
            results.append(
                RenderedArticle(
                    page.id,
                    sink(output) if sink is not None else output,
                    entry if page.id in latest else None,
                    lead_entry(site, page, entry, note_label),
                    search_entry(site, page, theme.strings_for(page.lang), body.text),
                )
            )
        except SitegenError as exc:
            results.append(exc)
    return results
