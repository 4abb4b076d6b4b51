"""Output paths: a relative `/`-path -> a file under the output root, never outside it."""

from __future__ import annotations

import posixpath
from pathlib import Path

from sitegen.errors import OutputError


def resolve_out_path(root: Path, out_path: str, source: str) -> Path:
    """`root / out_path`, refusing empty, `.` and `..` parts, absolute paths, backslashes and NUL."""
    check_out_path(out_path, source)
    # Lexically safe is enough: the writer fills a folder it has just created, or a spare `lstat`ed as
    # its record says (`spare.py`), so no symlink can be in it.
    return root.joinpath(*out_path.split("/"))


def out_file(root: str, out_path: str, source: str) -> str:
    """`resolve_out_path` as a string, for the writer's loop over every output (pathlib costs 10× more)."""
    check_out_path(out_path, source)
    return f"{root}/{out_path}"


def check_out_path(out_path: str, source: str) -> None:
    """Raise `OutputError` for an output path that could leave the output folder (`resolve_out_path`)."""
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
