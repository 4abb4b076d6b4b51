#!/usr/bin/env python3
"""Clean full builds of sitegen on the shared Ukrainian news corpus, side by side with the peers.

    python3 benchmarks/build.py                       # 1,000 and 5,000 articles, sitegen only
    python3 benchmarks/build.py --peers               # and Hugo, Eleventy, Pelican, MkDocs in the same run
    python3 benchmarks/build.py --sizes 1000 --runs 5 --json results.json

The corpus comes from `../shared/bench/make_corpus.py` (seed 1), the same files the peers build.
Each build is timed like `peers.py` times the peers: `/usr/bin/time -v`, output removed before each
build, one warm-up, then the median of `--runs`. The peers build less (article pages, tag pages,
home); sitegen's timed build makes every output (feeds, sitemap, tag feeds, 404, assets).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
TIME = "/usr/bin/time"
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://example.org/"\nper_page: 20\n'


def load_peers_module(bench_dir: Path) -> Any:
    """`peers.py` of the shared bench: its timing helpers keep both sides measured alike."""
    sys.path.insert(0, str(bench_dir))
    try:
        import peers  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return peers


def make_corpus(bench_dir: Path, work: Path, size: int) -> Path:
    """`work/site-<size>/` with `sitegen.yaml` and the generated corpus as `seeds/` (made once)."""
    site = work / f"site-{size}"
    seeds = site / "seeds"
    if not seeds.is_dir() or sum(1 for _ in seeds.rglob("*.md")) != size:
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        subprocess.run(
            [sys.executable, str(bench_dir / "make_corpus.py"), str(size), str(seeds)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    (site / "sitegen.yaml").write_text(CONFIG, encoding="utf-8")
    return site


def time_sitegen(peers: Any, site: Path, idle_wait: float) -> dict[str, Any]:
    """One clean `sitegen build` under `/usr/bin/time -v`."""
    shutil.rmtree(site / "site", ignore_errors=True)
    if idle_wait > 0:
        peers.wait_idle(idle_wait)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tfile:
        busy0, _ = peers.cpu_ticks()
        proc = subprocess.run(
            [TIME, "-v", "-o", tfile.name, sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        busy1, _ = peers.cpu_ticks()
        if proc.returncode != 0:
            raise SystemExit(f"sitegen build failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
        result: dict[str, Any] = peers.parse_time_v(Path(tfile.name).read_text())
    machine_cpu = (busy1 - busy0) / os.sysconf("SC_CLK_TCK")
    result["other_cores"] = max(0.0, machine_cpu - result["user_s"] - result["sys_s"]) / max(result["wall_s"], 0.01)
    return result


def bench_sitegen(peers: Any, site: Path, size: int, runs: int, warmup: int, idle_wait: float) -> dict[str, Any]:
    """Warm-up, then `runs` timed clean builds; medians and what the build wrote."""
    samples = []
    for i in range(warmup + runs):
        sample = time_sitegen(peers, site, idle_wait)
        label = f"warm-up {i + 1}" if i < warmup else f"run {i - warmup + 1}"
        print(f"  sitegen   {label}: {sample['wall_s']:7.2f} s wall, {sample['maxrss_mib']:5.0f} MiB", flush=True)
        if i >= warmup:
            samples.append(sample)
    med = {k: statistics.median(s[k] for s in samples) for k in ("wall_s", "user_s", "sys_s", "maxrss_mib")}
    out = site / "site"
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "peer": "sitegen",
        "version": _sitegen_version(),
        "n": size,
        "samples": samples,
        **med,
        "ms_per_page": med["wall_s"] * 1000 / size,
        "files": len(files),
        "feeds": sum(1 for p in files if p.name in ("feed.xml", "feed.json")),
        **peers.inventory(out),
    }


def bench_peers(site: Path, work: Path, runs: int, warmup: int) -> list[dict[str, Any]]:
    """Run `peers.py run` on the same corpus and read its JSON results."""
    with tempfile.NamedTemporaryFile(suffix=".json") as results:
        subprocess.run(
            [
                sys.executable,
                str(SHARED_BENCH / "peers.py"),
                "run",
                str(site / "seeds"),
                "--work",
                str(work),
                "--runs",
                str(runs),
                "--warmup",
                str(warmup),
                "--json",
                results.name,
            ],
            check=False,
        )
        text = Path(results.name).read_text()
    return list(json.loads(text)) if text.strip() else []


def _sitegen_version() -> str:
    sys.path.insert(0, str(REPO))
    from sitegen import __version__

    return f"sitegen {__version__}"


def report(size: int, rows: list[dict[str, Any]]) -> str:
    """A Markdown table for one corpus size, with sitegen's time as a ratio of each peer's."""
    ours = next(r for r in rows if r["peer"] == "sitegen")
    lines = [
        f"### {size:,} articles",
        "",
        "| tool | version | wall s (median) | ms/article | CPU s | peak RSS MiB | HTML files | sitegen ÷ tool |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("error") or "wall_s" not in r:
            why = str(r.get("error")).splitlines()[0]
            lines.append(f"| {r['peer']} | {r.get('version', '')} | failed: {why} |||||")
            continue
        ratio = "—" if r is ours else f"{ours['wall_s'] / r['wall_s']:.2f}×"
        lines.append(
            f"| {r['peer']} | {r['version']} | {r['wall_s']:.2f} | {r['ms_per_page']:.2f} | "
            f"{r['user_s'] + r['sys_s']:.2f} | {r['maxrss_mib']:.0f} | {r['html_files']} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="corpus sizes, comma-separated (default: 1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="timed builds per tool (default: 3)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--work", type=Path, default=REPO / ".bench", help="corpora and outputs (default: .bench/)")
    parser.add_argument("--peers", action="store_true", help="also run ../shared/bench/peers.py on the same corpus")
    parser.add_argument("--peers-work", type=Path, default=None, help="peers' tools folder (peers.py --work)")
    parser.add_argument("--idle-wait", type=float, default=10, help="wait up to S s for an idle machine per build")
    parser.add_argument("--json", type=Path, help="also write all results here")
    args = parser.parse_args(argv)

    if not Path(TIME).exists():
        parser.error(f"{TIME} is missing: `apt-get install time` (make test-deps installs it)")
    peers = load_peers_module(SHARED_BENCH)
    peers_work = args.peers_work or Path(os.environ.get("SITEGEN_BENCH_WORK", peers.default_work()))
    args.work.mkdir(parents=True, exist_ok=True)
    everything: dict[str, list[dict[str, Any]]] = {}
    tables = []
    for size in (int(s) for s in args.sizes.split(",")):
        site = make_corpus(SHARED_BENCH, args.work, size)
        print(f"corpus {size}: {site}", flush=True)
        rows = [bench_sitegen(peers, site, size, args.runs, args.warmup, args.idle_wait)]
        if args.peers:
            rows += bench_peers(site, peers_work, args.runs, args.warmup)
        everything[str(size)] = rows
        tables.append(report(size, rows))
    print("\n" + "\n\n".join(tables))
    if args.json:
        args.json.write_text(json.dumps(everything, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
