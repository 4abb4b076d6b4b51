"""Redirect pages at the old URLs of articles (`aliases:`) and `/_redirects` for hosts that redirect by status.

A redirect page sends the reader on at once (`<meta http-equiv="refresh">`), tells search engines
where the page lives now (`rel=canonical`) and not to index the old address (`noindex`), and shows
a link for anyone whose browser does not follow the refresh. `_redirects` lists every alias in the
format Netlify and Cloudflare Pages read (`/old/ /new/ 301`, paths with the base path), so those
hosts answer the old URL with a real 301.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypedDict

from sitegen.content.model import Redirect, Site
from sitegen.errors import SitegenError, SourceError, raise_all
from sitegen.render.output import Output
from sitegen.render.pages import _render
from sitegen.render.strings import Strings
from sitegen.render.theme import Theme
from sitegen.render.views import SiteView, site_view

REDIRECTS_FILE = "_redirects"


class RedirectContext(TypedDict):
    site: SiteView
    s: Strings
    lang: str
    title: str
    """The article's title."""
    target_url: str
    """Root-relative: where the reader is sent."""
    canonical_url: str
    """Absolute: the article's URL."""


def render_redirects(site: Site, theme: Theme, taken: Collection[str]) -> list[Output]:
    """A page at every alias and the `_redirects` file; an alias that is a page sitegen writes is an error.

    `taken` holds the output paths of every other file of the build (a list page, a feed): an alias
    at one of them is reported at its line rather than as a clash of two outputs.
    """
    problems: list[SitegenError] = []
    outputs: list[Output] = []
    for redirect in site.redirects:
        if redirect.out_path in taken or redirect.out_path == REDIRECTS_FILE:
            problems.append(
                SourceError(
                    f"aliases: {redirect.url} is a page the site already has",
                    path=redirect.page_id,
                    line=redirect.line,
                    hint="an alias is an old URL no page uses now: remove it",
                )
            )
            continue
        outputs.append(render_redirect(site, theme, redirect))
    raise_all(problems)
    if site.redirects:
        outputs.append(render_redirects_file(site))
    return outputs


def render_redirect(site: Site, theme: Theme, redirect: Redirect) -> Output:
    """The small page at one old URL that sends the reader to the article."""
    page = site.pages[redirect.page_id]
    context = RedirectContext(
        site=site_view(site),
        s=theme.strings_for(page.lang),
        lang=page.lang,
        title=page.title,
        target_url=page.url,
        canonical_url=site.absolute_url(page.url),
    )
    return _render(theme, "redirect.html", context, redirect.out_path, redirect.page_id)


def render_redirects_file(site: Site) -> Output:
    """`_redirects`: `old new 301`, one alias a line, in URL order."""
    lines = [f"{r.url} {site.pages[r.page_id].url} 301\n" for r in site.redirects]
    return Output(out_path=REDIRECTS_FILE, data="".join(lines).encode("utf-8"), source="aliases")
