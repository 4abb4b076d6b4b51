"""Where a link of an article came from: the line of its Markdown source (body or `curator_note`).

The body is parsed again with markdown-it-py's `js-default` preset, as the renderer does, so a
token's `href` is the exact string that ends up in the HTML; the block's `.map` gives its lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from sitegen.content.model import Page

_MD = MarkdownIt("js-default")

SourceLinks = dict[str, tuple[str, int]]
"""Link as written into the HTML -> (source file, line)."""


def _links(tokens: list[Token]) -> Iterator[tuple[str, Token]]:
    """(href, block token) for every link and image in the tokens."""
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                href = child.attrGet("href")
            elif child.type == "image":
                href = child.attrGet("src")
            else:
                continue
            if isinstance(href, str):
                yield href, token


def _line_of(href: str, block: Token, lines: list[str]) -> int:
    """0-based body line holding `href` inside the block, else the block's first line."""
    start, end = block.map or (0, 1)
    for wanted in (href, unquote(href)):
        for i in range(start, min(end, len(lines))):
            if wanted in lines[i]:
                return i
    return start


def source_links(page: Page) -> SourceLinks:
    """Every link of the page's body and curator note, mapped to its file and line."""
    found: SourceLinks = {}
    note = page.meta.curator_note
    if note:
        note_line = page.key_lines.get("curator_note", 1)
        for href, _ in _links(_MD.parse(note)):
            found.setdefault(href, (page.id, note_line))
    lines = page.body.split("\n")
    for href, block in _links(_MD.parse(page.body)):
        found.setdefault(href, (page.id, page.body_line + _line_of(href, block, lines)))
    return found
