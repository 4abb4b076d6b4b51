"""The one Markdown renderer: markdown-it-py `js-default` (raw HTML off, unsafe links refused).

markdown-it-py's default preset lets raw HTML through; `js-default` escapes it
(markdown-it-py security docs, reliability.md §3.1). `validateLink` stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from sitegen.content.slugs import slugify


def _heading_id(text: str) -> str:
    return slugify(text) or "section"


_MD = MarkdownIt("js-default").use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_id)


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A page body as HTML and as plain text."""

    html: str
    text: str
    """Paragraphs of plain text, one per line: for summaries, search and word counts."""


def render_markdown(source: str) -> RenderedBody:
    """Markdown -> HTML (safe to mark as safe: raw HTML is off) and plain text."""
    env: dict[str, object] = {}
    tokens = _MD.parse(source, env)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return RenderedBody(html=html, text=_plain_text(tokens))


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
