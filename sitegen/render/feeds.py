"""Atom feeds (site-wide and per tag) and JSON Feed 1.1, from one list of entries.

Text that XML 1.0 cannot hold (control characters) is dropped so a feed always parses
(reliability.md §1, `"\\0"` escapes in YAML).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urljoin

from markupsafe import escape

from sitegen import __version__
from sitegen.content.model import Page, Site
from sitegen.images import ImageSet
from sitegen.render.markdown import RenderedBody, render_markdown
from sitegen.render.output import Output
from sitegen.render.pictures import largest, media_url

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
"""Media RSS: the lead photo of an entry (`media:content`), which feed readers show as its picture."""
EPOCH = "1970-01-01T00:00:00+00:00"
_ABSOLUTE = ("https://", "http://", "mailto:")
_LINK_ATTR = re.compile(r'\b(href|src|srcset)="([^"]*)"')
_NOT_XML = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 cannot hold: the complement of its `Char` production (#x9 | #xA | #xD | [#x20-#xD7FF] |
[#xE000-#xFFFD] | [#x10000-#x10FFFF]). Written as the negated class, it took ~15 ms of every process start to
compile (tests/test_feeds.py compares the two on every code point)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What every feed says of one article."""

    title: str
    url: str
    """Absolute."""
    published: str
    updated: str
    """When the story last changed: `updated:` of the page, else its date."""
    authors: tuple[str, ...]
    summary: str | None
    content_html: str
    tags: tuple[str, ...]
    lang: str
    image: FeedImage | None = None
    """The lead photo (Atom `media:content`, JSON Feed `image`)."""


@dataclass(frozen=True, slots=True)
class FeedImage:
    """A feed entry's picture: absolute URL, type and size."""

    url: str
    mime: str
    width: int
    height: int


def feed_entry(site: Site, page: Page, body: RenderedBody, images: ImageSet | None = None) -> FeedEntry:
    """What every feed says of one article (computed once per article, whatever the number of feeds)."""
    url = site.absolute_url(page.url)
    image = page.meta.image
    photo = images.get(page.id, image.src) if images and image and image.src else None
    lead = None
    content = body.html
    if photo is not None and image is not None:
        big = largest(photo)
        lead = FeedImage(
            site.absolute_url(media_url(site.config.base_path, photo, big)), big.mime, big.width, big.height
        )
        caption = " ".join(p for p in (image.caption, f"({image.credit})" if image.credit else "") if p)
        figure = f'<figure><img src="{html.escape(lead.url)}" alt="{html.escape(image.alt)}" '
        figure += f'width="{lead.width}" height="{lead.height}">'
        content = (
            figure + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "") + "</figure>\n" + content
        )
    return FeedEntry(
        title=page.title,
        url=url,
        published=page.meta.date.isoformat(),
        updated=(page.meta.updated or page.meta.date).isoformat(),
        authors=page.meta.authors,
        summary=page.meta.summary,
        content_html=absolutize_links(content, url),
        tags=tuple(site.tags[t].name for t in page.tag_slugs),
        lang=page.lang,
        image=lead,
    )


def lead_entry(site: Site, page: Page, entry: FeedEntry, note_label: str) -> FeedEntry:
    """The article's feed entry with the lead and the curator's note as its content (tag and edition feeds).

    Only the site feed carries whole bodies: an article is in several tag feeds and in one edition
    feed, and a body in each would repeat the whole site several times over (23 of 40 MiB at
    1,000 articles, issue 18). Without a lead or a note the body stays: there is nothing shorter.
    With a lead and no note there is no content at all: the entry's `<summary>` already says the lead
    and its alternate link points to the story (Atom needs no `<content>` then, RFC 4287 §4.1.1.1).
    No `<category>` either: these feeds are summaries of a topic, an author or a week, and a story's tags are on its
    page and in the site feed (they were a seventh of these feeds' bytes, issue 18).
    """
    entry = replace(entry, tags=())
    if not page.meta.curator_note:
        return replace(entry, content_html="") if page.meta.summary else entry
    parts = [f"<p>{escape(page.meta.summary)}</p>"] if page.meta.summary else []
    note = absolutize_links(render_markdown(page.meta.curator_note, page.lang).html, entry.url)
    parts.append(f"<blockquote><p><strong>{escape(note_label)}:</strong></p>{note}</blockquote>")
    read = f'<p><a href="{escape(entry.url)}">{escape(page.title)}</a></p>'
    return replace(entry, content_html="\n".join([*parts, read]))


def absolutize_links(body_html: str, base: str) -> str:
    """Resolve relative `href`/`src` in rendered HTML against the article's absolute URL.

    Feed readers show content away from the site, where `../x/` or `/digest/x/` would point nowhere
    (JSON Feed has no `xml:base`).
    """

    def absolute(url: str) -> str:
        return url if url.startswith(_ABSOLUTE) else urljoin(base, url)

    def resolve(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        if match.group(1) == "srcset":  # `a.jpg 480w, b.jpg 800w`
            value = ", ".join(" ".join([absolute(c.split()[0]), *c.split()[1:]]) for c in value.split(",") if c.split())
        elif value.startswith(_ABSOLUTE):
            return match.group(0)
        else:
            value = absolute(value)
        return f'{match.group(1)}="{html.escape(value, quote=True)}"'

    return _LINK_ATTR.sub(resolve, body_html)


def render_atom(site: Site, entries: Sequence[FeedEntry], *, out_path: str, title: str, page_url: str) -> Output:
    """An Atom 1.0 feed at `out_path`; `page_url` is the HTML page it mirrors (root-relative).

    Written as text, one line per element, not indented: the bytes ElementTree's `indent` (with no
    spaces) + `tostring` make, at a fraction of the cost (a tree of every entry of every tag feed was a
    second of a 5,000-article build, issue 18; tests/test_feeds.py compares both). An entry's link and
    summary leave out what Atom assumes (`rel="alternate"`, `type="text"`, RFC 4287 §4.2.7.2, §3.1.1):
    with the indentation, some 80 bytes an entry, a tenth of a lead-only entry (issue 18). Likewise `<published>`
    only when the story was updated since (as JSON Feed's `date_modified` only when it differs).
    """
    self_url = site.absolute_url(site.config.base_path + out_path)
    media = any(e.image for e in entries)
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<feed xmlns="{ATOM_NS}"'
        + (f' xmlns:media="{MEDIA_NS}"' if media else "")
        + f" xml:lang={_attr(site.config.language)}>",
        _leaf(1, "title", title),
    ]
    if site.config.description:
        out.append(_leaf(1, "subtitle", site.config.description))
    out.append(f'<link href={_attr(self_url)} rel="self" type="application/atom+xml" />')
    out.append(f'<link href={_attr(site.absolute_url(page_url))} rel="alternate" type="text/html" />')
    out.append(_leaf(1, "id", self_url))
    out.append(_leaf(1, "updated", max((e.updated for e in entries), key=_instant) if entries else EPOCH))
    out += ["<author>", _leaf(2, "name", site.config.publisher), "</author>"]
    out.append(_leaf(1, "generator", "sitegen", f" version={_attr(__version__)}"))
    for e in entries:
        out += ["<entry>", _leaf(2, "title", e.title)]
        out.append(f"<link href={_attr(e.url)} />")
        out.append(_leaf(2, "id", e.url))
        if e.published != e.updated:  # optional in Atom (RFC 4287 §4.2.9): `<updated>` says it when they agree
            out.append(_leaf(2, "published", e.published))
        out.append(_leaf(2, "updated", e.updated))
        for name in e.authors:
            out += ["<author>", _leaf(3, "name", name), "</author>"]
        out += [f"<category term={_attr(_clean(tag))} />" for tag in e.tags]
        if e.summary:
            out.append(_leaf(2, "summary", e.summary))
        if e.content_html:  # an entry without content has its summary and its alternate link (`lead_entry`)
            out.append(_leaf(2, "content", e.content_html, ' type="html"'))
        if e.image:
            i = e.image
            out.append(
                f'<media:content url={_attr(i.url)} medium="image" type={_attr(i.mime)} '
                f"width={_attr(str(i.width))} height={_attr(str(i.height))} />"
            )
        out.append("</entry>")
    out.append("</feed>\n")
    return Output(out_path=out_path, data="\n".join(out).encode("utf-8"), source=f"feed {out_path}")


def render_json_feed(site: Site, entries: Sequence[FeedEntry], *, out_path: str = "feed.json") -> Output:
    """A JSON Feed 1.1 document."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.config.title,
        "home_page_url": site.config.base_url,
        "feed_url": site.absolute_url(site.config.base_path + out_path),
        "description": site.config.description,
        "language": site.config.language,
        "authors": [{"name": site.config.publisher}],
        "items": [
            {
                "id": e.url,
                "url": e.url,
                "title": e.title,
                "content_html": e.content_html,
                **({"summary": e.summary} if e.summary else {}),
                "date_published": e.published,
                **({"date_modified": e.updated} if e.updated != e.published else {}),
                **({"image": e.image.url} if e.image else {}),
                **({"authors": [{"name": name} for name in e.authors]} if e.authors else {}),
                "tags": list(e.tags),
                "language": e.lang,
            }
            for e in entries
        ],
    }
    data = json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    return Output(out_path=out_path, data=data, source=f"feed {out_path}")


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _leaf(level: int, tag: str, text: str, attrs: str = "") -> str:
    """One element holding text (`<tag />` when the text is empty, as ElementTree writes it); `level`, its depth,
    says where it sits (the feed is not indented)."""
    text = _clean(text)
    if not text:
        return f"<{tag}{attrs} />"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<{tag}{attrs}>{escaped}</{tag}>"


def _attr(value: str) -> str:
    """A quoted XML attribute value, escaped as ElementTree escapes it."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return '"' + value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;") + '"'


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)
