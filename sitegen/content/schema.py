"""Checks front matter against the DESIGN contract and returns `PageMeta`, or located errors.

Every problem of a page is collected (not only the first), each with the line of its key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from babel import Locale, UnknownLocaleError

from sitegen.content.dates import LocalTimeError, parse_site_datetime
from sitegen.content.slugs import is_valid_slug
from sitegen.content.urls import is_safe_url
from sitegen.errors import FrontMatterError, SitegenError
from sitegen.source.frontmatter import FrontMatter

KNOWN_KEYS = frozenset(
    {
        "title", "date", "tags", "category", "summary", "author", "location", "source", "lang",
        "image", "draft", "featured", "curator_note", "slug", "imported_from",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where the story came from."""

    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class ImageMeta:
    """The story's photo: a caption and credit from the source, optionally a picture URL."""

    caption: str
    credit: str
    src: str | None
    alt: str


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Validated front matter of one article."""

    title: str
    date: datetime
    """Aware: the offset written in the file, or the site time zone's for a date without one."""
    tags: tuple[str, ...]
    category: str | None
    summary: str | None
    author: str | None
    location: str | None
    source: SourceRef | None
    lang: str | None
    image: ImageMeta | None
    draft: bool
    featured: bool
    curator_note: str | None
    slug: str | None
    imported_from: Mapping[str, Any] | None
    extra: Mapping[str, Any]
    """Keys the contract does not know, kept for templates."""


class _Checker:
    """Collects located problems while reading one page's front matter."""

    def __init__(self, fm: FrontMatter, rel_path: str, lines: list[str]) -> None:
        self.fm = fm
        self.rel_path = rel_path
        self.lines = lines
        self.problems: list[SitegenError] = []

    def problem(self, key: str, message: str, hint: str | None = None) -> None:
        line = self.fm.key_lines.get(key, 1)
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        self.problems.append(
            FrontMatterError(f"{key}: {message}", path=self.rel_path, line=line, hint=hint, source_line=src)
        )

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.fm.data.get(key)
        if value is None:
            if required:
                what = "required, but empty" if key in self.fm.data else "missing; every page needs one"
                self.problem(key, what, f'add `{key}: "…"` to the front matter')
            return None
        if not isinstance(value, str):
            self.problem(key, f"expected text, got {describe(value)}", _quote_hint(key, value))
            return None
        if required and not value.strip():
            self.problem(key, "required, but empty")
            return None
        return value.strip()

    def flag(self, key: str) -> bool:
        value = self.fm.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {describe(value)}")
            return False
        return value

    def url(self, key: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(key, f"expected a URL, got {describe(value)}")
            return None
        if not is_safe_url(value.strip()):
            self.problem(key, f"unsafe URL {value!r}", "only http, https, mailto or relative links are allowed")
            return None
        return value.strip() or None


def validate_page(
    fm: FrontMatter, rel_path: str, text_lines: list[str], *, timezone: str
) -> tuple[PageMeta | None, list[SitegenError]]:
    """Front matter -> `PageMeta`; `None` and the problems when anything is wrong.

    `timezone` (the site's) places a `date` written without a UTC offset.
    """
    c = _Checker(fm, rel_path, text_lines)
    title = c.text("title", required=True)
    date = _date(c, timezone)
    tags = _tags(c)
    category, summary = c.text("category"), c.text("summary")
    author, location = c.text("author"), c.text("location")
    source = _source(c)
    lang = _lang(c)
    image = _image(c)
    draft, featured = c.flag("draft"), c.flag("featured")
    curator_note = c.text("curator_note")
    slug = _slug(c)
    imported_from = _mapping(c, "imported_from")
    if c.problems or title is None or date is None:
        return None, c.problems
    extra = {k: v for k, v in fm.data.items() if k not in KNOWN_KEYS}
    meta = PageMeta(
        title=title, date=date, tags=tags, category=category or None, summary=summary or None,
        author=author or None, location=location or None, source=source, lang=lang, image=image,
        draft=draft, featured=featured, curator_note=curator_note or None, slug=slug,
        imported_from=imported_from, extra=MappingProxyType(extra),
    )  # fmt: skip
    return meta, []


def _date(c: _Checker, timezone: str) -> datetime | None:
    if "date" not in c.fm.data or c.fm.data["date"] is None:
        c.problem("date", "required", "add `date: 2026-02-12T18:10:00+02:00`")
        return None
    raw = c.fm.data["date"]
    if not isinstance(raw, str):
        c.problem("date", f"expected an ISO 8601 date-time, got {describe(raw)}")
        return None
    try:
        return parse_site_datetime(raw, timezone)
    except LocalTimeError as exc:
        hint = "write the time after the change, or give the UTC offset: 2026-03-29T04:30:00+03:00"
        c.problem("date", str(exc), hint)
    except ValueError as exc:
        c.problem(
            "date",
            f"not a valid date-time {raw!r} ({exc})",
            "write it as 2026-02-12, 2026-02-12T18:10 (site time zone) or 2026-02-12T18:10:00+02:00",
        )
    return None


def _tags(c: _Checker) -> tuple[str, ...]:
    value = c.fm.data.get("tags")
    if value is None:
        return ()
    if not isinstance(value, list):
        c.problem("tags", f"expected a list such as [НАТО, Україна], got {describe(value)}", "write tags: [a, b]")
        return ()
    tags: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            c.problem("tags", f"item {i + 1}: expected text, got {describe(item)}", _ITEM_QUOTE_HINT)
        elif item.strip() not in tags:
            tags.append(item.strip())
    return tuple(tags)


def _source(c: _Checker) -> SourceRef | None:
    value = c.fm.data.get("source")
    if value is None:
        return None
    if isinstance(value, str):
        return SourceRef(name=value.strip(), url=None) if value.strip() else None
    if not isinstance(value, dict):
        c.problem("source", f"expected {{name: …, url: …}}, got {describe(value)}")
        return None
    name = value.get("name")
    if name is not None and not isinstance(name, str):
        c.problem("source", f"name: expected text, got {describe(name)}")
        return None
    url = c.url("source", value.get("url"))
    if not name and not url:
        return None
    return SourceRef(name=(name or "").strip() or (url or ""), url=url)


def _lang(c: _Checker) -> str | None:
    value = c.text("lang")
    if value is None:
        return None
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        hint = "the code for Ukrainian is uk" if value.lower() == "ua" else "use a BCP 47 code such as uk, en, ru"
        c.problem("lang", f"unknown language {value!r}", hint)
        return None
    return value


def _image(c: _Checker) -> ImageMeta | None:
    value = c.fm.data.get("image")
    if value is None:
        return None
    if not isinstance(value, dict):
        c.problem("image", f"expected {{caption: …, credit: …}}, got {describe(value)}")
        return None
    texts: dict[str, str] = {}
    for key in ("caption", "credit", "alt"):
        item = value.get(key)
        if item is not None and not isinstance(item, str):
            c.problem("image", f"{key}: expected text, got {describe(item)}")
            return None
        texts[key] = (item or "").strip()
    src = c.url("image", value.get("src"))
    return ImageMeta(caption=texts["caption"], credit=texts["credit"], src=src, alt=texts["alt"] or texts["caption"])


def _slug(c: _Checker) -> str | None:
    value = c.fm.data.get("slug")
    if value is None:
        return None
    if not isinstance(value, str) or not is_valid_slug(value):
        c.problem(
            "slug",
            f"{value!r} is not a valid slug",
            "use lowercase latin letters, digits and single hyphens, e.g. perehovory-z-kremlem",
        )
        return None
    return value


def _mapping(c: _Checker, key: str) -> Mapping[str, Any] | None:
    value = c.fm.data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        c.problem(key, f"expected a mapping, got {describe(value)}")
        return None
    return MappingProxyType(value)


_ITEM_QUOTE_HINT = "put the item in quotes; YAML reads no, yes, on and off as true/false and 2026 as a number"


def _quote_hint(key: str, value: Any) -> str:
    """How to write `value` as the text it probably meant."""
    if isinstance(value, (list, dict)):
        return f'write one line of text: {key}: "…"'
    if isinstance(value, bool):
        return f'put it in quotes: {key}: "…"; YAML reads no, yes, on and off as true/false'
    return f'put it in quotes: {key}: "{value}"'


def describe(value: Any) -> str:
    """How a wrong value reads in an error: `a yes/no value (False)`, `a list`, …"""
    kinds: list[tuple[type | tuple[type, ...], Callable[[Any], str]]] = [
        (bool, lambda v: f"a yes/no value ({str(v).lower()})"),
        ((int, float), lambda v: f"a number ({v})"),
        (str, lambda v: "text"),
        (list, lambda v: "a list"),
        (dict, lambda v: "a mapping"),
    ]
    if value is None:
        return "nothing"
    for kind, text in kinds:
        if isinstance(value, kind):
            return text(value)
    return type(value).__name__
