"""`RawArticle` -> a Markdown page with front matter, written atomically under `seeds/<yyyy>/<mm>/`."""

from __future__ import annotations

import json
import os
import signal
import tempfile
from pathlib import Path
from typing import Any

from sitegen.importer.raw import RawArticle


def _yaml_value(value: Any) -> str:
    """A YAML flow value. JSON is valid YAML, and quoting every string keeps `no` or `2026` text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


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


_DEFERRED = {signal.SIGINT, signal.SIGTERM}


def write_page(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and a rename: Ctrl-C never leaves half a page.

    Ctrl-C and SIGTERM wait until the page is written (a few milliseconds): a KeyboardInterrupt raised
    inside `mkstemp`, after it made the file but before it returned the name, would leave a stray temp file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
