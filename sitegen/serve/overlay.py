"""A failed build as data for the browser overlay: each problem's place, message and source lines.

The overlay's own words (its title, "fix the file and save…") come from the theme's strings in
the site's language (`serve_*` keys), so a Ukrainian site shows a Ukrainian overlay; the
problems themselves are sitegen's messages, as the terminal shows them.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from sitegen.errors import ErrorList, SitegenError
from sitegen.render.strings import Strings

CONTEXT = 3
"""Source lines shown before and after the line of a problem."""
MAX_PROBLEMS = 20


def error_payload(exc: BaseException, site_dir: Path, s: Strings) -> dict[str, Any]:
    """`{"title", "problems": [{"location", "message", "hint", "lines"}], "text", "fix", "waiting", "lang"}`.

    A `SitegenError` gives one entry per problem; anything else is a bug in sitegen and shows
    its traceback, so the user can report it. `s`: the theme's strings in the site's language.
    """
    words = {"fix": s.serve_fix, "waiting": s.serve_no_site, "lang": s.lang}
    if isinstance(exc, SitegenError):
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        problems = [_problem(e, site_dir) for e in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            more = s.format("serve_more", n=len(errors) - MAX_PROBLEMS)
            problems.append({"location": "", "message": more, "hint": None, "lines": []})
        title = s.serve_build_failed if len(errors) == 1 else s.plural("serve_build_failed_many", len(errors))
        return {"title": title, "problems": problems, "text": exc.format(), **words}
    text = "".join(traceback.format_exception(exc)).rstrip()
    return {
        "title": s.serve_crashed,
        "problems": [{"location": type(exc).__name__, "message": text, "hint": None, "lines": []}],
        "text": text,
        **words,
    }


def _problem(error: SitegenError, site_dir: Path) -> dict[str, Any]:
    return {
        "location": error.location(),
        "message": error.message,
        "hint": error.hint,
        "lines": source_lines(site_dir, error.path, error.line) or _own_line(error),
    }


def source_lines(site_dir: Path, rel_path: str | None, line: int | None) -> list[dict[str, Any]]:
    """Lines around `line` of a file inside the site folder (none for files outside it)."""
    if not rel_path or not line:
        return []
    root = site_dir.resolve()
    path = (root / rel_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return []
    try:
        lines = path.read_text("utf-8", "replace").split("\n")
    except OSError:
        return []
    first, last = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
    return [{"n": n, "text": lines[n - 1], "current": n == line} for n in range(first, last + 1)]


def _own_line(error: SitegenError) -> list[dict[str, Any]]:
    if error.source_line is None or error.line is None:
        return []
    return [{"n": error.line, "text": error.source_line, "current": True}]
