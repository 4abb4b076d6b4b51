"""Embeds without raw HTML: an ```` ```embed ```` block names a video or a post, the page shows a private placeholder.

The block holds a URL, or a small YAML mapping (`url`, `title`, `caption`, and for a link card
`description` and `card: true`). The URL must belong to a provider on the allowlist below
(YouTube, Vimeo, Telegram posts, X posts); any other page is shown only as a link card, and only
when the block says `card: true`: anything else is an error at the block's line.

Private by default: the page shows a placeholder (provider, title, a notice) that is a plain link
to the original, so without JavaScript it simply opens the video or post there. The theme's
`embed.js` swaps the placeholder for the provider's frame when the reader clicks it; until then no
request leaves for the provider. A page's Content-Security-Policy lets frames come only from the
providers that page embeds (`frame_origin`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import yaml
from markupsafe import Markup, escape

from sitegen.content.urls import is_safe_url

KEYS = ("url", "title", "caption", "description", "card")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_TELEGRAM_CHANNEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_DIGITS = re.compile(r"^[0-9]{1,20}$")
_X_USER = re.compile(r"^[A-Za-z0-9_]{1,15}$")


class EmbedError(Exception):
    """Why an embed block is refused; `line`: the line inside the block it is about (0 = the first after
    the opening fence), `None` for the whole block (reported at the fence)."""

    def __init__(self, message: str, hint: str | None = None, line: int | None = None, key: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.line = line
        self.key = key
        """The key the problem is about, when there is one (its line is reported)."""


class UrlError(EmbedError):
    """The block's address is not one the allowlist can embed (reported at the address's line)."""


@dataclass(frozen=True, slots=True)
class Embed:
    """One embed block, checked: what the placeholder shows and the frame it opens."""

    provider: str
    """`youtube`, `vimeo`, `telegram`, `x` or `card`."""
    label: str
    """The provider as readers know it: `YouTube`, `Telegram`, or a link card's host name."""
    url: str
    """The original page (the placeholder's link)."""
    title: str
    caption: str
    description: str
    frame_url: str | None
    """The provider's player or post frame; `None` for a link card."""

    @property
    def frame_origin(self) -> str | None:
        """`https://www.youtube-nocookie.com`: what the page's CSP must allow in `frame-src`."""
        if self.frame_url is None:
            return None
        parts = urlsplit(self.frame_url)
        return f"{parts.scheme}://{parts.netloc}"


def _youtube(url: Any) -> str | None:
    host, path, query = url.hostname or "", url.path, parse_qs(url.query)
    video = None
    if host == "youtu.be":
        video = path.strip("/").split("/")[0]
    elif host.removeprefix("www.").removeprefix("m.") in ("youtube.com", "youtube-nocookie.com"):
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["watch"]:
            video = (query.get("v") or [""])[0]
        elif len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
            video = parts[1]
    else:
        return None
    if not video or not _YOUTUBE_ID.match(video):
        raise UrlError(f"no YouTube video id in {url.geturl()}", "link to the video page: youtube.com/watch?v=…")
    params = {"autoplay": "1"}
    start = (query.get("t") or query.get("start") or [""])[0].rstrip("s")
    if start.isdigit():
        params["start"] = start
    return f"https://www.youtube-nocookie.com/embed/{video}?{urlencode(params)}"


def _vimeo(url: Any) -> str | None:
    host = url.hostname or ""
    if host.removeprefix("www.") not in ("vimeo.com", "player.vimeo.com"):
        return None
    parts = [p for p in url.path.split("/") if p]
    video = parts[1] if parts[:1] == ["video"] and len(parts) > 1 else (parts[0] if parts else "")
    if not _DIGITS.match(video):
        raise UrlError(f"no Vimeo video number in {url.geturl()}", "link to the video page: vimeo.com/123456789")
    return f"https://player.vimeo.com/video/{video}?dnt=1&autoplay=1"


def _telegram(url: Any) -> str | None:
    if (url.hostname or "") not in ("t.me", "telegram.me"):
        return None
    parts = [p for p in url.path.split("/") if p]
    if parts[:1] == ["s"]:
        parts = parts[1:]
    if len(parts) != 2 or not _TELEGRAM_CHANNEL.match(parts[0]) or not _DIGITS.match(parts[1]):
        raise UrlError(
            f"{url.geturl()} is not a post of a public Telegram channel", "link to one post: t.me/channel/1234"
        )
    return f"https://t.me/{parts[0]}/{parts[1]}?embed=1"


def _x(url: Any) -> str | None:
    host = (url.hostname or "").removeprefix("www.").removeprefix("mobile.")
    if host not in ("x.com", "twitter.com"):
        return None
    parts = [p for p in url.path.split("/") if p]
    if len(parts) < 3 or not _X_USER.match(parts[0]) or parts[1] != "status" or not _DIGITS.match(parts[2]):
        raise UrlError(f"{url.geturl()} is not an X post", "link to one post: x.com/user/status/1234567890")
    return f"https://platform.twitter.com/embed/Tweet.html?{urlencode({'id': parts[2], 'dnt': 'true'})}"


PROVIDERS: dict[str, tuple[str, Callable[[Any], str | None]]] = {
    "youtube": ("YouTube", _youtube),
    "vimeo": ("Vimeo", _vimeo),
    "telegram": ("Telegram", _telegram),
    "x": ("X", _x),
}
"""The allowlist: provider key -> (label, URL -> frame URL, `None` when the URL is not this provider's)."""


def parse_embed(text: str) -> Embed:
    """The content of an ```` ```embed ```` block -> `Embed`, or `EmbedError`."""
    fields = _fields(text)
    url = fields.get("url")
    if not isinstance(url, str) or not url.strip():
        raise EmbedError("an embed needs a url", "write the address on the block's first line, or `url: …`")
    url = url.strip()
    try:
        return _embed(url, fields)
    except UrlError as exc:
        exc.line = _key_line(text, "url")
        raise
    except EmbedError as exc:
        if exc.key:
            exc.line = _key_line(text, exc.key)
        raise


def _embed(url: str, fields: dict[str, Any]) -> Embed:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or not is_safe_url(url):
        raise UrlError(f"{url!r} is not a web address", "write the full address, starting with https://")
    texts = {}
    for key in ("title", "caption", "description"):
        value = fields.get(key, "")
        if value is not None and not isinstance(value, str):
            raise EmbedError(f"{key}: expected text", f'put it in quotes: {key}: "…"', key=key)
        texts[key] = (value or "").strip()
    card = fields.get("card", False)
    if not isinstance(card, bool):
        raise EmbedError("card: expected true or false", key="card")
    if not card:
        for key, (label, frame) in PROVIDERS.items():
            frame_url = frame(parts)
            if frame_url is not None:
                title = texts["title"] or url.split("://", 1)[1].removeprefix("www.")
                return Embed(key, label, url, title, texts["caption"], texts["description"], frame_url)
        names = ", ".join(label for label, _ in PROVIDERS.values())
        raise UrlError(
            f"{parts.hostname} is not on the embed list ({names})",
            "to show any other page as a link card (no frame, nothing loaded from it), add `card: true`",
        )
    if not texts["title"]:
        raise EmbedError("a link card needs a title", 'add `title: "…"` (sitegen never fetches the page)')
    host = parts.hostname.removeprefix("www.")
    return Embed("card", host, url, texts["title"], texts["caption"], texts["description"], None)


def _fields(text: str) -> dict[str, Any]:
    stripped = text.strip()
    if not stripped:
        return {}
    if "\n" not in stripped and urlsplit(stripped).scheme in ("http", "https"):
        return {"url": stripped}  # the short form: the address alone
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EmbedError(
            f"cannot read the block: {getattr(exc, 'problem', exc)}", line=mark.line if mark else 0
        ) from None
    if isinstance(data, str):
        return {"url": data}
    if not isinstance(data, dict):
        raise EmbedError("expected a URL, or lines such as `url: …` and `title: …`")
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "an embed knows " + ", ".join(KEYS)
            raise EmbedError(f"unknown key {key!r}", hint, line=_key_line(text, str(key)))
    return data


def _key_line(text: str, key: str) -> int:
    return next((i for i, line in enumerate(text.split("\n")) if line.lstrip().startswith(f"{key}:")), 0)


def embed_html(embed: Embed, notice: str) -> str:
    """The placeholder: a figure whose link opens the original; `embed.js` turns it into the frame on click."""
    e = escape
    frame = f' data-embed-src="{e(embed.frame_url)}" data-embed-title="{e(embed.title)}"' if embed.frame_url else ""
    note = embed.description if embed.frame_url is None else notice
    parts = [
        f'<figure class="embed embed-{embed.provider}">',
        f'<div class="embed-box"{frame}>',
        f'<a class="embed-link" href="{e(embed.url)}" rel="noopener">',
        f'<span class="embed-provider">{e(embed.label)}</span>',
        f'<span class="embed-title">{e(embed.title)}</span>',
        f'<span class="embed-note">{e(note)}</span>' if note else "",
        "</a></div>",
        f"<figcaption>{e(embed.caption)}</figcaption>" if embed.caption else "",
        "</figure>\n",
    ]
    return str(Markup("".join(parts)))
