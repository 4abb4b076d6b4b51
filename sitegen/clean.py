"""`sitegen clean`: remove the site's caches (`.sitegen-cache/`) and its output folder, if sitegen made it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import load_config
from sitegen.errors import OutputError
from sitegen.images.store import CACHE_DIR
from sitegen.output.writer import MARKER, check_out_dir, sweep_leftovers


@dataclass(frozen=True, slots=True)
class CleanReport:
    """What `clean` removed."""

    removed: tuple[Path, ...]


def clean_site(site_dir: Path, out_dir: Path | None = None) -> CleanReport:
    """Remove `.sitegen-cache/` and the output folder; raise `OutputError` for a folder sitegen did not make.

    The output folder passes the same checks as a build's (`check_out_dir`) and must hold sitegen's
    marker (or be empty): `clean` never removes a folder it could not have written.
    """
    config = load_config(site_dir)
    out = (out_dir or config.output_path).resolve()
    sweep_leftovers(out)  # (puts back a site a killed build left aside, so it is checked like any other)
    check_out_dir(out, config)
    removed = []
    if out.is_dir():
        if any(out.iterdir()) and not (out / MARKER).is_file():  # (check_out_dir refuses this too)
            raise OutputError(f"refused to remove {out}: it was not made by sitegen")
        shutil.rmtree(out)
        removed.append(out)
    cache = config.site_dir / CACHE_DIR
    if cache.is_symlink():
        os.unlink(cache)  # the link only, never what it points to
        removed.append(cache)
    elif cache.is_dir():
        shutil.rmtree(cache)
        removed.append(cache)
    return CleanReport(tuple(removed))
