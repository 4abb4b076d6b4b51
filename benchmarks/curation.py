#!/usr/bin/env python3
"""What editions and the date archive cost on the shared corpus: model, pages and feeds, timed apart.

    python3 benchmarks/curation.py                    # 5,000 articles, median of 5 runs
    python3 benchmarks/curation.py --size 1000 --runs 3

The corpus is `../shared/bench/make_corpus.py` (seed 1), laid out like `benchmarks/build.py` does.
Times are in-process medians, wall-clock and CPU (`time.process_time`), of the edition/archive parts only:
grouping pages into weeks and months, rendering `/editions/`, every edition page, the archive
(index, years, paginated months) and the edition feeds. The machine is shared: numbers are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.build import SHARED_BENCH, make_corpus  # noqa: E402
from sitegen.build import BuildOptions, load_site  # noqa: E402
from sitegen.content.archive import build_archive  # noqa: E402
from sitegen.content.editions import build_editions  # noqa: E402
from sitegen.render.archive import render_archive  # noqa: E402
from sitegen.render.articles import render_body  # noqa: E402
from sitegen.render.editions import render_edition, render_edition_feeds, render_edition_index, render_home  # noqa: E402
from sitegen.render.feeds import FeedEntry, feed_entry  # noqa: E402
from sitegen.render.theme import load_theme  # noqa: E402


def median_seconds(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of `runs` calls (CPU time suffers less from a busy machine)."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bench", type=Path, default=SHARED_BENCH, help="the shared bench folder (make_corpus.py)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench-curation")
    args = parser.parse_args()
    site_dir = make_corpus(args.bench, args.work, args.size)
    config, site = load_site(site_dir, BuildOptions(future=True))
    theme = load_theme(config)
    pages = site.newest()
    # Feed entries are made once per build for every feed anyway: not part of what is timed here.
    entries: dict[str, FeedEntry] = {p.id: feed_entry(site, p, render_body(p)) for p in pages}
    month_pages = sum(-(-len(m.page_ids) // config.per_page) for y in site.archive for m in y.months)
    print(
        f"{len(pages)} articles, {len(site.editions)} editions, {len(site.archive)} years, "
        f"{sum(len(y.months) for y in site.archive)} months ({month_pages} month pages); per_page {config.per_page}"
    )
    rows = [
        ("model: weeks -> editions", lambda: build_editions(config, pages, [])),
        ("model: years/months archive", lambda: build_archive(config, pages)),
        ("render: /editions/ (paginated)", lambda: render_edition_index(site, theme)),
        ("render: every edition page", lambda: [render_edition(site, theme, e) for e in site.editions.values()]),
        ("render: archive (index, years, months)", lambda: render_archive(site, theme)),
        ("render: edition feeds", lambda: render_edition_feeds(site, theme, entries)),
        ("render: home (latest edition)", lambda: render_home(site, theme)),
    ]
    total_wall = total_cpu = 0.0
    print(f"{'part':42} {'wall s':>8} {'CPU s':>8}  (medians of {args.runs})")
    for name, fn in rows:
        wall, cpu = median_seconds(fn, args.runs)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{name:42} {wall:8.3f} {cpu:8.3f}")
    print(f"{'total':42} {total_wall:8.3f} {total_cpu:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
