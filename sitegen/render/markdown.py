"""The one Markdown renderer: markdown-it-py `js-default` (raw HTML off, unsafe links refused).

markdown-it-py's default preset lets raw HTML through; `js-default` escapes it
(markdown-it-py security docs, reliability.md §3.1). `validateLink` stays as it is.

One instance per quote style (`content/typography.py`): the typographer's quotes are an option of
the instance. In an article body (`BodyContext`), `![alt](photo.jpg)` becomes a processed
`<picture>` and an ```` ```embed ```` block a private placeholder (`embeds.py`); every problem of a
body (a missing picture, an embed off the list) is collected and raised together, at its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from sitegen.content.slugs import slugify
from sitegen.content.typography import quotes_for, typography_plugin
from sitegen.errors import SourceError, raise_all
from sitegen.images import ImageSet
from sitegen.render.embeds import EmbedError, embed_html, parse_embed
from sitegen.render.pictures import picture_html

EMBED_INFO = "embed"

_IDLE_RULES = ["html_block", "html_inline", "linkify"]
"""Rules that do nothing with raw HTML and linkify off (each returns at once when its option is off): not called
at all, instead of at every block start and at every character an inline rule may start at."""
_TERMINATORS = re.compile(r"[\n!\\`~*_\[\]<&]")
"""Where the `text` rule stops so that another inline rule may start: the characters the enabled rules start at
(newline, escape, backticks, strikethrough, emphasis, link, image, autolink, entity) and `]`, where a link label
ends. markdown-it-py also stops at `-`, `:`, `#`, `%`, `+`, `{`, … for rules this renderer does not have, and
there every rule was tried in vain (~35 times in a news article, mostly `-`). Text between stops is collected
into the same pending text either way, so the tokens are the same (tests/test_markdown_fast.py compares them)."""


_PLAIN_LINK = re.compile(r"(?:https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?=/|$)|(?!//))[A-Za-z0-9\-._~/]*")
"""A link destination `normalizeLink` leaves as it is: an http(s) URL with a lowercase host, or a path (not `//`),
of letters, digits, `-._~/` only. Most links of a news article are such; markdown-it-py parsed, re-encoded and
formatted each one, character by character (0.1 ms a link; tests/test_markdown_fast.py compares)."""


class _MarkdownIt(MarkdownIt):
    def normalizeLink(self, url: str) -> str:  # noqa: N802 - markdown-it-py's name
        return url if _PLAIN_LINK.fullmatch(url) else super().normalizeLink(url)


def _heading_id(text: str) -> str:
    return slugify(text) or "section"


@dataclass(frozen=True, slots=True)
class BodyContext:
    """What an article body needs beyond its text: its pictures, where it starts, the embed notice."""

    owner: str
    """The page's id (`seeds/2026/02/x.md`): how its pictures are found in `images`."""
    first_line: int
    """File line of the body's first line, for errors."""
    images: ImageSet
    base_path: str
    embed_notice: str
    """The placeholder's notice, with `{provider}` (theme strings)."""


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A page body as HTML and as plain text."""

    html: str
    text: str
    """Paragraphs of plain text, one per line: for summaries, search and word counts."""
    frame_origins: tuple[str, ...] = ()
    """Origins of the embeds' frames (`https://www.youtube-nocookie.com`), for the page's CSP."""


@lru_cache(maxsize=8)
def markdown_for(quotes: str) -> MarkdownIt:
    """The renderer for one quote style (cached: building the parser costs more than a page)."""
    md = _MarkdownIt("js-default", {"quotes": quotes})
    md.disable(_IDLE_RULES)
    md.inline.terminator_re = _TERMINATORS
    md.use(typography_plugin).use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_id)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("fence", _render_fence)
    return md


def render_markdown(source: str, lang: str = "uk", body: BodyContext | None = None) -> RenderedBody:
    """Markdown -> HTML (safe to mark as safe: raw HTML is off) and plain text, typeset for `lang`.

    With a `body` context, pictures and embeds are rendered and every problem raised at once.
    """
    md = markdown_for(quotes_for(lang))
    env: dict[str, Any] = {"body": body, "problems": [], "frames": []}
    tokens = md.parse(source, env)
    html = md.renderer.render(tokens, md.options, env)
    raise_all(env["problems"])
    frames = tuple(dict.fromkeys(env["frames"]))
    return RenderedBody(html=html, text=_plain_text(tokens), frame_origins=frames)


def _problem(env: dict[str, Any], token: Token, message: str, hint: str | None, offset: int = 0) -> None:
    body: BodyContext = env["body"]
    line = body.first_line + (token.map[0] if token.map else 0) + offset
    env["problems"].append(SourceError(message, path=body.owner, line=line, hint=hint))


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    body: BodyContext | None = env.get("body")
    if body is None:  # a curator note or an introduction: shown as written
        return str(self.image(tokens, idx, options, env))
    src = _source_text(token)
    info = body.images.get(body.owner, src)
    if info is None:  # already reported by `sitegen.images` with its line
        return ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    title = str(token.attrGet("title") or "")
    return str(picture_html(info, alt, body.base_path, title=title))


def _source_text(token: Token) -> str:
    return unquote(str(token.attrGet("src") or ""))


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    body: BodyContext | None = env.get("body")
    if token.info.strip() != EMBED_INFO or body is None:
        return str(self.fence(tokens, idx, options, env))
    try:
        embed = parse_embed(token.content)
    except EmbedError as exc:
        _problem(env, token, f"embed: {exc.message}", exc.hint, offset=0 if exc.line is None else 1 + exc.line)
        return ""
    if embed.frame_origin:
        env["frames"].append(embed.frame_origin)
    return embed_html(embed, body.embed_notice.format(provider=embed.label))


def _plain_text(tokens: list[Token]) -> str:
    blocks: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            parts = [
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            blocks.append("".join(parts).strip())
    return "\n".join(b for b in blocks if b)
