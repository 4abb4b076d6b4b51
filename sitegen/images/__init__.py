"""Pictures: the images pages name, found, checked and processed before the render phase.

`prepare_images(site)` finds every image the pages name (lead photo, Markdown images) and the site's
default sharing image, reads and hashes each file, and processes the ones the cache does not hold
yet: in worker processes, one picture a task, since decoding and encoding are most of a build's
work on a site with photos. Every bad reference or bad file becomes a located error (the page and
line that names it), all collected; the render phase reads the result (`ImageSet`) and never
touches the files. `serve` keeps a `ImagePreparer` between builds so an unchanged file (same stat)
is not even read again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import CONFIG_NAME, SiteConfig
from sitegen.content.model import Site
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError, SourceError
from sitegen.images.process import ImageProblem, Processed, Variant
from sitegen.images.refs import ImageRef, resolve_image
from sitegen.images.store import digest_of, image_cache_dir, make_entry, read_entry
from sitegen.workers import available_cores, can_fork, run_in_workers

__all__ = ["ImageInfo", "ImagePreparer", "ImageSet", "Variant", "image_refs", "prepare_images"]

RACY_NS = 1_000_000_000
"""A file changed this close to when it was read may change again unseen within one mtime tick."""


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """One processed picture: its size upright, its outputs, and where they wait in the cache."""

    digest: str
    stem: str
    """A URL-safe name from the file name (`rutte-v-briusseli`), so the URLs say what the picture is."""
    width: int
    height: int
    variants: tuple[Variant, ...]
    folder: Path
    """The cache folder holding the variants."""

    def file_name(self, variant: Variant) -> str:
        """The published name of a variant: `rutte.3fa2b1c0d4.800.webp`."""
        return f"{self.stem}.{self.digest[:10]}.{variant.name}"

    @property
    def is_svg(self) -> bool:
        return self.variants[0].mime == "image/svg+xml"

    def card(self) -> Variant | None:
        """The 1200×630 sharing card (none for an SVG)."""
        return next((v for v in self.variants if v.name.startswith("card.")), None)

    def widths(self, mime: str) -> list[Variant]:
        """The responsive variants of one format, narrowest first."""
        return sorted((v for v in self.variants if v.mime == mime and v.name[0].isdigit()), key=lambda v: v.width)

    @property
    def fallback_mime(self) -> str:
        """`image/jpeg`, or `image/png` for a picture with transparency."""
        return next((v.mime for v in self.variants if v.name[0].isdigit() and v.mime != "image/webp"), "image/jpeg")


@dataclass(frozen=True, slots=True)
class ImageSet:
    """Every picture the site shows, by the page that names it and the `src` it wrote."""

    by_ref: Mapping[tuple[str, str], ImageInfo] = field(default_factory=dict)
    problems: tuple[SitegenError, ...] = ()

    def get(self, owner: str, src: str) -> ImageInfo | None:
        return self.by_ref.get((owner, src.strip()))

    def by_owner(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """By page id: (src, digest) of each picture the page shows, for keys of cached renders."""
        found: dict[str, list[tuple[str, str]]] = {}
        for (owner, src), info in sorted(self.by_ref.items()):
            found.setdefault(owner, []).append((src, info.digest))
        return {owner: tuple(pairs) for owner, pairs in found.items()}

    def unique(self) -> list[ImageInfo]:
        """Each picture once (two pages may show one file), in a stable order."""
        return sorted({i.digest: i for i in self.by_ref.values()}.values(), key=lambda i: i.digest)


def image_refs(site: Site) -> list[ImageRef]:
    """Every image reference of the site: the default sharing image, then each page's lead and body images."""
    refs: list[ImageRef] = []
    if site.config.image:
        refs.append(ImageRef(CONFIG_NAME, site.config.image, site.config.key_lines.get("image"), "image"))
    for page_id in sorted(site.pages):
        page = site.pages[page_id]
        if page.meta.image is not None and page.meta.image.src:
            refs.append(ImageRef(page.id, page.meta.image.src, page.key_lines.get("image"), "image"))
        for image in page.body_source.images_at(page.body_line):  # recorded at load: no body is read
            refs.append(ImageRef(page.id, image.src, image.line, "body"))
    return refs


@dataclass(frozen=True, slots=True)
class _Done:
    stamp: tuple[int, int, int]
    read_at: int
    digest: str
    processed: Processed


class ImagePreparer:
    """Prepares the pictures of one site again and again (`serve`), skipping files whose stat is unchanged."""

    def __init__(self, config: SiteConfig, *, workers: int | None = None) -> None:
        self.site_dir = config.site_dir
        self.root = image_cache_dir(config.site_dir)
        self.workers = workers
        self._done: dict[Path, _Done] = {}
        self.processed = 0
        """Pictures decoded and encoded by the last `prepare` (the rest came from the cache)."""

    def prepare(self, site: Site) -> ImageSet:
        """The `ImageSet` of `site`; problems are collected in it, never raised."""
        problems: list[SitegenError] = []
        paths: dict[ImageRef, Path] = {}
        for ref in image_refs(site):
            try:
                paths[ref] = resolve_image(self.site_dir, ref)
            except SitegenError as exc:
                problems.append(exc)
        wanted = sorted(set(paths.values()))
        results = self._results(wanted)
        by_ref: dict[tuple[str, str], ImageInfo] = {}
        names: dict[str, str] = {}
        for path in wanted:  # the first file (by path) of a digest names its URLs
            result = results[path]
            if isinstance(result, _Done):
                names.setdefault(result.digest, slugify(path.stem) or "image")
        for ref, path in paths.items():
            result = results[path]
            if isinstance(result, str):
                problems.append(SourceError(f"image: {ref.src}: {result}", path=ref.owner, line=ref.line, hint=_HINT))
                continue
            info = ImageInfo(
                digest=result.digest,
                stem=names[result.digest],
                width=result.processed.width,
                height=result.processed.height,
                variants=result.processed.variants,
                folder=self.root / result.digest,
            )
            by_ref[(ref.owner, ref.src.strip())] = info
        self._done = {p: r for p, r in results.items() if isinstance(r, _Done)}
        problems.sort(key=lambda e: (e.path or "", e.line or 0))
        return ImageSet(by_ref=by_ref, problems=tuple(problems))

    def _results(self, paths: list[Path]) -> dict[Path, _Done | str]:
        results: dict[Path, _Done | str] = {}
        todo: list[Path] = []
        for path in paths:
            old = self._done.get(path)
            stamp = _stamp(path)
            if old is not None and old.stamp == stamp and stamp[0] + RACY_NS < old.read_at:
                if (self.root / old.digest).is_dir():
                    results[path] = old
                    continue
            todo.append(path)
        workers = min(self.workers or available_cores(), len(todo))
        jobs = [(str(p), str(self.root)) for p in todo]
        if workers > 1 and can_fork():
            done, _ = run_in_workers(_prepare_one, jobs, workers, lambda: None)  # Ctrl-C-safe (issue 17, fault 9)
        else:
            done = [_prepare_one(job) for job in jobs]
        self.processed = 0
        for path, (result, made) in zip(todo, done, strict=True):
            results[path] = result
            self.processed += made
        return results


_HINT = "replace the file with a JPEG, PNG or WebP picture (or a safe SVG)"


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _prepare_one(job: tuple[str, str]) -> tuple[_Done | str, int]:
    """In a worker: read, hash, and take the picture from the cache or process it; (result, 1 if processed)."""
    path, root = Path(job[0]), Path(job[1])
    stamp = _stamp(path)
    read_at = time.time_ns()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}", 0
    digest = digest_of(data)
    cached = read_entry(root, digest)
    if cached is not None:
        return _Done(stamp, read_at, digest, cached), 0
    try:
        processed = make_entry(root, digest, data)
    except ImageProblem as exc:
        return str(exc), 0
    except OSError as exc:
        return f"cannot write the image cache {root}: {exc.strerror or exc}", 0
    return _Done(stamp, read_at, digest, processed), 1


def prepare_images(site: Site, *, workers: int | None = None) -> ImageSet:
    """The pictures of `site`, processed where the cache does not hold them yet (one-off: `build`)."""
    return ImagePreparer(site.config, workers=workers).prepare(site)
