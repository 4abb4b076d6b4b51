"""Splits a page into its YAML front matter and Markdown body, keeping a line for every key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sitegen.errors import FrontMatterError
from sitegen.yaml_mapping import parse_yaml_mapping

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The parsed front matter of one page."""

    data: Mapping[str, Any]
    key_lines: Mapping[str, int]
    """1-based file line of each top-level key."""
    body: str
    body_line: int
    """1-based file line where the body starts."""
    item_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """1-based file line of each item of a top-level list (`aliases:` written one item a line)."""


def split_front_matter(text: str, rel_path: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_line); the YAML block starts on file line 2."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise FrontMatterError(
            "no front matter: a page starts with a `---` line, then YAML, then `---`",
            path=rel_path,
            line=1,
            hint="add `---`, `title: …`, `date: …`, `---` at the top",
        )
    for i in range(1, len(lines)):
        if _CLOSE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise FrontMatterError(
        "front matter not closed: no `---` line after the opening one",
        path=rel_path,
        line=1,
        hint="end the front matter with a line holding only `---`",
    )


def parse_front_matter(text: str, rel_path: str) -> FrontMatter:
    """Parse a whole page; raise `FrontMatterError` (or an `ErrorList`) with file and line."""
    yaml_text, body, body_line = split_front_matter(text, rel_path)
    item_lines: dict[str, tuple[int, ...]] = {}
    data, key_lines = parse_yaml_mapping(
        yaml_text, rel_path, first_line=2, error_type=FrontMatterError, item_lines=item_lines
    )
    return FrontMatter(data=data, key_lines=key_lines, body=body, body_line=body_line, item_lines=item_lines)
