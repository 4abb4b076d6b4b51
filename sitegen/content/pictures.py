"""The Markdown images of an article body (`![alt](photo.jpg)`), found when the page is loaded.

The loader records them with the body (`BodySource.images`), so the picture scan of a build need not
read every body again; `images/refs.py` resolves them to files.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("js-default")


@dataclass(frozen=True, slots=True)
class BodyImage:
    """A Markdown image of a page body: `src` as written, its file line, its alt text."""

    src: str
    line: int
    alt: str


def body_images(body: str, body_line: int) -> list[BodyImage]:
    """Every Markdown image in a page body, in order (lines counted from `body_line`, the body's first)."""
    if "![" not in body:
        return []
    found: list[BodyImage] = []
    lines = body.split("\n")
    for block in _MD.parse(body):
        for child in _images(block.children or []):
            src = unquote(str(child.attrGet("src") or ""))
            start, end = block.map or (0, 1)
            line = next((i for i in range(start, min(end, len(lines))) if src in lines[i]), start)
            alt = "".join(t.content for t in child.children or [] if t.type in ("text", "code_inline"))
            found.append(BodyImage(src, body_line + line, alt.strip()))
    return found


def _images(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        if token.type == "image":
            found.append(token)
        if token.children:
            found.extend(_images(token.children))
    return found
