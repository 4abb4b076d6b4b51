"""The default theme in a real browser: layout at phone and desktop widths, both colour schemes, no script errors.

One tab serves the whole file; each page is loaded once per width and checked in both schemes.

A failing layout check saves a full-page screenshot (pytest's tmp dir, or $SITEGEN_SHOTS) so it leaves evidence;
with $SITEGEN_SHOTS set, every combination is saved (full-page PNGs of all 48 take a good part of this file's time).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

pytestmark = pytest.mark.timeout(60)  # Chromium runs as a subprocess

ARTICLE = "2026/02/perehovory-z-kremlem-hensek-nato-vidpoviv-chy-pidtrymuie-vidnovlennia-kontaktiv/"
PAGES = {
    "home": "",
    "article": ARTICLE,
    "tags": "tags/",
    "tag": "tags/nato/",
    "rubrics": "rubrics/",
    "rubric": "rubrics/svit/",
    "author": "authors/valerii-ulianenko/",
    "search": "search/?q=Україна",
    "edition": "editions/2026-w07/",
    "editions": "editions/",
    "archive": "archive/",
    "month": "2026/02/",
}
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two computed `rgb(...)` colours."""
    la, lb = (luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c)[:3])) for c in (a, b))  # type: ignore[arg-type]
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One tab for this file's tests: each opens its page afresh (a new browser context per check cost
    more than the check, and the theme keeps no state in the browser)."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def problems(tab: Page) -> Iterator[list[str]]:
    """Console errors and warnings and page errors while the test runs."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            found.append(message.text)

    def on_error(exc: Exception) -> None:
        found.append(str(exc))

    tab.on("console", on_console)
    tab.on("pageerror", on_error)
    yield found
    tab.remove_listener("console", on_console)
    tab.remove_listener("pageerror", on_error)


def open_page(page: Page, url: str, viewport: tuple[int, int], scheme: str) -> Page:
    """`url` loaded at `viewport` in `scheme` (the CSS's prefers-color-scheme; the theme has no script for it)."""
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.emulate_media(media="screen", color_scheme=scheme)  # type: ignore[arg-type]
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_theme_layout(
    tab: Page, problems: list[str], served_site: str, name: str, viewport: str, tmp_path: Path
) -> None:
    """Each page at each width, loaded once and checked in the light scheme, then in the dark one."""
    page = open_page(tab, served_site + PAGES[name], VIEWPORTS[viewport], "light")
    if name == "search":  # results come after the load event: measure the page a reader sees
        page.wait_for_selector("[data-search-ready]", state="attached")
        page.wait_for_selector(".search-list > li a")
    shots = os.environ.get("SITEGEN_SHOTS")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        shot = Path(shots or tmp_path) / f"{name}-{viewport}-{scheme}.png"
        try:
            _check_layout(page, problems, name, VIEWPORTS[viewport][0])
        except AssertionError:
            page.screenshot(path=str(shot), full_page=True)
            raise
        if shots:
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)


LAYOUT = """() => {
    const body = getComputedStyle(document.body);
    return {
        scrollWidth: document.documentElement.scrollWidth,
        lang: document.documentElement.getAttribute("lang"),
        landmarks: Object.fromEntries(["header", "nav", "main", "footer", "article"].map(
            tag => [tag, document.querySelectorAll(tag).length])),
        body: {size: parseFloat(body.fontSize), line: parseFloat(body.lineHeight), fg: body.color,
               bg: body.backgroundColor},
        links: [...document.querySelectorAll("main a")].map(a => getComputedStyle(a).color),
        smallTargets: [...document.querySelectorAll(
            "nav a, .tag-list a, .pagination a, .more-links a, .month-list a")]
            .map(a => a.getBoundingClientRect()).filter(r => r.width > 0 && r.height < 24).length,
    };
}"""
"""What `_check_layout` checks, read in one call (a call per check was most of each test's time)."""


def _check_layout(page: Page, problems: list[str], name: str, width: int) -> None:
    found = page.evaluate(LAYOUT)
    assert found["scrollWidth"] <= width, "horizontal scroll"
    assert found["lang"] == "uk"
    for landmark in ["header", "nav", "main", "footer"] + (["article"] if name in ("article", "edition") else []):
        assert found["landmarks"][landmark] >= 1, landmark
    body = found["body"]
    assert 17 <= body["size"] <= 20
    assert 1.4 <= body["line"] / body["size"] <= 1.7
    assert contrast(body["fg"], body["bg"]) >= 7  # body text: AAA
    links = found["links"]
    assert links and all(contrast(color, body["bg"]) >= 4.5 for color in links)
    assert found["smallTargets"] == 0
    assert problems == []


def test_theme_dark_scheme_changes_colours(tab: Page, served_site: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(tab, served_site, VIEWPORTS["desktop"], scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colours["light"] != colours["dark"]
    assert luminance(tuple(float(x) for x in re.findall(r"[\d.]+", colours["dark"])[:3])) < 0.05  # type: ignore[arg-type]


def test_theme_skip_link_shows_on_focus(tab: Page, served_site: str) -> None:
    page = open_page(tab, served_site + ARTICLE, VIEWPORTS["phone"], "light")
    skip = page.locator("a.skip-link")
    hidden = skip.bounding_box()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    shown = skip.bounding_box()
    assert shown is not None and shown["y"] >= 0 and shown["height"] >= 24
    assert hidden is None or hidden["y"] < 0 or hidden["height"] <= 1 or hidden != shown
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"


def test_theme_csp_blocks_inline_script(tab: Page, problems: list[str], served_site: str) -> None:
    """The CSP meta is live: a script injected inline would not run."""
    page = open_page(tab, served_site, VIEWPORTS["desktop"], "light")
    page.evaluate(
        "(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.append(s); })()"
    )
    assert page.evaluate("window.__ran === undefined")
    assert any("Content Security Policy" in p for p in problems)
