#!/usr/bin/env python3
"""Wall time of `sitegen check` and `sitegen publish` (folder and git) on the example digest and the shared corpus.

    python3 benchmarks/publish.py                      # example digest and 1,000 articles, 3 runs each
    python3 benchmarks/publish.py --sizes 1000,5000 --runs 5

Each step runs `python3 -m sitegen ...` as a user would (one process per run, median reported):
`check`; `publish --to` into a new folder, then again unchanged, then after one page changed;
`publish --git` to a bare repository (first commit), again unchanged (no commit), then after one
page changed (one commit on top). The corpus comes from `../shared/bench/make_corpus.py` (seed 1);
its `source.url` links point to example.org, so the site here lives on another host.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared/bench beside the repository (or beside the worktrees' folder, for a worktree under wt/).
SHARED_BENCH = next(
    (p / "shared" / "bench" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "bench").is_dir()),
    REPO.parent / "shared" / "bench",
)
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://digest.example.net/"\nper_page: 20\n'
DRAFT_EVERY = 100
ENV = {
    **os.environ,
    "PYTHONPATH": str(REPO),
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.net",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.net",
}


def sitegen(*args: str) -> tuple[float, float]:
    """(wall, CPU) seconds one `python3 -m sitegen ARGS` took, its children included; fails on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", args[0], "-q", *args[1:]], env=ENV, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"sitegen {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def prepare(work: Path, size: int | None) -> Path:
    """A copy of the example digest (size None) or a corpus site of `size` articles."""
    site = work / ("digest" if size is None else f"site-{size}")
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    if size is None:
        shutil.copy2(REPO / "sitegen.yaml", site / "sitegen.yaml")
        shutil.copytree(REPO / "seeds", site / "seeds")
        shutil.copytree(REPO / "media", site / "media")
    else:
        make = SHARED_BENCH / "make_corpus.py"
        subprocess.run([sys.executable, str(make), str(size), str(site / "seeds")], check=True, capture_output=True)
        (site / "sitegen.yaml").write_text(CONFIG, encoding="utf-8")
        # One page in a hundred is a draft, so that the leak search has something to look for.
        for page in sorted((site / "seeds").rglob("*.md"))[::DRAFT_EVERY]:
            page.write_text(page.read_text("utf-8").replace("\n---\n", "\ndraft: true\n---\n", 1), "utf-8")
    return site


def touch_one_page(site: Path, n: int) -> None:
    page = sorted((site / "seeds").rglob("*.md"))[0]
    page.write_text(page.read_text("utf-8") + f"\nПравка {n}.\n", "utf-8")


def bench(work: Path, size: int | None, runs: int) -> dict[str, tuple[float, float]]:
    site = prepare(work, size)
    times: dict[str, list[tuple[float, float]]] = {}

    def record(step: str, seconds: tuple[float, float]) -> None:
        times.setdefault(step, []).append(seconds)

    sitegen("check", "--site", str(site))  # warm-up (imports, page cache)
    for n in range(runs):
        out, remote = work / "out", work / "remote.git"
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(remote, ignore_errors=True)
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        record("check", sitegen("check", "--site", str(site)))
        record("publish --to (new folder)", sitegen("publish", "--site", str(site), "--to", str(out)))
        record("publish --to (unchanged)", sitegen("publish", "--site", str(site), "--to", str(out)))
        record("publish --git (new branch)", sitegen("publish", "--site", str(site), "--git", str(remote)))
        record("publish --git (unchanged, no commit)", sitegen("publish", "--site", str(site), "--git", str(remote)))
        touch_one_page(site, n)
        record("publish --to (one page changed)", sitegen("publish", "--site", str(site), "--to", str(out)))
        record("publish --git (one page changed)", sitegen("publish", "--site", str(site), "--git", str(remote)))
    return {
        step: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for step, values in times.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000", help="corpus sizes, comma-separated (default: 1000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per step (default: 3)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench" / "publish", help="scratch folder")
    args = parser.parse_args(argv)
    cases: list[int | None] = [None] + [int(s) for s in args.sizes.split(",") if s]
    results = {
        ("example digest" if size is None else f"{size:,} articles"): bench(args.work, size, args.runs)
        for size in cases
    }
    steps = list(next(iter(results.values())))
    print("| step | " + " | ".join(f"{name}: wall / CPU" for name in results) + " |")
    print("|---|" + "---|" * len(results))
    for step in steps:
        cells = [f"{r[step][0]:.2f} s / {r[step][1]:.2f} s" for r in results.values()]
        print(f"| `{step}` | " + " | ".join(cells) + " |")
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
