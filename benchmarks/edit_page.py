#!/usr/bin/env python3
"""One edit of a site's alphabetically first page: `edit_page.py SITE body|title ROUND` (benchmarks/cached_edits.sh)."""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    site, kind, round_ = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    page = min((site / "seeds").rglob("*.md"))
    text = page.read_text("utf-8")
    if kind == "title":
        head, rest = text.split("\ntitle: ", 1)
        title, tail = rest.split("\n", 1)
        text = f'{head}\ntitle: "Правка {round_}: {title.strip(chr(34))}"\n{tail}'
    else:
        text = text.rstrip("\n") + f"\n\nДописаний абзац номер {round_}.\n"
    page.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
