#!/usr/bin/env python3
"""On the shared bench corpus, a build warns about nothing and every article's URL is its file name (issue 15).

    python3 benchmarks/file_urls.py                  # 5,000 articles (seed 1), corpus under .bench/
    python3 benchmarks/file_urls.py --size 1000 --work /tmp/x

Runs `sitegen build` as a user would and prints what it wrote to the terminal's error stream (a
title-made URL clash used to print a line per clash there), then loads the content model and
compares each article's URL with its file: `seeds/<yyyy>/<mm>/<name>.md` must be `/<yyyy>/<mm>/<name>/`.
Exit 1 if the build printed anything or any URL differs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from build import SHARED_BENCH, make_corpus  # noqa: E402 (this folder's build benchmark makes the corpus)

from sitegen.build import BuildOptions, load_site  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=5000, help="articles in the corpus (default 5000)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench", help="where the corpus is made (kept)")
    args = parser.parse_args()

    site = make_corpus(SHARED_BENCH, args.work, args.size)
    with tempfile.TemporaryDirectory(prefix="sitegen-file-urls-") as tmp:
        build = subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--out", str(Path(tmp) / "site")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    print(f"sitegen build of {args.size} articles: exit {build.returncode}; stdout: {build.stdout.strip()}")
    stderr = build.stderr.splitlines()
    print(f"lines on stderr: {len(stderr)}; of them about a URL clash: {sum('same URL' in x for x in stderr)}")
    for line in stderr[:10]:
        print("  " + line)

    _, model = load_site(site, BuildOptions())
    differ = []
    for page in model.pages.values():
        yyyy, mm, name = page.id.removeprefix("seeds/").removesuffix(".md").split("/")
        if page.url != f"{model.config.base_path}{yyyy}/{mm}/{name}/":
            differ.append(f"{page.id} -> {page.url}")
    print(f"articles: {len(model.pages)}; URL differs from the file name: {len(differ)}")
    for line in differ[:10]:
        print("  " + line)
    return 0 if build.returncode == 0 and not stderr and not differ else 1


if __name__ == "__main__":
    sys.exit(main())
