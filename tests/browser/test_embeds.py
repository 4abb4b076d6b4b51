"""Embeds in Chromium: nothing is asked of the provider until the reader clicks (request log), then its frame loads."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from sitegen.build import BuildOptions, build
from tests.browser.conftest import _QuietHandler
from tests.conftest import write_tree
from tests.test_embeds import EMBED_PAGE


@pytest.fixture(scope="module")
def embed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = write_tree(tmp_path_factory.mktemp("embeds") / "s", f"-- seeds/a.md --\n{EMBED_PAGE}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site / "site")))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    build(site, BuildOptions(base_url=base))
    assert (Path(site / "site/2026/02/a/index.html")).is_file()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base + "2026/02/a/"
    server.shutdown()
    server.server_close()


def test_embeds_no_third_party_request_until_the_click(context: BrowserContext, embed_site: str) -> None:
    page = context.new_page()
    requests: list[str] = []
    outside: list[str] = []
    problems: list[str] = []

    def offline(route: Route) -> None:  # no network here: answer the provider's frame with an empty page
        outside.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>player</title>")

    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.route(lambda url: not url.startswith(embed_site.split("/2026/")[0]), offline)
    page.goto(embed_site)
    page.wait_for_load_state("networkidle")
    assert requests and all(url.startswith("http://127.0.0.1:") for url in requests), requests
    assert outside == [] and page.locator("iframe").count() == 0
    page.locator(".embed-youtube .embed-link").click()
    frame = page.locator(".embed-youtube iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert frame.get_attribute("title") == "Пресконференція"
    page.wait_for_load_state("networkidle")
    assert outside == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"]
    assert page.locator(".embed-telegram iframe").count() == 0  # the other embed still asks nothing
    assert problems == []  # the CSP let the frame in: no violation
    page.close()


def test_embeds_without_javascript_the_placeholder_is_a_plain_link(browser: Browser, embed_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(embed_site)
    link = page.locator(".embed-telegram .embed-link")
    assert link.get_attribute("href") == "https://t.me/ukrpravda_news/12345"
    assert "Telegram" in link.inner_text()
    context.close()
