"""The default theme in a real browser: layout at phone and desktop widths, both colour schemes, no script errors.

A failing layout check saves a full-page screenshot (pytest's tmp dir, or $SITEGEN_SHOTS) so it leaves evidence;
with $SITEGEN_SHOTS set, every combination is saved (full-page PNGs of all 48 took a third of this file's time).
"""

from __future__ import annotations

import os
import re
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


def open_page(browser: Browser, url: str, viewport: tuple[int, int], scheme: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page, problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_theme_layout(
    browser: Browser, served_site: str, name: str, viewport: str, scheme: str, tmp_path: Path
) -> None:
    page, problems = open_page(browser, served_site + PAGES[name], VIEWPORTS[viewport], scheme)
    if name == "search":  # results come after the load event: measure the page a reader sees
        page.wait_for_selector("[data-search-ready]", state="attached")
        page.wait_for_selector(".search-list > li a")
    shots = os.environ.get("SITEGEN_SHOTS")
    shot = Path(shots or tmp_path) / f"{name}-{viewport}-{scheme}.png"
    try:
        _check_layout(page, problems, name, VIEWPORTS[viewport][0])
    except AssertionError:
        page.screenshot(path=str(shot), full_page=True)
        raise
    else:
        if shots:
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
    finally:
        page.context.close()


def _check_layout(page: Page, problems: list[str], name: str, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert page.get_attribute("html", "lang") == "uk"
    for landmark in ["header", "nav", "main", "footer"] + (["article"] if name in ("article", "edition") else []):
        assert page.locator(landmark).count() >= 1, landmark
    body = page.evaluate(
        "(() => { const s = getComputedStyle(document.body);"
        " return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight),"
        " fg: s.color, bg: s.backgroundColor}; })()"
    )
    assert 17 <= body["size"] <= 20
    assert 1.4 <= body["line"] / body["size"] <= 1.7
    assert contrast(body["fg"], body["bg"]) >= 7  # body text: AAA
    links = page.evaluate("[...document.querySelectorAll('main a')].map(a => getComputedStyle(a).color)")
    assert links and all(contrast(color, body["bg"]) >= 4.5 for color in links)
    small_targets = page.evaluate(
        "[...document.querySelectorAll('nav a, .tag-list a, .pagination a, .more-links a, .month-list a')]"
        ".map(a => a.getBoundingClientRect()).filter(r => r.width > 0 && r.height < 24).length"
    )
    assert small_targets == 0
    assert problems == []


def test_theme_dark_scheme_changes_colours(browser: Browser, served_site: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page, _ = open_page(browser, served_site, VIEWPORTS["desktop"], scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.context.close()
    assert colours["light"] != colours["dark"]
    assert luminance(tuple(float(x) for x in re.findall(r"[\d.]+", colours["dark"])[:3])) < 0.05  # type: ignore[arg-type]


def test_theme_skip_link_shows_on_focus(browser: Browser, served_site: str) -> None:
    page, _ = open_page(browser, served_site + ARTICLE, VIEWPORTS["phone"], "light")
    skip = page.locator("a.skip-link")
    hidden = skip.bounding_box()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    shown = skip.bounding_box()
    assert shown is not None and shown["y"] >= 0 and shown["height"] >= 24
    assert hidden is None or hidden["y"] < 0 or hidden["height"] <= 1 or hidden != shown
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    page.context.close()


def test_theme_csp_blocks_inline_script(browser: Browser, served_site: str) -> None:
    """The CSP meta is live: a script injected inline would not run."""
    page, problems = open_page(browser, served_site, VIEWPORTS["desktop"], "light")
    page.evaluate(
        "(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.append(s); })()"
    )
    assert page.evaluate("window.__ran === undefined")
    assert any("Content Security Policy" in p for p in problems)
    page.context.close()
