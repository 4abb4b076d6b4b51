#!/usr/bin/env python3
"""Search at scale: index size, index build time, time to results in Chromium, stemmer quality.

    python3 benchmarks/search.py                          # 1,000 and 5,000 articles of the bench corpus
    python3 benchmarks/search.py --sizes 1000 --runs 5
    python3 benchmarks/search.py --sizes 5000 --no-build --baseline 1cf89cc   # and an older search page
    python3 benchmarks/search.py --quality-only           # only the stemmer against pymorphy3

Per size (corpus: `../shared/bench/make_corpus.py`, as benchmarks/build.py makes it):
- bytes: the search files (manifest, term shards, document files), their number, raw and gzip -9
  bytes, per article, the index (manifest + shards) and the documents alone, the largest shard;
- build: `render_search_index` on the site's search documents (median of `--runs`), against a
  clean `sitegen build` of the same site (median of `--runs`, output removed first), which
  includes it; wall and CPU time (user + sys, workers included) both;
- browser: Debian Chromium (Playwright) on the built site served over loopback as a static host
  serves it; the scenarios (cold, cached, typed, and the page's own floor) and how they are timed:
  benchmarks/search_browser.py. Median of `--runs` per query and scenario, and the range.

Stemmer quality (`--quality`, needs the `bench` extra: pymorphy3 + pymorphy3-dicts-uk): the full
inflection tables (pymorphy3 lexemes) of every word of the example digest's pages, each form run
through `sitegen.text` (normalize, then stem); a paradigm is fully merged when all its forms get
one stem; a wrong merge is a stem shared by two different lexemes (lemma + part of speech).
The machine has 2 cores, which Chromium, the harness and the server share: numbers are noisy,
medians are reported, and with `--baseline` both sites' samples are interleaved.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The shared bench folder: beside the repository, or beside the folder of worktrees.
SHARED_BENCH = next(
    (p for p in (REPO.parent / "shared" / "bench", REPO.parent.parent / "shared" / "bench") if p.is_dir()),
    REPO.parent / "shared" / "bench",
)
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://example.org/"\nper_page: 20\n'
QUERIES = ["Україна", "переговорів", "Рютте", "безпекові гарантії", "Макрон Путін", "зебра"]


def make_corpus(work: Path, size: int) -> Path:
    """`work/site-<size>/` with the generated corpus as `seeds/` (benchmarks/build.py's helper)."""
    from benchmarks.build import make_corpus as build_corpus

    return build_corpus(SHARED_BENCH, work, size)


def search_documents(site_dir: Path) -> list[Any]:
    """The site's search documents, as the build makes them (Markdown rendered in this process)."""
    from sitegen.build import BuildOptions, load_site
    from sitegen.render.markdown import render_markdown
    from sitegen.render.search import search_document
    from sitegen.render.theme import load_theme

    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    return [search_document(site, p, theme.strings_for(p.lang), render_markdown(p.body).text) for p in site.newest()]


def measure_bytes(docs: list[Any]) -> dict[str, Any]:
    """Files and bytes (raw, gzip -9) of the search index as the site ships it, per article."""
    from sitegen.render.search import build_index, render_search_index

    files = render_search_index(docs)
    n = max(len(docs), 1)

    def gz(outputs: Any) -> int:
        return sum(len(gzip.compress(o.data, 9)) for o in outputs)

    index = gz(files.shards) + gz([files.manifest])
    store = gz(files.documents)
    lunr_form = len(gzip.compress(json.dumps(build_index(docs), ensure_ascii=False, separators=(",", ":")).encode(), 9))
    return {
        "files": len(files.outputs),
        "shards": len(files.shards),
        "document_files": len(files.documents),
        "raw_bytes": sum(len(o.data) for o in files.outputs),
        "gzip_bytes": index + store,
        "gzip_per_article": (index + store) / n,
        "index_gzip_per_article": index / n,
        "store_gzip_per_article": store / n,
        "manifest_gzip": gz([files.manifest]),
        "largest_shard_gzip": max((len(gzip.compress(o.data, 9)) for o in files.shards), default=0),
        "terms": sum(len(json.loads(o.data)["terms"]) for o in files.shards),
        # for comparison: lunr's own serialized form, which the site does not ship
        "lunr_form_index_gzip_per_article": lunr_form / n,
    }


def measure_index_build(docs: list[Any], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `render_search_index` (CPU time is less hurt by a busy machine)."""
    from sitegen.render.search import render_search_index

    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        render_search_index(docs)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure_clean_build(site: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds (user + sys of the build and its workers) of a clean `sitegen build`."""
    wall, cpu = [], []
    for _ in range(runs):
        shutil.rmtree(site / "site", ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)],
            cwd=REPO,
            check=True,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


def measure_browser(site: Path, runs: int, scenarios: list[str], baseline: str | None) -> dict[str, Any]:
    """benchmarks/search_browser.py on a build of `site` for its own loopback URL, and on one made by the
    sitegen of git revision `baseline` if given (without `typed`: pages before 946bba1 mark the first query only)."""
    from benchmarks.search_browser import Variant, measure
    from sitegen.build import BuildOptions, build

    variants = []
    git = ["git", "-C", str(REPO), "worktree"]
    port = _free_port()
    out = site / "site-browser"
    shutil.rmtree(out, ignore_errors=True)
    build(site, BuildOptions(out_dir=out, base_url=f"http://127.0.0.1:{port}/"))
    variants.append(Variant("now", out, port, tuple(scenarios)))
    worktree = site / "baseline-src"
    if baseline:
        port = _free_port()
        old_out = site / "site-baseline"
        shutil.rmtree(old_out, ignore_errors=True)
        subprocess.run([*git, "add", "-f", "--detach", str(worktree), baseline], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site), "--out", str(old_out)]
            + ["--base-url", f"http://127.0.0.1:{port}/"],
            check=True,
            cwd=worktree,  # (`python -m` puts the working folder first on the path)
            env={"PYTHONPATH": str(worktree), "PATH": "/usr/bin:/bin"},
        )
        variants.append(Variant(f"baseline {baseline}", old_out, port, tuple(s for s in scenarios if s != "typed")))
    try:
        return measure(variants, QUERIES, runs)
    finally:
        for v in variants:
            shutil.rmtree(v.out, ignore_errors=True)
        if baseline:
            subprocess.run([*git, "remove", "--force", str(worktree)], check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def stemmer_quality() -> dict[str, Any]:
    """Paradigms of the example digest's words (pymorphy3) merged by `sitegen.text`, by part of speech."""
    import pymorphy3

    from sitegen import text

    morph = pymorphy3.MorphAnalyzer(lang="uk")
    body = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").rglob("*.md")))
    words = sorted({w.lower() for w in re.findall(r"[а-щьюяґєії'’ʼ]{3,}", body, flags=re.I)})
    lexemes: dict[tuple[str, str], set[str]] = {}
    for word in words:
        parse = morph.parse(word.replace("’", "'").replace("ʼ", "'"))[0]
        pos = {"NOUN": "noun", "ADJF": "adjective", "VERB": "verb", "INFN": "verb"}.get(str(parse.tag.POS))
        if pos is None or text.is_stop_word(text.normalize(word)):
            continue
        forms = {text.normalize(f.word) for f in parse.lexeme}
        lexemes.setdefault((parse.normal_form, pos), set()).update(f for f in forms if f)
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    by_pos: dict[str, list[int]] = defaultdict(list)
    forms_total = 0
    for key, forms in lexemes.items():
        stems = {text.stem(f) for f in forms}
        by_pos[key[1]].append(len(stems))
        forms_total += len(forms)
        for s in stems:
            owners[s].add(key)
    wrong = {s: sorted(k[0] for k in keys) for s, keys in owners.items() if len({k[0] for k in keys}) > 1}
    return {
        "lexemes": len(lexemes),
        "forms": forms_total,
        "by_pos": {
            pos: {
                "lexemes": len(v),
                "fully_merged": sum(1 for x in v if x == 1) / len(v),
                "stems_per_lexeme": statistics.mean(v),
            }
            for pos, v in sorted(by_pos.items())
        },
        "wrong_merges": len(wrong),
        "wrong_examples": dict(sorted(wrong.items())[:12]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--no-build", action="store_true", help="skip the clean-build timing")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--scenarios", default="floor,cold,cached,typed", help="see benchmarks/search_browser.py")
    parser.add_argument("--baseline", help="also measure the search page of this git revision, interleaved")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--no-quality", action="store_true", help="skip the stemmer against pymorphy3")
    parser.add_argument("--json", type=Path, help="also write all results here")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the corpus's slug clashes are expected
    results: dict[str, Any] = {}
    if not args.quality_only:
        for size in (int(s) for s in args.sizes.split(",")):
            site = make_corpus(args.work, size)
            print(f"corpus {size}: {site}", flush=True)
            docs = search_documents(site)
            row: dict[str, Any] = measure_bytes(docs)
            print(f"  bytes: {json.dumps(row)}", flush=True)
            row["index_build_s"], row["index_build_cpu_s"] = measure_index_build(docs, args.runs)
            print(f"  index build: {row['index_build_s']:.2f} s wall, {row['index_build_cpu_s']:.2f} s CPU", flush=True)
            if not args.no_build:
                row["clean_build_s"], row["clean_build_cpu_s"] = measure_clean_build(site, args.runs)
                row["index_share"] = row["index_build_s"] / row["clean_build_s"]
                row["index_share_cpu"] = row["index_build_cpu_s"] / row["clean_build_cpu_s"]
                print(
                    f"  clean build: {row['clean_build_s']:.2f} s wall, {row['clean_build_cpu_s']:.2f} s CPU "
                    f"(index: {row['index_share']:.0%} of wall, {row['index_share_cpu']:.0%} of CPU)",
                    flush=True,
                )
            if not args.no_browser:
                row["browser_ms"] = measure_browser(site, args.runs, args.scenarios.split(","), args.baseline)
                for variant, cells in row["browser_ms"].items():
                    for name, t in cells.items():
                        parts = [f"{key} {t[key]:.0f}" for key in ("script", "parsed", "loaded") if key in t]
                        print(
                            f"  chromium [{variant}] {name}: shown {t['shown']:.0f} ms "
                            f"({t['shown_min']:.0f}-{t['shown_max']:.0f}; {', '.join(parts)}; "
                            f"{t['search_files']} search files, {t['fetched_kb']:.0f} kB over the wire) {t['status']}",
                            flush=True,
                        )
            results[str(size)] = row
    if not args.no_quality:
        quality = stemmer_quality()
        results["stemmer"] = quality
        print("stemmer:", json.dumps(quality, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
