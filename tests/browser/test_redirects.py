"""An alias redirects a reader in real Chromium (issue 15): the old URL of a moved article opens the article.

The site lives under a base path (`/digest/`), as the example digest does, so the alias, its refresh
target and `_redirects` all carry it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

from sitegen.build import BuildOptions, build
from tests.browser.conftest import _QuietHandler
from tests.conftest import write_tree

SITE = """\
-- seeds/2026/02/pidsumky-u-briusseli.md --
---
title: "Підсумки зустрічі у Брюсселі"
date: 2026-02-12T18:10:00+02:00
aliases:
  - /2026/02/pidsumky-zustrichi-v-briusseli/
  - /news/12.html
---
Текст статті.
"""


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built for `http://127.0.0.1:<port>/digest/` and served from a folder that holds `digest/`."""
    root = tmp_path_factory.mktemp("redirects")
    site = write_tree(root / "src", SITE)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root / "www")))
    base = f"http://127.0.0.1:{server.server_address[1]}/digest/"
    (site / "sitegen.yaml").write_text(f'title: "Дайджест"\nbase_url: "{base}"\n', "utf-8")
    build(site, BuildOptions(out_dir=root / "www" / "digest"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("old", ["2026/02/pidsumky-zustrichi-v-briusseli/", "news/12.html"])
def test_redirect_old_url_opens_the_article(tab: Page, digest: str, old: str) -> None:
    tab.goto(digest + old)
    tab.wait_for_url(digest + "2026/02/pidsumky-u-briusseli/", timeout=10_000)
    assert tab.locator("h1").inner_text() == "Підсумки зустрічі у Брюсселі"
    assert tab.title().startswith("Підсумки зустрічі у Брюсселі — ")  # the article, not the redirect page


def test_redirect_page_shows_a_link_where_the_refresh_is_not_followed(tab: Page, digest: str) -> None:
    html = tab.request.get(digest + "news/12.html").text()
    assert '<meta http-equiv="refresh" content="0; url=/digest/2026/02/pidsumky-u-briusseli/">' in html
    tab.set_content(html.replace('http-equiv="refresh"', 'data-refresh-off=""'))
    link = tab.locator("main a")
    assert link.is_visible() and link.inner_text() == "Підсумки зустрічі у Брюсселі"
    assert link.get_attribute("href") == "/digest/2026/02/pidsumky-u-briusseli/"
