#!/usr/bin/env python3
"""Bytes of a built site by kind of output: files, apparent bytes and gzip -6 bytes per kind.

    python3 benchmarks/output_sizes.py SITE_DIR [SITE_DIR ...]

The kinds are told apart by path (the default theme's URL layout); a file that matches no pattern
counts as "other". With two or more folders the table has one column pair per folder.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

KIND_OF_PATH: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("article pages", re.compile(r"^\d{4}/\d{2}/(?!page/)[^/]+/index\.html$")),
    ("month/year lists", re.compile(r"^\d{4}/(\d{2}/)?(page/\d+/)?index\.html$")),
    ("tag pages", re.compile(r"^tags/.+\.html$")),
    ("tag feeds", re.compile(r"^tags/.+\.xml$")),
    ("edition pages", re.compile(r"^editions/.+\.html$")),
    ("edition feeds", re.compile(r"^editions/.+\.xml$")),
    ("author pages", re.compile(r"^authors/.+\.html$")),
    ("author feeds", re.compile(r"^authors/.+\.xml$")),
    ("rubric pages", re.compile(r"^rubrics/.+\.html$")),
    ("search fragments", re.compile(r"^search/docs[./]")),
    ("search shards+index", re.compile(r"^search/.+\.(json|jz)$")),
    ("site feeds", re.compile(r"^feed\.(xml|json)$")),
    ("sitemap", re.compile(r"^sitemap.*\.xml$")),
    ("assets", re.compile(r"^assets/")),
)


def kind_of(relative_path: str) -> str:
    for kind, pattern in KIND_OF_PATH:
        if pattern.match(relative_path):
            return kind
    return "other"


def sizes_by_kind(site: Path) -> dict[str, tuple[int, int, int]]:
    """kind → (files, bytes, gzip bytes)."""
    totals: dict[str, list[int]] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        row = totals.setdefault(kind_of(path.relative_to(site).as_posix()), [0, 0, 0])
        row[0] += 1
        row[1] += len(data)
        row[2] += len(gzip.compress(data, compresslevel=6, mtime=0))
    return {kind: (row[0], row[1], row[2]) for kind, row in totals.items()}


def main(sites: list[str]) -> None:
    tables = [sizes_by_kind(Path(site)) for site in sites]
    kinds = [kind for kind, _ in KIND_OF_PATH] + ["other"]
    header = "| kind | " + " | ".join(f"{site}: files, KB, gzip KB" for site in sites) + " |"
    print(header)
    print("|---|" + "---|" * len(sites))
    for kind in kinds + ["total"]:
        cells = []
        for table in tables:
            if kind == "total":
                files = sum(row[0] for row in table.values())
                raw = sum(row[1] for row in table.values())
                packed = sum(row[2] for row in table.values())
            else:
                files, raw, packed = table.get(kind, (0, 0, 0))
            cells.append(f"{files}, {raw / 1000:,.0f}, {packed / 1000:,.0f}")
        if any(not cell.startswith("0,") for cell in cells):
            print(f"| {kind} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: output_sizes.py SITE_DIR [SITE_DIR ...]")
    main(sys.argv[1:])
