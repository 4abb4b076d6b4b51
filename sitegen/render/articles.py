"""Article pages: one `Page` -> its HTML page, its feed entry and its search entry (`RenderedArticle`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.content.model import Page, Site
from sitegen.errors import SitegenError, SourceError
from sitegen.images import ImageSet
from sitegen.render.feeds import FeedEntry, feed_entry
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
    feed: FeedEntry
    search: SearchEntry
    """Its terms, counted here (in the worker) from the body just rendered, and its search fragment."""


def render_body(site: Site, theme: Theme, page: Page, images: ImageSet) -> RenderedBody:
    """An article's Markdown rendered with its pictures and embeds; `SourceError`s name the file and line."""
    notice = theme.strings_for(page.lang).embed_notice
    context = BodyContext(page.id, page.body_line, images, site.config.base_path, notice)
    try:
        return render_markdown(page.body, page.lang, context)
    except (RecursionError, ValueError, AssertionError) as exc:  # markdown-it-py CVE-2023-26303 class
        raise SourceError(f"cannot render the Markdown body: {exc}", path=page.id, line=page.body_line) from None


def render_articles(
    site: Site, theme: Theme, pages: Sequence[Page], images: ImageSet
) -> list[RenderedArticle | SitegenError]:
    """Render each page; a user error is returned in its place so every problem can be reported."""
    results: list[RenderedArticle | SitegenError] = []
    for page in pages:
        try:
            body = render_body(site, theme, page, images)
            results.append(
                RenderedArticle(
                    page.id,
                    render_article(site, theme, page, body, images),
                    feed_entry(site, page, body, images),
                    search_entry(site, page, theme.strings_for(page.lang), body.text),
                )
            )
        except SitegenError as exc:
            results.append(exc)
    return results
