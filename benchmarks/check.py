#!/usr/bin/env python3
"""`sitegen check` against a clean `sitegen build` of the same site, interleaved, at 1,000 and 5,000 articles.

    python3 benchmarks/check.py                          # 1,000 and 5,000 articles, 3 runs each
    python3 benchmarks/check.py --sizes 1000 --runs 5 --baseline 304963b

Each run is one `python3 -m sitegen … -q` process (wall and CPU, its render and check workers
included): a clean build into an empty folder, then `check` (which builds into a temporary folder
and checks it) without `.sitegen-cache/` (cold: the first check of a site) and again with it
(warm: near-duplicate sketches kept), one after the other, so all see the same machine load. The corpus is
`../shared/bench/make_corpus.py N` (seed 1) with `base_url: https://example.org/digest/`: its
`source.url` links point to other pages of example.org, which `check` must treat as external
links (issue 19), and one page in a hundred is a draft for the leak search. `--baseline REV` also
times `check` of that git revision (a worktree under the scratch folder), interleaved.
The machine's load average is printed before and after: compare ratios within one run only.
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
SHARED_BENCH = next(
    (p / "shared" / "bench" for p in (REPO.parent, REPO.parent.parent) if (p / "shared" / "bench").is_dir()),
    REPO.parent / "shared" / "bench",
)
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://example.org/digest/"\nper_page: 20\n'
DRAFT_EVERY = 100


def timed(args: list[str], code: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall, CPU) seconds of `python3 -m sitegen ARGS` run from the checkout `code`, its children included.

    Site paths in ARGS must be absolute (the command runs in `code`).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(code)}
    # cwd too: `python -m` puts the current folder first on sys.path, before PYTHONPATH
    command = [sys.executable, "-m", "sitegen", *args]
    proc = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"sitegen {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def prepare(work: Path, size: int) -> Path:
    site = work / f"site-{size}"
    if (site / "sitegen.yaml").is_file():
        return site
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    make = SHARED_BENCH / "make_corpus.py"
    subprocess.run([sys.executable, str(make), str(size), str(site / "seeds")], check=True, capture_output=True)
    (site / "sitegen.yaml").write_text(CONFIG, encoding="utf-8")
    for page in sorted((site / "seeds").rglob("*.md"))[::DRAFT_EVERY]:
        page.write_text(page.read_text("utf-8").replace("\n---\n", "\ndraft: true\n---\n", 1), "utf-8")
    return site


def baseline_checkout(work: Path, rev: str) -> Path:
    where = work / f"baseline-{rev}"
    if not where.is_dir():
        command = ["git", "worktree", "add", "--detach", str(where), rev]
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return where


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def bench(work: Path, size: int, runs: int, code: Path, baseline: Path | None) -> dict[str, list[tuple[float, float]]]:
    site = prepare(work, size)
    out = work / "out"
    steps: dict[str, list[tuple[float, float]]] = {}
    timed(["check", "-q", "--site", str(site)], code)  # warm-up: imports, page cache
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        build = timed(["build", "-q", "--site", str(site), "--out", str(out)], code)
        steps.setdefault("build (clean)", []).append(build)
        # cold: as the first check of a site; warm: as every later one (kept near-duplicate sketches)
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        steps.setdefault("check (cold)", []).append(timed(["check", "-q", "--site", str(site)], code))
        steps.setdefault("check (warm)", []).append(timed(["check", "-q", "--site", str(site)], code))
        if baseline is not None:
            steps.setdefault("check (baseline)", []).append(
                # before issue 19 the corpus's links to example.org/… were "broken": exit 1 is expected there
                timed(["check", "-q", "--site", str(site)], baseline, ok=(0, 1))
            )
    shutil.rmtree(out, ignore_errors=True)
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="corpus sizes, comma-separated (default: 1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per step (default: 3)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench" / "check", help="scratch folder (kept)")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose sitegen is measured (default: this)")
    parser.add_argument("--baseline", metavar="REV", help="also time `check` of this git revision, interleaved")
    args = parser.parse_args(argv)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    baseline = baseline_checkout(args.work, args.baseline) if args.baseline else None
    print(f"load average before: {load()}  ({os.cpu_count()} cores)")
    print("| articles | step | wall s (median) | CPU s (median) | check ÷ build (wall) | check ÷ build (CPU) |")
    print("|---|---|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        steps = bench(args.work, size, args.runs, args.code.resolve(), baseline)
        medians = {
            k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in steps.items()
        }
        build_wall, build_cpu = medians["build (clean)"]
        for step, (wall, cpu) in medians.items():
            ratios = "—" if step.startswith("build") else f"{wall / build_wall:.2f}× | {cpu / build_cpu:.2f}×"
            print(f"| {size:,} | {step} | {wall:.2f} | {cpu:.2f} | {ratios if ratios != '—' else '— | —'} |")
        for step in ("check (cold)", "check (warm)"):
            runs = ", ".join(f"{w:.1f}/{c:.1f}" for w, c in steps[step])
            print(f"|  | {step}: each run, wall/CPU s: {runs} |  |  |  |  |")
    print(f"load average after: {load()}")
    if baseline is not None:
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=REPO, capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
