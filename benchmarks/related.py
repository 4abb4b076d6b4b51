#!/usr/bin/env python3
"""Related stories and near-duplicate detection, timed on the shared bench corpus.

    python3 benchmarks/related.py                      # 1,000 and 5,000 articles, median of 3 runs
    python3 benchmarks/related.py --sizes 1000 --runs 5

The corpus is `../shared/bench/make_corpus.py` (seed 1), laid out as `benchmarks/build.py` does it.
The site is loaded once (`build.load_site`: read, validate, link); then each computation is timed
in this process, `--runs` times, and the median is printed:

- `related`: `content.related.build_related` over every article (title, summary, tags through the
  Ukrainian pipeline, TF-IDF, inverted index with capped postings, exact cosine of the best candidates);
- `related, exact cosine`: the same with every cap lifted (1k only by default), and how many
  articles get the same three neighbours both ways;
- `near-duplicates`: `content.duplicates.find_near_duplicates` over title, summary and body of
  every article (what `sitegen check` runs), and how many pairs it reports.

The machine is shared and noisy: compare sizes within one run, not across days.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from build import SHARED_BENCH, make_corpus  # noqa: E402

# A git worktree of the repository sits one folder deeper than the main checkout.
BENCH_DIR = next((d for d in (SHARED_BENCH, REPO.parent.parent / "shared" / "bench") if d.is_dir()), SHARED_BENCH)

from sitegen.build import BuildOptions, load_site  # noqa: E402
from sitegen.content import related as related_module  # noqa: E402
from sitegen.content.duplicates import Story, find_near_duplicates, story_text  # noqa: E402
from sitegen.content.related import build_related  # noqa: E402


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median CPU seconds and median wall seconds of `runs` calls, and the last result.

    CPU time (this process) is the steadier figure on a shared machine; wall time is what a user waits.
    """
    cpu, wall, result = [], [], None
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        result = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), result


def bench(size: int, work: Path, runs: int, exact_up_to: int) -> list[str]:
    site_dir = make_corpus(BENCH_DIR, work, size)
    cpu, wall, (_, site) = timed(lambda: load_site(site_dir, BuildOptions()), 1)
    pages = site.newest()
    rows = [f"| {size:,} | load phase (read, validate, link, related, editions) | {cpu:.2f} | {wall:.2f} | 1 | |"]

    cpu, wall, capped = timed(lambda: build_related(pages), runs)
    with_three = sum(1 for ids in capped.values() if len(ids) == 3)
    rows.append(
        f"| {size:,} | related | {cpu:.2f} | {wall:.2f} | {runs} | {cpu * 1e6 / size:.0f} µs CPU/article; "
        f"{with_three / size:.0%} of articles get 3 |"
    )
    if size <= exact_up_to:
        saved = related_module.MAX_POSTINGS, related_module.CANDIDATE_TERMS, related_module.RESCORED
        related_module.MAX_POSTINGS = related_module.CANDIDATE_TERMS = related_module.RESCORED = 10**9
        try:
            cpu_x, wall_x, exact = timed(lambda: build_related(pages), 1)
        finally:
            related_module.MAX_POSTINGS, related_module.CANDIDATE_TERMS, related_module.RESCORED = saved
        same = sum(1 for k in exact if exact[k] == capped[k])
        shared = sum(len(set(exact[k]) & set(capped[k])) for k in exact)
        overlap = shared / max(1, sum(len(v) for v in exact.values()))
        rows.append(
            f"| {size:,} | related, exact cosine (no caps) | {cpu_x:.2f} | {wall_x:.2f} | 1 | "
            f"same 3 neighbours as the capped run: {same / size:.0%} of articles; neighbours in common: {overlap:.0%} |"
        )

    stories = [Story(p.id, story_text(p.title, p.meta.summary, p.body)) for p in pages]
    cpu, wall, pairs = timed(lambda: find_near_duplicates(stories), runs)
    rows.append(
        f"| {size:,} | near-duplicates (title + summary + body) | {cpu:.2f} | {wall:.2f} | {runs} | "
        f"{cpu * 1e6 / size:.0f} µs CPU/article; {len(pairs)} pairs reported |"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="corpus sizes, comma-separated (default: 1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per computation (default: 3)")
    parser.add_argument("--exact-up-to", type=int, default=1000, help="also time the uncapped cosine up to N")
    parser.add_argument("--work", type=Path, default=REPO / ".bench", help="corpora (default: .bench/)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [
        "| articles | computation | CPU s (median) | wall s (median) | runs | notes |",
        "|---|---|---|---|---|---|",
    ]
    for size in (int(s) for s in args.sizes.split(",")):
        rows += bench(size, args.work, args.runs, args.exact_up_to)
        print(rows[-1], flush=True)
    print("\n" + "\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
