"""Internal links, `#anchors` and assets of every built page resolve to files of the same build.

A link that comes from an article's Markdown (body or curator note) is reported at its source
line; a link the theme writes is reported once per target with the pages that carry it, so a
broken link in `base.html` is one problem, not one per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.check.built import BuiltSite, LinkTarget
from sitegen.check.sources import SourceLinks, source_links
from sitegen.errors import CheckError

SHOWN_PAGES = 3
"""Pages named for a theme link that is broken on many pages."""
IMPLICIT_ANCHORS = frozenset({"", "top"})
"""`#` and `#top` scroll to the top of any page (HTML standard), with or without such an id."""


@dataclass(frozen=True, slots=True)
class _Broken:
    what: str
    """`link`, `image`, `stylesheet`, …"""
    url: str
    why: str
    hint: str


def _kind(tag: str, attr: str) -> str:
    if tag == "img" or tag == "source":
        return "image"
    if tag == "script":
        return "script"
    if tag == "link":
        return "linked file"
    if tag == "a" or tag == "area":
        return "link"
    if tag == "meta":
        return "redirect"
    if attr.startswith("data-"):
        return f"{attr} URL"
    return f"<{tag} {attr}>"


def _verdict(built: BuiltSite, target: LinkTarget, what: str, url: str, here: str) -> _Broken | None:
    if target.outside:
        return _Broken(
            what,
            url,
            f"it leads outside the site's base path {built.base_path}",
            f"start root-relative links with {built.base_path}",
        )
    if target.rel_path is None:
        return _Broken(what, url, "no such file in the built site", "fix the link or add the page it points to")
    if target.fragment in IMPLICIT_ANCHORS or not target.rel_path.endswith(".html"):
        return None
    if target.fragment not in built.parsed(target.rel_path).ids:
        shown = "this page" if target.rel_path == here else built.page_url(target.rel_path)
        return _Broken(
            "anchor",
            url,
            f'{shown} has no element with id="{target.fragment}"',
            "link to a heading's id (shown in the page's HTML) or remove the #part",
        )
    return None


@dataclass
class LinkFindings:
    """What the link check found on the built pages."""

    problems: list[CheckError] = field(default_factory=list)
    """Broken links of articles' Markdown, at their source lines, in page order."""
    theme: dict[tuple[str, str, str], tuple[_Broken, list[tuple[str, int]]]] = field(default_factory=dict)
    """Broken links the theme writes, by (what, target, why): (details, [(page URL, line)]) in page order."""


def scan_links(built: BuiltSite, files: list[str]) -> LinkFindings:
    """Every reference in the built HTML pages `files`, checked against the files of the build."""
    by_out_path = {page.out_path: page for page in built.site.pages.values()}
    found = LinkFindings()
    for rel in files:
        here = built.page_url(rel)
        page = by_out_path.get(rel)
        links: SourceLinks | None = None
        for ref in built.parsed(rel).references:
            target = built.resolve(ref.url, here)
            if target is None:
                continue
            broken = _verdict(built, target, _kind(ref.tag, ref.attr), ref.url, rel)
            if broken is None:
                continue
            if page is not None and links is None:
                links = source_links(page)
            origin = links.get(ref.url) if links else None
            if origin is not None:
                path, line = origin
                found.problems.append(
                    CheckError(
                        f"broken {broken.what} {broken.url}: {broken.why} (on {here})",
                        path=path,
                        line=line,
                        hint=broken.hint,
                    )
                )
            else:
                key = (broken.what, target.url + "#" + target.fragment, broken.why)
                found.theme.setdefault(key, (broken, []))[1].append((here, ref.line))
    return found


def report_links(built: BuiltSite, parts: list[LinkFindings]) -> list[CheckError]:
    """The problems of runs of pages (in order), in page order; a theme link broken on many pages is one problem."""
    problems = [problem for part in parts for problem in part.problems]
    theme: dict[tuple[str, str, str], tuple[_Broken, list[tuple[str, int]]]] = {}
    for part in parts:
        for key, (broken, places) in part.theme.items():
            theme.setdefault(key, (broken, []))[1].extend(places)
    for broken, places in theme.values():
        first_page, first_line = places[0]
        others = also_on([p for p, _ in places[1:]])
        problems.append(
            CheckError(
                f"broken {broken.what} {broken.url}: {broken.why} (line {first_line} of the built page{others})",
                path=first_page,
                hint=broken.hint,
            )
        )
    return problems


def check_links(built: BuiltSite) -> list[CheckError]:
    """Every reference in every built HTML page, checked against the files of the build."""
    return report_links(built, [scan_links(built, built.html_files)])


def also_on(pages: list[str]) -> str:
    """`; also on /a/, /b/, /c/ and 9 more pages` for a link broken on many pages (empty for none)."""
    if not pages:
        return ""
    more = len(pages) - SHOWN_PAGES
    return f"; also on {', '.join(pages[:SHOWN_PAGES])}" + (f" and {more} more pages" if more > 0 else "")


def scan_unsafe_html(built: BuiltSite, files: list[str]) -> list[CheckError]:
    """Inline script in the built HTML pages `files` (parsed once for the link check too)."""
    problems: list[CheckError] = []
    for rel in files:
        for line, what in built.parsed(rel).unsafe:
            problems.append(
                CheckError(
                    f"{what} (line {line} of the built page)",
                    path=built.page_url(rel),
                    hint="move scripts into the theme's static files; never put script in page content",
                )
            )
    return problems


def check_unsafe_html(built: BuiltSite) -> list[CheckError]:
    """No built page runs script inline: the theme's Content-Security-Policy would block it anyway."""
    return scan_unsafe_html(built, built.html_files)
