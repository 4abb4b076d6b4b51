"""Output paths: a relative `/`-path -> a file under the output root, never outside it."""

from __future__ import annotations

import posixpath
from pathlib import Path

from sitegen.errors import OutputError


def resolve_out_path(root: Path, out_path: str, source: str) -> Path:
    """`root / out_path`, refusing empty, `.` and `..` parts, absolute paths, backslashes and NUL."""
    bad = (
        not out_path
        or out_path.startswith("/")
        or "\\" in out_path
        or "\0" in out_path
        or any(part in ("", ".", "..") for part in out_path.split("/"))
        or posixpath.normpath(out_path) != out_path
    )
    if bad:
        raise OutputError(f"refused to write {out_path!r}: it would leave the output folder", path=source)
    # Lexically safe is enough: the writer fills a folder it has just created, so no symlink can be in it.
    return root.joinpath(*out_path.split("/"))
