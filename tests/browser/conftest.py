"""Browser fixtures: the built example digest behind a real HTTP server, and Debian's Chromium via Playwright."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from sitegen.build import BuildOptions, build
from tests.conftest import copy_seed_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example digest built for `/` and served on a free loopback port; yields the base URL."""
    site = copy_seed_site(tmp_path_factory.mktemp("browser") / "s")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site / "site")))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    build(site, BuildOptions(base_url=base))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (installed by `make test`); never a downloaded browser build."""
    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `make test` (it installs it)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for a test file: a new page in it costs a fraction of a new context's."""
    shared = browser.new_context()
    yield shared
    shared.close()


@pytest.fixture(scope="module")
def tab(context: BrowserContext) -> Iterator[Page]:
    """One tab for a test file (a new tab is a new renderer process: 0.2-0.5 s each). Each test loads its own
    page in it first, so no document or script state carries over; what a test sets on the tab itself (viewport,
    emulated media) it sets for itself."""
    page = context.new_page()
    yield page
    page.close()
