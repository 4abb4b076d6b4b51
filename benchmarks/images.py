"""Pictures at scale: a site where every article has its own 3000×2000 JPEG, built cold, then warm.

    python3 benchmarks/images.py --articles 1000        # or: make bench-images

The corpus is `../shared/bench/make_corpus.py N` (seed 1); each article gets a lead photo of its own
(`image: {src: <slug>.jpg, …}` beside the page: a photo-like 3000×2000 JPEG, 1–2 MB, different in every
file so nothing is shared). Steps, each one `python -m sitegen build` process (CPU = user + sys of it
and its workers, from `wait4`):

- `no pictures`: the same pages without `image:`, for the baseline;
- `cold`: empty image cache (`.sitegen-cache/` removed): every picture decoded, turned into 8 responsive
  files and a sharing card;
- `warm`: the cache from the cold build: every picture read and hashed, nothing decoded (`--runs`
  times, the median kept).

The output folder is removed before each build. Data goes to `.bench/images-N/` (removed at the end
unless `--keep`). Prints a Markdown table and the machine's load average.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
SIZE = (3000, 2000)


def _base_photo() -> Image.Image:
    """A photo-like picture: soft gradients, blurred shapes and sensor-like noise (JPEG sizes of a real photo)."""
    rng = random.Random(1)
    image = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.uniform(0, SIZE[0]), rng.uniform(0, SIZE[1]), rng.uniform(40, 400)
        colour = tuple(rng.randrange(40, 230) for _ in range(3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(12))
    noise = Image.merge("RGB", [Image.effect_noise(SIZE, 60) for _ in range(3)])
    return Image.blend(image, noise, 0.2)


_BASE: Image.Image | None = None


def _write_photo(job: tuple[int, str]) -> int:
    """One article's photo: the base picture with the article's number drawn on it (so no two are alike)."""
    index, path = job
    assert _BASE is not None
    image = _BASE.copy()
    draw = ImageDraw.Draw(image)
    rng = random.Random(index)
    for _ in range(6):
        x, y = rng.uniform(0, SIZE[0] - 300), rng.uniform(0, SIZE[1] - 300)
        draw.rectangle([x, y, x + rng.uniform(50, 300), y + rng.uniform(50, 300)], outline=(255, 255, 255), width=6)
    draw.text((40, 40), f"#{index}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    Path(path).write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def make_site(root: Path, articles: int) -> tuple[Path, int]:
    """The corpus with a photo per article; returns the site folder and the photos' total bytes."""
    global _BASE
    if root.exists():
        shutil.rmtree(root)
    seeds = root / "seeds"
    subprocess.run([sys.executable, str(CORPUS), str(articles), str(seeds)], check=True, stdout=subprocess.DEVNULL)
    (root / "sitegen.yaml").write_text('title: "Фото-дайджест"\nbase_url: "https://digest.example.net/"\n', "utf-8")
    jobs = []
    for i, page in enumerate(sorted(seeds.rglob("*.md"))):
        text = page.read_text("utf-8")
        text = re.sub(r"^image:.*\n", "", text, flags=re.M)
        photo = page.with_suffix(".jpg")
        line = f'image: {{src: {photo.name}, alt: "Фото до статті {i}", caption: "Підпис {i}", credit: "Агенція"}}\n'
        page.write_text(text.replace("\n---\n", "\n" + line + "---\n", 1), "utf-8")
        jobs.append((i, str(photo)))
    _BASE = _base_photo()
    with multiprocessing.get_context("fork").Pool() as pool:
        total = sum(pool.map(_write_photo, jobs, chunksize=8))
    return root, total


def strip_images(root: Path, dest: Path) -> Path:
    """A copy of the site without `image:` lines and without the photos."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns("*.jpg", ".sitegen-cache", "site"))
    for page in (dest / "seeds").rglob("*.md"):
        page.write_text(re.sub(r"^image:.*\n", "", page.read_text("utf-8"), flags=re.M), "utf-8")
    return dest


def timed_build(site: Path, *, cold: bool) -> dict[str, float]:
    """One `sitegen build` process: wall seconds, CPU seconds of it and its children."""
    shutil.rmtree(site / "site", ignore_errors=True)
    if cold:
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q"], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build failed in {site} (status {status})")
    out = site / "site"
    media = list((out / "media").iterdir()) if (out / "media").is_dir() else []
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "media_files": len(media),
        "media_mb": sum(p.stat().st_size for p in media) / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="warm builds (median)")
    parser.add_argument("--keep", action="store_true", help="keep .bench/images-N/ afterwards")
    args = parser.parse_args()
    work = REPO / ".bench" / f"images-{args.articles}"
    started = time.perf_counter()
    site, photo_bytes = make_site(work / "site", args.articles)
    plain = strip_images(site, work / "plain")
    print(f"{args.articles} articles, {args.articles} photos 3000×2000, {photo_bytes / 1e6:.0f} MB of JPEG "
          f"(made in {time.perf_counter() - started:.0f} s); load before: {os.getloadavg()}")  # fmt: skip
    rows = [("no pictures", timed_build(plain, cold=True))]
    rows.append(("cold (empty cache)", timed_build(site, cold=True)))
    warm = [timed_build(site, cold=False) for _ in range(args.runs)]
    rows.append((f"warm (median of {args.runs})", {k: statistics.median(r[k] for r in warm) for k in warm[0]}))
    print("| build | wall s | CPU s | peak RSS MiB (main process) | media files | media MB |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        cells = [
            f"{r['wall']:.1f}",
            f"{r['cpu']:.1f}",
            f"{r['rss']:.0f}",
            f"{r['media_files']:.0f}",
            f"{r['media_mb']:.0f}",
        ]
        print(f"| {name} | {' | '.join(cells)} |")
    print(f"load average after: {os.getloadavg()}; cores: {os.cpu_count()}")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
