"""What a page tells search engines, social networks and chat apps: Open Graph, Twitter cards, JSON-LD.

Every page gets Open Graph and a Twitter card (`base.html` writes them outside any block, so a
theme's page template cannot drop them by accident): `summary_large_image` with the page's own
1200×630 card picture (an article's lead photo), else the site's (`image:` in `sitegen.yaml`),
else a plain `summary`. Articles add `article:*` times, section and tags, and `NewsArticle`
structured data with the photo.
"""

from __future__ import annotations

from typing import Any

from sitegen.content.model import Page, Site
from sitegen.images import ImageInfo
from sitegen.render.pictures import largest, media_url
from sitegen.render.views import CardView, SocialView

OG_LOCALES = {"uk": "uk_UA", "en": "en_US", "ru": "ru_RU", "de": "de_DE", "pl": "pl_PL", "fr": "fr_FR"}


def og_locale(lang: str) -> str:
    """`uk` -> `uk_UA`; a language with a region keeps it (`en-GB` -> `en_GB`)."""
    return lang.replace("-", "_") if "-" in lang else OG_LOCALES.get(lang, lang)


def card_view(site: Site, info: ImageInfo | None, alt: str) -> CardView | None:
    """The sharing card of a processed picture (`None` for none, or for an SVG, which no network shows)."""
    card = info.card() if info is not None else None
    if info is None or card is None:
        return None
    url = site.absolute_url(media_url(site.config.base_path, info, card))
    return CardView(url=url, width=card.width, height=card.height, alt=alt)


def website_social(lang: str) -> SocialView:
    """A page that is not an article (home, lists): the site's card picture."""
    return SocialView(type="website", locale=og_locale(lang), image=None, article=[])


def article_social(site: Site, page: Page, card: CardView | None) -> SocialView:
    """An article: its own card picture when it has a photo, times, rubric and tags."""
    times = [("article:published_time", page.meta.date.isoformat())]
    if page.meta.updated:
        times.append(("article:modified_time", page.meta.updated.isoformat()))
    if page.meta.category:
        times.append(("article:section", page.meta.category))
    times += [("article:tag", site.tags[t].name) for t in page.tag_slugs]
    return SocialView(type="article", locale=og_locale(page.lang), image=card, article=times)


def json_ld(site: Site, page: Page, canonical: str, photo: ImageInfo | None) -> dict[str, Any]:
    """`NewsArticle` structured data: headline, dates with offsets, author, publisher, photo.

    Nothing the page's meta tags already say to the same readers (issue 18): the description is the meta and
    `og:description`, the tags are `article:tag`, and `url` is the page itself (no `mainEntityOfPage` repeating it).
    """
    modified = page.meta.updated or page.meta.date
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": page.meta.date.isoformat(),
        "dateModified": modified.isoformat(),
        "inLanguage": page.lang,
        "url": canonical,
        "publisher": {"@type": "Organization", "name": site.config.publisher},
    }
    if photo is not None:
        base = site.config.base_path
        urls = [media_url(base, photo, largest(photo))] + ([media_url(base, photo, c)] if (c := photo.card()) else [])
        data["image"] = [site.absolute_url(u) for u in urls]
    if page.author_slugs:  # every author, each with the page of their articles
        data["author"] = [
            {"@type": "Person", "name": site.authors[a].name, "url": site.absolute_url(site.authors[a].url)}
            for a in page.author_slugs
        ]
    if page.meta.category:
        data["articleSection"] = page.meta.category
    if page.meta.location:
        data["contentLocation"] = {"@type": "Place", "name": page.meta.location}
    return data
