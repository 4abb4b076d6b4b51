"""The image cache: processed pictures kept in the site folder's `.sitegen-cache/images/` between builds.

One folder per picture, named by its digest (the SHA-256 of its bytes and of `PROCESS_VERSION`), with
the encoded files and an `info.json` that lists them with their sizes. A folder is made under a
temporary name and renamed into place only once complete, so a killed build leaves no half entry;
an entry whose `info.json` does not parse or whose files are missing or of another size is never
trusted: it is removed and the picture processed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from sitegen.images.process import PROCESS_VERSION, Processed, Variant, process_image

CACHE_DIR = ".sitegen-cache"
IMAGES_DIR = "images"
INFO = "info.json"


def image_cache_dir(site_dir: Path) -> Path:
    """Where a site keeps its processed pictures."""
    return site_dir / CACHE_DIR / IMAGES_DIR


def digest_of(data: bytes) -> str:
    """The name of a picture's cache entry and part of its URLs: changes with its bytes and with processing."""
    return hashlib.sha256(f"sitegen-image-{PROCESS_VERSION}\n".encode() + data).hexdigest()[:20]


def read_entry(root: Path, digest: str) -> Processed | None:
    """A complete, intact cache entry, else `None` (a damaged one is removed)."""
    folder = root / digest
    try:
        raw = json.loads((folder / INFO).read_text("utf-8"))
        processed = _from_json(raw)
        for variant in processed.variants:
            if (folder / variant.name).stat().st_size != variant.size:
                raise ValueError(f"{variant.name} has the wrong size")
    except FileNotFoundError:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        return None
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return processed


def make_entry(root: Path, digest: str, data: bytes) -> Processed:
    """Process `data` into a new cache entry (raises `ImageProblem` for a bad picture)."""
    tmp = root / f".tmp-{os.getpid()}-{digest}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:

        def write(name: str, content: bytes) -> None:
            (tmp / name).write_bytes(content)

        processed = process_image(data, write)
        (tmp / INFO).write_text(json.dumps(_to_json(processed)), "utf-8")
        try:
            os.rename(tmp, root / digest)
        except OSError:
            if read_entry(root, digest) is None:  # not another process's finished entry: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return processed


def _to_json(processed: Processed) -> dict[str, Any]:
    return {
        "version": PROCESS_VERSION,
        "width": processed.width,
        "height": processed.height,
        "variants": [[v.name, v.width, v.height, v.mime, v.size] for v in processed.variants],
    }


def _from_json(raw: Any) -> Processed:
    if not isinstance(raw, dict) or raw.get("version") != PROCESS_VERSION:
        raise ValueError("another version")
    variants = tuple(
        Variant(str(name), int(w), int(h), str(mime), int(size)) for name, w, h, mime, size in raw["variants"]
    )
    if not variants or any("/" in v.name or v.name.startswith(".") for v in variants):
        raise ValueError("bad variant list")
    return Processed(int(raw["width"]), int(raw["height"]), variants)
