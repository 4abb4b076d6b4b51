"""Every alias of the build resolves: a redirect page is at the old URL, it sends the reader to the
article, and `_redirects` lists it with the article's URL (and names no page the build lacks)."""

from __future__ import annotations

from sitegen.check.built import BuiltSite
from sitegen.errors import CheckError
from sitegen.render.redirects import REDIRECTS_FILE

REBUILD_HINT = "build again; if it persists, the theme's redirect.html or a step after the build changed it"


def _read_redirects_file(built: BuiltSite) -> dict[str, tuple[str, int]]:
    """`_redirects` as {old URL: (new URL, line)}; empty when the build has none."""
    if REDIRECTS_FILE not in built.files:
        return {}
    found: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(built.read_text(REDIRECTS_FILE).splitlines(), 1):
        parts = line.split()
        if len(parts) >= 2 and not line.startswith("#"):
            found.setdefault(parts[0], (parts[1], number))
    return found


def check_redirects(built: BuiltSite) -> list[CheckError]:
    """Each alias: its page exists and refreshes to the article; `_redirects` agrees; its targets exist."""
    problems: list[CheckError] = []
    listed = _read_redirects_file(built)
    for redirect in built.site.redirects:
        page = built.site.pages[redirect.page_id]
        found: list[str] = []
        if redirect.out_path not in built.files:
            found.append(f"{redirect.url} has no redirect page in the built site")
        else:
            refresh = built.parsed(redirect.out_path).refresh
            target = built.resolve(refresh, redirect.url) if refresh is not None else None
            if target is None or target.rel_path != page.out_path:
                found.append(f"the page at {redirect.url} sends the reader to {refresh}, not to {page.url}")
        if listed.get(redirect.url, ("", 0))[0] != page.url:
            found.append(f"{REDIRECTS_FILE} does not send {redirect.url} to {page.url}")
        problems += [
            CheckError(f"aliases: {message}", path=redirect.page_id, line=redirect.line, hint=REBUILD_HINT)
            for message in found
        ]
    for old, (new, line) in listed.items():
        target = built.resolve(new, built.base_path)
        if target is not None and target.rel_path is None:
            problems.append(
                CheckError(
                    f"{old} is sent to {new}, which is not a page of the built site",
                    path=REDIRECTS_FILE,
                    line=line,
                    hint="fix or remove the line",
                )
            )
    return problems
