"""`sitegen clean`: remove the caches (`.sitegen-cache/`), the output folder if sitegen made it, and its spare."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import load_config
from sitegen.errors import OutputError
from sitegen.images.store import CACHE_DIR
from sitegen.output.folders import refusal
from sitegen.output.spare import remove_spare_at
from sitegen.output.writer import MARKER, spare_path, sweep_leftovers


@dataclass(frozen=True, slots=True)
class CleanReport:
    """What `clean` removed."""

    removed: tuple[Path, ...]


def clean_site(site_dir: Path, out_dir: Path | None = None) -> CleanReport:
    """Remove `.sitegen-cache/`, the output folder and its spare; raise `OutputError` for a folder sitegen did not make.

    The output folder passes the same checks as a build's (`check_out_dir`) and must hold sitegen's
    marker (or be empty): `clean` never removes a folder it could not have written.
    """
    config = load_config(site_dir)
    out = (out_dir or config.output_path).resolve()
    sweep_leftovers(out)  # (puts back a site a killed build left aside, so it is checked like any other)
    reason = refusal(out, config, marker=MARKER, verb="build", inside_site=True)
    if reason:
        raise OutputError(
            f"refused to remove {out}: {reason}",
            hint="`sitegen clean` removes only a folder an earlier `sitegen build` made",
        )
    removed = []
    if out.is_dir():
        shutil.rmtree(out)
        removed.append(out)
    spare = spare_path(out)
    if os.path.lexists(spare):
        remove_spare_at(spare)
        removed.append(spare)
    cache = config.site_dir / CACHE_DIR
    if cache.is_symlink():
        os.unlink(cache)  # the link only, never what it points to
        removed.append(cache)
    elif cache.is_dir():
        shutil.rmtree(cache)
        removed.append(cache)
    return CleanReport(tuple(removed))
