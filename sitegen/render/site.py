"""`render_site`: the whole render phase, `Site` + `Theme` -> every `Output`. Writes nothing."""

from __future__ import annotations

from collections.abc import Callable

from sitegen.content.model import Site
from sitegen.errors import SitegenError, SourceError, raise_all
from sitegen.render.feeds import feed_entries, render_atom, render_json_feed
from sitegen.render.markdown import RenderedBody, render_markdown
from sitegen.render.output import Output
from sitegen.render.pages import render_article, render_home, render_not_found, render_tag_index, render_tag_pages
from sitegen.render.sitemap import render_robots, render_sitemap
from sitegen.render.theme import Theme

Progress = Callable[[int, int], None]


def render_bodies(site: Site) -> dict[str, RenderedBody]:
    """Every article's Markdown, rendered once for its page, the feeds and (later) search."""
    bodies: dict[str, RenderedBody] = {}
    problems: list[SitegenError] = []
    for page in site.newest():
        try:
            bodies[page.id] = render_markdown(page.body)
        except (RecursionError, ValueError, AssertionError) as exc:  # markdown-it-py CVE-2023-26303 class
            problems.append(SourceError(f"cannot render the Markdown body: {exc}", path=page.id, line=page.body_line))
    raise_all(problems)
    return bodies


def render_site(site: Site, theme: Theme, progress: Progress | None = None) -> list[Output]:
    """All pages, feeds, sitemap and theme assets of the site."""
    bodies = render_bodies(site)
    pages = site.newest()
    total = len(pages) + len(site.tags)
    outputs: list[Output] = []
    for done, page in enumerate(pages, 1):
        outputs.append(render_article(site, theme, page, bodies[page.id]))
        if progress and done % 50 == 0:
            progress(done, total)
    outputs.append(render_home(site, theme))
    outputs.append(render_tag_index(site, theme))
    outputs.append(render_not_found(site, theme))
    list_urls = [site.url(), site.url("tags/")]
    limit = site.config.feed_limit
    for done, tag in enumerate(site.tags.values(), len(pages) + 1):
        tag_pages = render_tag_pages(site, theme, tag)
        outputs.extend(tag_pages)
        list_urls.extend(site.config.base_path + o.out_path.removesuffix("index.html") for o in tag_pages)
        tagged = [site.pages[i] for i in tag.page_ids[:limit]]
        outputs.append(
            render_atom(
                site,
                feed_entries(site, tagged, bodies),
                out_path=f"tags/{tag.slug}/feed.xml",
                title=f"{site.config.title}: {tag.name}",
                page_url=tag.url,
            )
        )
        if progress and done % 50 == 0:
            progress(done, total)
    latest = feed_entries(site, pages[:limit], bodies)
    outputs.append(render_atom(site, latest, out_path="feed.xml", title=site.config.title, page_url=site.url()))
    outputs.append(render_json_feed(site, latest))
    outputs.append(render_sitemap(site, list_urls))
    outputs.append(render_robots(site))
    outputs.extend(theme.assets.values())
    if progress:
        progress(total, total)
    return outputs
