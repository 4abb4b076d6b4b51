"""HTML pages: article, the tag index, paginated tag pages and 404 (editions and home: `editions.py`)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from markupsafe import Markup

from sitegen.content.model import Edition, Page, Site, Tag
from sitegen.content.schema import ImageMeta
from sitegen.errors import TemplateError
from sitegen.images import ImageInfo, ImageSet
from sitegen.render.markdown import RenderedBody, render_markdown
from sitegen.render.output import Output
from sitegen.render.pagination import chunks, out_path, page_title, page_url, pagination
from sitegen.render.pictures import largest, media_url, picture_html
from sitegen.render.reading import reading_minutes
from sitegen.render.sharing import article_social, card_view, json_ld, website_social
from sitegen.render.strings import Strings
from sitegen.render.theme import Theme
from sitegen.render.views import (
    ArticleContext,
    ArticleView,
    BaseContext,
    GroupListContext,
    ImageView,
    LinkView,
    ListContext,
    SearchContext,
    SourceView,
    TagGroupView,
    TagIndexContext,
    TagLinkView,
    link_view,
    site_view,
    summary_view,
)

DESCRIPTION_LENGTH = 200


def page_description(page: Page, body: RenderedBody) -> str:
    """The summary, else the start of the body, cut at a word."""
    text = page.meta.summary or body.text.split("\n", 1)[0]
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + "…"


def render_article(site: Site, theme: Theme, page: Page, body: RenderedBody, images: ImageSet) -> Output:
    """One article page, with Open Graph, a Twitter card and JSON-LD `NewsArticle`."""
    s = theme.strings_for(page.lang)
    meta = page.meta
    description = page_description(page, body)
    canonical = site.absolute_url(page.url)
    photo = images.get(page.id, meta.image.src) if meta.image and meta.image.src else None
    view = ArticleView(
        **summary_view(site, page, s),
        datetime_text=s.datetime(page.local_date),
        updated_iso=meta.updated.isoformat() if meta.updated else None,
        updated_text=s.datetime(meta.updated.astimezone(page.local_date.tzinfo)) if meta.updated else None,
        author=meta.author,
        authors=[LinkView(title=site.authors[a].name, url=site.authors[a].url) for a in page.author_slugs],
        location=meta.location,
        source=SourceView(name=meta.source.name, url=meta.source.url) if meta.source else None,
        image=_image_view(site, meta.image, photo) if meta.image else None,
        body_html=Markup(body.html),  # markdown-it with raw HTML off: safe by construction
        curator_note_html=Markup(render_markdown(meta.curator_note, page.lang).html) if meta.curator_note else None,
        featured=meta.featured,
        reading_time=s.plural("reading_time", reading_minutes(body.text)),
        edition=_edition_link(site, page, s),
    )
    prev_page = site.pages[page.prev_id] if page.prev_id else None
    next_page = site.pages[page.next_id] if page.next_id else None
    base = _base(site, s, page.lang, "article", page.title, description, canonical)
    card = card_view(site, photo, meta.image.alt or meta.image.caption) if photo and meta.image else None
    base["social"] = article_social(site, page, card)
    base["jsonld"] = json_ld(site, page, canonical, photo)
    base["frame_sources"] = list(body.frame_origins)
    context = ArticleContext(
        **base,
        article=view,
        prev_article=link_view(prev_page),
        next_article=link_view(next_page),
        related=[summary_view(site, site.pages[i], s) for i in page.related_ids],
    )
    return _render(theme, "article.html", context, page.out_path, page.id)


def _image_view(site: Site, image: ImageMeta, photo: ImageInfo | None) -> ImageView:
    big = largest(photo) if photo else None
    return ImageView(
        caption=image.caption,
        credit=image.credit,
        src=image.src,
        alt=image.alt,
        picture_html=picture_html(photo, image.alt, site.config.base_path, lead=True) if photo else None,
        url=media_url(site.config.base_path, photo, big) if photo and big else None,
        width=big.width if big else 0,
        height=big.height if big else 0,
    )


def _edition_link(site: Site, page: Page, s: Strings) -> LinkView | None:
    edition = site.editions.get(page.edition_key)
    return LinkView(title=edition_title(edition, s), url=edition.url) if edition else None


@dataclass(frozen=True, slots=True)
class GroupKind:
    """Tags, rubrics or authors: where their pages live and how the theme names them."""

    kind: str
    """The page kind of one list (`tag`, `rubric`, `author`): its template and `<body>` class."""
    folder: str
    """`tags`, `rubrics`, `authors`: the URL folder, the index page's template and its kind."""
    heading: str
    """Theme string naming them all (the index page's heading)."""
    intro: str
    """Theme string under that heading."""
    kicker: str
    """Theme string above one list's heading (`Тег`), linked to the index page."""

    def groups(self, site: Site) -> Mapping[str, Tag]:
        """The site's tags, rubrics or authors by slug."""
        found: Mapping[str, Tag] = getattr(site, self.folder)
        return found


TAGS = GroupKind("tag", "tags", "tags", "tags_intro", "tag_heading")
RUBRICS = GroupKind("rubric", "rubrics", "rubrics", "rubrics_intro", "rubric_heading")
AUTHORS = GroupKind("author", "authors", "authors", "authors_intro", "author_heading")
GROUP_KINDS = (TAGS, RUBRICS, AUTHORS)


def render_tag_index(site: Site, theme: Theme, kind: GroupKind = TAGS) -> Output:
    """`/tags/` (or `/rubrics/`, `/authors/`): every tag with its count, grouped by first letter.

    Letters come in the order of the theme's `alphabet` string for the site language (Python
    orders Є, І, Ї, Ґ apart from their neighbours, by code point), then other letters, then the rest.
    """
    s = theme.strings_for(site.config.language)
    alphabet = {letter: i for i, letter in enumerate(str(s.alphabet).casefold())}
    other = len(alphabet)

    def collation(text: str) -> tuple[tuple[int, int], ...]:
        return tuple((alphabet.get(c, other), ord(c)) for c in text.casefold())

    tags = sorted(kind.groups(site).values(), key=lambda t: (collation(t.name), t.slug))
    groups: list[TagGroupView] = []
    rest: list[TagLinkView] = []
    for tag in tags:
        view = TagLinkView(name=tag.name, url=tag.url, count=len(tag.page_ids))
        first = tag.name[:1].upper()
        if not first.isalpha():
            rest.append(view)
        elif groups and groups[-1]["letter"] == first:
            groups[-1]["tags"].append(view)
        else:
            groups.append(TagGroupView(letter=first, anchor=first, tags=[view]))
    if rest:
        groups.append(TagGroupView(letter=s.tags_other, anchor="other", tags=rest))
    heading = s.format(kind.heading)
    url = site.url(f"{kind.folder}/")
    context = TagIndexContext(
        **_base(site, s, site.config.language, kind.folder, heading, "", site.absolute_url(url)),
        heading=heading,
        intro=s.format(kind.intro),
        tags=[t for g in groups for t in g["tags"]],
        groups=groups,
    )
    return _render(theme, f"{kind.folder}.html", context, f"{kind.folder}/index.html", kind.folder)


def render_tag_pages(site: Site, theme: Theme, tag: Tag, kind: GroupKind = TAGS) -> list[Output]:
    """One tag's (rubric's, author's) articles, `per_page` a page: `/tags/<slug>/`, then `/tags/<slug>/page/<n>/`."""
    s = theme.strings_for(site.config.language)
    pages = chunks(tag.page_ids, site.config.per_page)
    total = len(pages)
    feeds = [LinkView(title=f"{site.config.title}: {tag.name}", url=tag.url + "feed.xml")]
    index = LinkView(title=s.format(kind.kicker), url=site.url(f"{kind.folder}/"))
    outputs = []
    for n, ids in enumerate(pages, 1):
        url = page_url(tag.url, n)
        base = _base(
            site, s, site.config.language, kind.kind, page_title(tag.name, n, total, s), "", site.absolute_url(url)
        )
        base["feeds"] = base["feeds"] + feeds
        context = GroupListContext(
            **base,
            heading=tag.name,
            articles=[summary_view(site, site.pages[i], s) for i in ids],
            pagination=pagination(tag.url, n, total),
            tag=TagLinkView(name=tag.name, url=tag.url, count=len(tag.page_ids)),
            index=index,
        )
        outputs.append(_render(theme, f"{kind.kind}.html", context, out_path(site, url), f"{kind.kind} {tag.name}"))
    return outputs


def render_search_page(site: Site, theme: Theme, index_url: str, preload_urls: Sequence[str]) -> Output:
    """`/search/`: the form (works without JavaScript) and the place the search script puts results.

    `index_url`: the search index's manifest; `preload_urls`: the files the script loads before any query.
    """
    s = theme.strings_for(site.config.language)
    context = SearchContext(
        **_base(site, s, site.config.language, "search", s.nav_search, "", site.absolute_url(site.url("search/"))),
        index_url=index_url,
        preload_urls=list(preload_urls),
        plural_categories=s.plural_categories(200),
    )
    return _render(theme, "search.html", context, "search/index.html", "search")


def render_not_found(site: Site, theme: Theme) -> Output:
    """`/404.html`: links are root-relative, so it works at any depth."""
    s = theme.strings_for(site.config.language)
    context = ListContext(
        **_base(site, s, site.config.language, "404", s.not_found, "", site.absolute_url(site.url("404.html"))),
        heading=s.not_found,
        articles=[summary_view(site, p, s) for p in site.newest(5)],
        pagination=None,
        tag=None,
    )
    return _render(theme, "404.html", context, "404.html", "404")


def edition_title(edition: Edition, s: Strings) -> str:
    """The editor's title, else `Випуск за 9–15 лютого 2026` from the theme strings."""
    return edition.title or s.format("edition_default_title", range=s.date_range(edition.start, edition.end))


def _base(site: Site, s: Strings, lang: str, kind: str, title: str, description: str, canonical: str) -> BaseContext:
    return BaseContext(
        site=site_view(site),
        s=s,
        lang=lang,
        kind=kind,
        page_title=title,
        description=description or site.config.description,
        canonical_url=canonical,
        feeds=[LinkView(title=site.config.title, url=site.url("feed.xml"))],
        social=website_social(lang),
        jsonld=None,
        frame_sources=[],
    )


def _render(theme: Theme, name: str, context: Mapping[str, Any], target: str, source: str) -> Output:
    """Render a template; any failure inside it names the template line and the page."""
    template = theme.template(name)
    try:
        html = template.render(context)
    except (JinjaTemplateError, LookupError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        where = _template_frame(theme, sys.exc_info()[2])
        if where is None and not isinstance(exc, JinjaTemplateError):
            raise  # not raised inside a template: a bug in sitegen, keep the traceback
        filename, line = where or (template.filename, None)
        path = theme.display_path(filename)
        message = exc.message if isinstance(exc, JinjaTemplateError) and exc.message else str(exc).strip("'\"")
        raise TemplateError(
            f"{message} (while rendering {source})", path=path, line=line, source_line=_template_line(filename, line)
        ) from exc
    return Output(out_path=target, data=html.encode("utf-8"), source=source)


def _template_line(filename: str | None, line: int | None) -> str | None:
    """Line `line` of a template file, shown under the error."""
    if not filename or not line:
        return None
    try:
        lines = Path(filename).read_text("utf-8", "replace").splitlines()
    except OSError:
        return None
    return lines[line - 1] if line <= len(lines) else None


def _template_frame(theme: Theme, tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost traceback frame that runs a theme template: its absolute file name and line."""
    found = None
    roots = [str(d) for d in theme.dirs]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(filename.startswith(r) for r in roots) and Path(filename).suffix in (".html", ".xml", ".txt"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
