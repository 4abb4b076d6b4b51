"""Near-duplicate stories among the site's pages (drafts and scheduled ones too): advisory, never failing.

Two pages that tell one story (a re-scrape, two outlets' versions) are a curation slip, not a broken
site: `check` warns, naming both files, and `publish` goes on.

Sketching every body through the text pipeline is most of the work (7 s CPU at 5,000 articles), and
`publish` runs the checks every time, so the sketches are kept between runs in
`.sitegen-cache/sketches.bin`, by the SHA-1 of the text: a run sketches only new and edited pages.
The file is ours alone (written whole, then renamed into place); one written by another version of
the pipeline or the sketch, or one that is damaged, is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import struct
from pathlib import Path

from sitegen.atomic import write_atomic
from sitegen.check.built import BuiltSite
from sitegen.content.duplicates import SHINGLE, SKETCH, Sketch, Story, find_near_duplicates, sketch, story_text
from sitegen.content.model import Site
from sitegen.errors import CheckError
from sitegen.text import VERSION

log = logging.getLogger(__name__)

CACHE_FILE = Path(".sitegen-cache") / "sketches.bin"
MAGIC = f"sitegen-sketches 1 text {VERSION} shingle {SHINGLE} sketch {SKETCH}\n".encode()
_ENTRY = struct.Struct("<20sII")
"""Per text: SHA-1 of the text, shingle count, number of hashes (then that many little-endian uint32)."""


class SketchCache:
    """Sketches by the SHA-1 of their text, read from and written back to one file of the site folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[bytes, Sketch] = _read(path)
        self.used: dict[bytes, Sketch] = {}
        self.made = 0

    def sketch(self, text: str) -> Sketch:
        """The text's sketch: remembered, or made now."""
        key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()
        found = self.known.get(key)
        if found is None:
            found = sketch(text)
            self.made += 1
        self.used[key] = found
        return found

    def save(self) -> None:
        """Write the sketches used in this run (the others belonged to deleted or edited pages)."""
        if not self.made and len(self.used) == len(self.known):
            return
        parts = [MAGIC]
        for key, item in self.used.items():
            parts.append(_ENTRY.pack(key, item.size, len(item.hashes)))
            parts.append(struct.pack(f"<{len(item.hashes)}I", *item.hashes))
        write_atomic(self.path, b"".join(parts))


def _read(path: Path) -> dict[bytes, Sketch]:
    """The file's sketches; nothing when it is missing, damaged or of another version."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(MAGIC):
        return {}
    found: dict[bytes, Sketch] = {}
    view, at = memoryview(data), len(MAGIC)
    while at < len(data):
        if at + _ENTRY.size > len(data):
            return {}
        key, size, count = _ENTRY.unpack_from(view, at)
        at += _ENTRY.size
        end = at + 4 * count
        if end > len(data) or count > SKETCH:
            return {}
        found[key] = Sketch(size, struct.unpack_from(f"<{count}I", view, at))
        at = end
    return found


def near_duplicates(site: Site, site_dir: Path) -> list[CheckError]:
    """One warning per pair of `site`'s pages that tell the same story, most similar first."""
    stories = [Story(page.id, story_text(page.title, page.meta.summary, page.body)) for page in site.pages.values()]
    cache = SketchCache(site_dir / CACHE_FILE)
    pairs = find_near_duplicates(stories, sketcher=cache.sketch)
    try:
        cache.save()
    except OSError as exc:  # a read-only site folder: the next run sketches everything again, that is all
        log.info("cannot keep near-duplicate sketches in %s: %s", cache.path, exc)
    return [
        CheckError(
            f"tells the same story as {dup.second} ({dup.score:.0%} of the shorter text's word pairs shared)",
            path=dup.first,
            hint="keep one of them, or rewrite one",
        )
        for dup in pairs
    ]


def check_duplicates(built: BuiltSite) -> list[CheckError]:
    """One warning per pair of pages that tell the same story (drafts and future pages too, when they load)."""
    return near_duplicates(built.all_pages() or built.site, built.site_dir)
