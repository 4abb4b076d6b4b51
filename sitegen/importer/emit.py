"""`RawArticle` -> a Markdown page with front matter, written atomically under `seeds/<yyyy>/<mm>/`."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from sitegen.atomic import TEMP_SUFFIX, temp_file_of, write_atomic
from sitegen.importer.raw import RawArticle

log = logging.getLogger(__name__)


# Characters JSON leaves raw that YAML may not hold unescaped (YAML 1.1 §5.1, "printable"), or reads as a line break.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")  # (NEL, LS, PS: line breaks)


def _yaml_value(value: Any) -> str:
    """A YAML flow value. JSON is valid YAML, and quoting every string keeps `no` or `2026` text.

    Characters YAML does not allow raw (DEL, C1 controls) are written as `\\u` escapes: a raw
    article holding one made a page the build could not read (found by tests/test_fuzz.py).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(value, ensure_ascii=False))


def render_page(article: RawArticle) -> str:
    """The page text: front matter in DESIGN.md's key order, then the body as Markdown paragraphs."""
    image = {"caption": article.image[0], "credit": article.image[1]} if article.image else None
    fields: list[tuple[str, Any]] = [
        ("title", article.title),
        ("date", article.date.isoformat()),
        ("tags", list(article.tags)),
        ("category", article.category),
        ("summary", article.summary),
        ("author", article.author),
        ("location", article.location),
        ("lang", article.lang),
        ("image", image),
        ("draft", False),
        ("featured", False),
        ("curator_note", None),
        ("slug", None),
        ("imported_from", {"file": article.file_name, "sha256": article.sha256}),
    ]
    front = "".join(
        f"{key}: {value if key == 'date' else _yaml_value(value)}\n"
        for key, value in fields
        if value is not None or key in ("curator_note", "slug")
    )
    return f"---\n{front}---\n" + "\n\n".join(article.blocks) + "\n"


def sweep_temp_files(seeds: Path) -> None:
    """Remove the half-written pages of imports that were killed (SIGKILL cannot be deferred)."""
    for path in seeds.rglob(".*" + TEMP_SUFFIX) if seeds.is_dir() else []:
        temp = temp_file_of(path.name)
        if temp is not None and not temp[1] and path.is_file():
            log.info("removing %s, left by an import that was killed", path)
            path.unlink(missing_ok=True)


def write_page(path: Path, text: str) -> None:
    """Write a page all at once (`sitegen.atomic`): Ctrl-C or a full disk never leaves half a page.

    The pid in the temp file's name lets a later import remove what a `kill -9` left (`sweep_temp_files`).
    """
    write_atomic(path, text)
