"""Raw scraped article text -> `RawArticle`: what the layouts recognise, with the line of every problem."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sitegen.content.dates import year_out_of_range
from sitegen.errors import RawArticleError
from sitegen.importer import layouts
from sitegen.textio import decode_text


@dataclass(frozen=True, slots=True)
class RawArticle:
    """One scraped article, understood."""

    file_name: str
    sha256: str
    title: str
    date: datetime
    category: str | None
    summary: str | None
    author: str | None
    location: str | None
    image: tuple[str, str | None] | None
    """(caption, credit) from `Фото: caption (Credit)`."""
    tags: tuple[str, ...]
    lang: str
    blocks: tuple[str, ...]
    """Body paragraphs; a sub-heading starts with `## `."""
    warnings: tuple[str, ...] = field(default=())
    """`line N: …` notes for the editor; the article is imported all the same."""


def parse_raw(raw: bytes, file_name: str, zone: ZoneInfo) -> RawArticle:
    """Understand one raw article; raise `RawArticleError` (with the line) when it cannot be imported."""
    text, error = decode_text(raw, file_name)
    if error is not None:
        raise RawArticleError(error.message, path=file_name, line=error.line, hint=error.hint)
    if not text.strip():
        raise RawArticleError("empty file: nothing to import", path=file_name, line=1)
    lines = [(n, line.replace("\u00a0", " ").rstrip()) for n, line in enumerate(text.split("\n"), 1)]
    filled = [(n, line) for n, line in lines if line.strip()]

    first_no, first = filled[0]
    header = layouts.parse_header(first)
    if header is None:
        raise RawArticleError(
            "no header line `date YYYY-MM-DD …`: not a scraped article this importer knows",
            path=file_name,
            line=first_no,
            hint="the first line must be like `date 2026-02-12 ua en ru` or `date 2026-02-02   1. Rubric`",
        )
    if len(filled) < 2:
        raise RawArticleError("no title after the header line", path=file_name, line=first_no + 1)
    title = " ".join(filled[1][1].split())
    rest = filled[2:]
    warnings: list[str] = []

    dateline = layouts.parse_dateline(rest[0][1], zone) if rest else None
    if dateline is not None:
        rest = rest[1:]
        date = dateline.when
    else:
        try:
            date = datetime(*header.day, tzinfo=zone)
        except ValueError:
            raise RawArticleError("the header's date is not a real day", path=file_name, line=first_no) from None
        warnings.append(f"line {filled[1][0] + 1}: no dateline with the time; 00:00 used")
    if (wrong := year_out_of_range(date)) is not None:
        at = first_no if dateline is None else filled[2][0]
        raise RawArticleError(f"the article's date: {wrong}", path=file_name, line=at, hint="check the year")

    author = image = None
    body: list[tuple[int, str]] = []
    for number, line in rest:
        stripped = line.strip()
        if layouts.is_switcher(stripped) or layouts.is_teaser(stripped):
            continue
        if author is None and (name := layouts.parse_author(stripped)):
            author = name
            continue
        if image is None and stripped.startswith(title[:20]) and (photo := layouts.parse_photo(stripped)):
            image = photo
            continue
        body.append((number, line))

    tags: tuple[str, ...] = ()
    if header.rubric is not None and len(body) > 1 and (words := layouts.parse_tag_line(body[-1][1])):
        tags = tuple(words)
        body = body[:-1]
    summary: str | None = None
    if body:
        summary = " ".join(body[0][1].split())
        body = body[1:]
    if summary is None:
        warnings.append("no lead paragraph for the summary")
    if not tags:
        warnings.append("no tag line: add tags by hand")

    blocks: list[str] = []
    for index, (number, line) in enumerate(body):
        stripped = " ".join(line.split())
        between = 0 < index < len(body) - 1
        if between and layouts.is_subheading(stripped):
            blocks.append("## " + stripped)
            continue
        if line.startswith(" ") and stripped[:1].islower():
            warnings.append(f"line {number}: the paragraph starts with a lowercase letter: is its first letter lost?")
        blocks.append(stripped)

    return RawArticle(
        file_name=file_name,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=title,
        date=date,
        category=header.rubric,
        summary=summary,
        author=author,
        location=dateline.place if dateline else None,
        image=image,
        tags=tags,
        lang=layouts.detect_language(title + " " + " ".join(blocks)),
        blocks=tuple(blocks),
        warnings=tuple(warnings),
    )
