#!/usr/bin/env python3
"""One edit of a site: `edit_page.py SITE body|title|css ROUND` (benchmarks/cached_edits.sh), as `build.py` makes it."""

from __future__ import annotations

import sys
from pathlib import Path

from build import edit  # benchmarks/build.py: this script's folder is on sys.path

KINDS = {"body": "article body", "title": "article title", "css": "theme CSS"}


def main() -> None:
    site, kind, round_ = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    edit(site, KINDS[kind], round_)


if __name__ == "__main__":
    main()
