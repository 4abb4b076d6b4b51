#!/usr/bin/env python3
"""The floor of a clean build's CPU per article set by the libraries sitegen must use, alone (issue 18).

    .venv/bin/python benchmarks/library_floor.py /tmp/lead/bench/corpus-1000

For every article of a bench corpus (`../shared/bench/`): markdown-it-py's stock CommonMark renderer on the
body, PyYAML's C loader on the front matter, and Jinja2 rendering a trivial page around the body; each the best
of five passes, in CPU ms per article. Nothing of sitegen's own work (typography, the theme's templates, search,
feeds, related stories, writing files) is in these numbers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

PASSES = 5


def best_ms_per_article(work: Callable[[], object], articles: int) -> float:
    """The least CPU time of `PASSES` runs of `work`, in ms per article."""
    times = []
    for _ in range(PASSES):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times) / articles * 1000


def main(corpus: Path) -> None:
    texts = [path.read_text("utf-8") for path in sorted(corpus.rglob("*.md"))]
    parts = [text.split("---\n", 2) for text in texts]
    front_matter = [part[1] for part in parts]
    bodies = [part[2] for part in parts]
    markdown = MarkdownIt("commonmark")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    page = jinja2.Environment(autoescape=True).from_string(
        "<!DOCTYPE html><html><head><title>{{ t }}</title></head><body><h1>{{ t }}</h1>{{ body|safe }}</body></html>"
    )
    html = [markdown.render(body) for body in bodies]
    count = len(texts)
    print(f"{count} articles, mean body {sum(map(len, bodies)) / count:.0f} characters")
    timed = {
        "markdown-it-py CommonMark render": lambda: [markdown.render(body) for body in bodies],
        f"PyYAML {loader.__name__}": lambda: [yaml.load(text, Loader=loader) for text in front_matter],
        "Jinja2 trivial page": lambda: [page.render(t="x", body=body) for body in html],
    }
    for name, work in timed.items():
        print(f"{name}: {best_ms_per_article(work, count):.2f} ms")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
