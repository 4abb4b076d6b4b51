"""`sitegen serve` as a user runs it: a real `python -m sitegen serve` process, Debian Chromium via Playwright.

The site is a small generated digest with its own copy of the default theme. Tests share one
server process (starting one costs a second) and undo their edits; the waits are on conditions
(a rebuild counted by `/__sitegen/status`, text in the page), never fixed sleeps.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sitegen.output.writer import MARKER
from tests.conftest import REPO, many_pages, run_main

# `sitegen serve` and Chromium run as subprocesses; each wait inside has its own limit (TIMEOUT).
pytestmark = pytest.mark.timeout(90)

TIMEOUT = 30.0
SCRIPT_TAG_START = b'<script src="/__sitegen/reload.js?'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(what: str, check: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class ServeProcess:
    """`python -m sitegen serve --site SITE --port PORT`, its terminal lines collected as they come."""

    def __init__(self, site: Path, port: int | None = None, *extra: str) -> None:
        self.site = site
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", str(self.port), *extra],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            wait_until("the first build", lambda: any(line.startswith("first build") for line in self.lines))
        except AssertionError:
            self.proc.kill()  # leave no server behind a failed start
            self.proc.wait(10)
            raise

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path.lstrip("/"), timeout=TIMEOUT) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()

    def status(self) -> dict[str, Any]:
        return json.loads(self.get("__sitegen/status")[1])  # type: ignore[no-any-return]

    def manifest(self) -> dict[str, str]:
        return json.loads(self.get("__sitegen/manifest")[1])  # type: ignore[no-any-return]

    def builds(self) -> int:
        return int(self.status()["builds"])

    def wait_builds(self, more_than: int) -> dict[str, Any]:
        return wait_until(f"a build after #{more_than}", lambda: (s := self.status())["builds"] > more_than and s)  # type: ignore[no-any-return]

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise AssertionError(f"serve did not stop within {TIMEOUT} s of signal {sig}; killed") from None
        self._reader.join(TIMEOUT)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return code


def make_site(root: Path) -> Path:
    site = many_pages(root, 12)
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    return site


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    server = ServeProcess(make_site(tmp_path_factory.mktemp("serve") / "s"))
    yield server
    assert server.stop() == 0


def article_path(server: ServeProcess, number: int) -> str:
    return next(p for p in server.manifest() if p.endswith(f"/a{number}/index.html"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


RELOAD_SCRIPT_RAN = (
    "() => performance.getEntriesByType('resource').some(e => new URL(e.name).pathname === '/__sitegen/reload.js')"
)
"""The page loaded serve's reload script. Not "its element is in the DOM": when a build ends between serving the
page and the script's first poll, the script swaps the page in place and the new body has no script element."""


@pytest.fixture
def serve_tab(tab: Page) -> Iterator[Page]:
    """The file's one tab (tests/browser/conftest.py), left on about:blank after each test, so that page stops
    polling its server, as when each test closed a tab of its own."""
    yield tab
    for attempt in range(5):  # a page whose server just stopped may start a reload (to an error page) meanwhile
        try:
            tab.goto("about:blank")
            return
        except PlaywrightError as exc:
            if attempt == 4 or "interrupted by another navigation" not in str(exc):
                raise


def open_page(page: Page, url: str) -> Page:
    """`url` loaded in `page` (a tab), once serve's reload script has run in it."""
    response = page.goto(url)
    try:
        page.wait_for_function(RELOAD_SCRIPT_RAN)
    except PlaywrightTimeoutError as exc:  # say what the tab shows instead
        status = response.status if response is not None else None
        raise AssertionError(
            f"no reload script loaded by {page.url} (HTTP {status}): {page.content()[-800:]!r}"
        ) from exc
    return page


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_edit_appears_in_open_tab(served: ServeProcess, serve_tab: Page) -> None:
    page = open_page(serve_tab, served.base + article_path(served, 3))
    page.evaluate("() => { window.__kept = 42; }")
    source = served.site / "seeds/2025/04/a3.md"
    original = source.read_text("utf-8")
    try:
        source.write_text(original.replace("\n\n", "\n\nРедакторська вставка сьогодні.\n\n", 1), "utf-8")
        expect(page.locator("main")).to_contain_text("Редакторська вставка сьогодні.", timeout=TIMEOUT * 1000)
        # A page without scripts of its own is swapped in place: same document, no reload.
        assert page.evaluate("() => window.__kept") == 42
        assert page.locator("script[src^='/__sitegen/reload.js']").count() == 0  # the swapped-in copy was dropped
    finally:
        builds = served.builds()
        source.write_text(original, "utf-8")
        served.wait_builds(builds)


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_title_edit_keeps_the_url_and_updates_the_open_page_in_place(
    served: ServeProcess, serve_tab: Page
) -> None:
    """Issue 15: a published title edited ("в Брюсселі" -> "у Брюсселі") never moves its page."""
    url = article_path(served, 4)
    assert url == "2025/05/a4/index.html"
    page = open_page(serve_tab, served.base + "2025/05/a4/")
    page.evaluate("() => { window.__kept = 15; }")
    source = served.site / "seeds/2025/05/a4.md"
    original = source.read_text("utf-8")

    def pages() -> set[str]:
        return {p for p in served.manifest() if p.endswith(".html")}  # (search files are renamed on any edit)

    before = pages()
    try:
        edit(source, 'title: "Новина номер 4', 'title: "Перейменована новина номер 4')
        expect(page.locator("h1")).to_contain_text("Перейменована новина номер 4", timeout=TIMEOUT * 1000)
        assert page.evaluate("() => window.__kept") == 15  # swapped in place, not reloaded
        assert page.url == served.base + "2025/05/a4/"
        assert pages() == before  # no page appeared or went away
        status, body = served.get("2025/05/a4/")
        assert status == 200 and "Перейменована новина номер 4".encode() in body
    finally:
        builds = served.builds()
        source.write_text(original, "utf-8")
        served.wait_builds(builds)


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_page_with_its_own_scripts_reloads_in_full(served: ServeProcess, serve_tab: Page) -> None:
    page = open_page(serve_tab, served.base + "search/")
    page.evaluate("() => { window.__kept = 7; }")
    source = served.site / "seeds/2025/08/a7.md"
    original = source.read_text("utf-8")
    try:
        # A new title changes the search index, so the search page (which runs search.js) changes.
        edit(source, 'title: "Новина номер 7', 'title: "Оновлена новина номер 7')
        page.wait_for_function("() => window.__kept === undefined", timeout=TIMEOUT * 1000)  # reloaded
    finally:
        builds = served.builds()
        source.write_text(original, "utf-8")
        served.wait_builds(builds)


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_broken_front_matter_shows_overlay_then_fix_clears_it(served: ServeProcess, serve_tab: Page) -> None:
    url = article_path(served, 5)
    page = open_page(serve_tab, served.base + url)
    source = served.site / "seeds/2025/06/a5.md"
    original = source.read_text("utf-8")
    try:
        builds = served.builds()
        source.write_text(original.replace("title:", "title: [oops", 1), "utf-8")
        overlay = page.locator("#sitegen-error-overlay")
        expect(overlay).to_contain_text("seeds/2025/06/a5.md", timeout=TIMEOUT * 1000)
        expect(overlay).to_contain_text("title: [oops")  # the source line around the error
        expect(overlay).to_contain_text("Сайт не зібрано")  # in the site's language (theme strings)
        expect(overlay).to_contain_text("Виправте файл і збережіть")
        expect(overlay).to_have_attribute("lang", "uk")
        assert served.wait_builds(builds)["error"] is not None
        status, body = served.get(url)  # the last good page is still served
        assert status == 200 and "Новина номер 5".encode() in body
        assert any("build failed" in line for line in served.lines)
        source.write_text(original, "utf-8")
        expect(overlay).to_have_count(0, timeout=TIMEOUT * 1000)
    finally:
        source.write_text(original, "utf-8")


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_css_change_swaps_stylesheet_without_reload(served: ServeProcess, serve_tab: Page) -> None:
    page = open_page(serve_tab, served.base)
    page.evaluate("() => { window.__kept = 42; }")
    css = served.site / "themes/default/static/css/style.css"
    original = css.read_text("utf-8")
    try:
        css.write_text(original + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n", "utf-8")
        page.wait_for_function("() => getComputedStyle(document.body).outlineWidth === '7px'", timeout=TIMEOUT * 1000)
        assert page.evaluate("() => window.__kept") == 42  # same document: no reload happened
    finally:
        builds = served.builds()
        css.write_text(original, "utf-8")
        served.wait_builds(builds)


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_burst_of_100_writes_makes_at_most_2_rebuilds(served: ServeProcess) -> None:
    folder = served.site / "seeds/2025/11"
    folder.mkdir(exist_ok=True)
    before = served.builds()
    try:
        for i in range(100):
            (folder / f"burst{i}.md").write_text(
                f'---\ntitle: "Пакет {i}"\ndate: 2025-11-{1 + i % 28:02d}T10:00:00+02:00\n---\nТекст {i}.\n', "utf-8"
            )
        wait_until("all 100 pages served", lambda: sum("/burst" in p for p in served.manifest()) == 100)
        assert served.builds() - before <= 2
    finally:
        builds = served.builds()
        shutil.rmtree(folder)
        wait_until(
            "the burst removed", lambda: served.builds() > builds and not any("/burst" in p for p in served.manifest())
        )


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_tree_equals_fresh_build_after_edit_sequence(served: ServeProcess, tmp_path: Path) -> None:
    site = served.site
    edits: list[Callable[[], None]] = [
        lambda: edit(site / "seeds/2025/02/a1.md", "Новина номер 1", "Нова назва першої"),
        lambda: edit(site / "seeds/2025/03/a2.md", "tags: [", "tags: [Свіжа мітка, "),
        lambda: (site / "seeds/2025/04/a3.md").unlink(),
        lambda: (site / "seeds/2025/12/extra.md").write_text(
            '---\ntitle: "Додаткова"\ndate: 2025-12-01T09:00:00+02:00\ntags: [НАТО]\n---\nТекст.\n', "utf-8"
        ),
        lambda: edit(site / "themes/default/templates/base.html", "<main", "<!-- serve test -->\n<main"),
        lambda: edit(site / "sitegen.yaml", "Великий дайджест", "Змінений дайджест"),
    ]
    for step in edits:
        builds = served.builds()
        step()
        served.wait_builds(builds)
    wait_until("a good build, search index included", lambda: (s := served.status())["error"] is None and s["settled"])
    out = tmp_path / "fresh"
    result = run_main("build", "--site", str(site), "--out", str(out), "--base-url", served.base, "-q")
    assert result.code == 0, result.err
    fresh = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MARKER}
    assert set(served.manifest()) == set(fresh)
    different = []
    for rel, data in fresh.items():
        status, body = served.get(rel)
        if rel.endswith(".html"):  # the one difference by design: the reload script tag
            start = body.find(SCRIPT_TAG_START)
            body = body[:start] + body[body.index(b"</script>\n", start) + len(b"</script>\n") :]
        if status not in (200, 404) or hashlib.sha256(body).digest() != hashlib.sha256(data).digest():
            different.append(rel)
    assert different == []


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_keeps_watching_seeds_deleted_and_copied_back(served: ServeProcess, tmp_path: Path) -> None:
    """Fault 1: after `rm -rf seeds && cp -a backup seeds` serve rebuilt once, then saw no edit; files differed."""
    site = served.site
    wait_until("a settled build", lambda: (s := served.status())["error"] is None and s["settled"])
    before = served.manifest()
    shutil.copytree(site / "seeds", tmp_path / "backup", copy_function=shutil.copy2)
    builds = served.builds()
    shutil.rmtree(site / "seeds")
    served.wait_builds(builds)
    shutil.copytree(tmp_path / "backup", site / "seeds", copy_function=shutil.copy2)  # cp -a
    wait_until(
        "the copied-back site served as before", lambda: served.status()["settled"] and served.manifest() == before
    )
    page = site / "seeds/2025/06/a5.md"
    original = page.read_text("utf-8")
    url = article_path(served, 5)
    try:
        for word in ("Перша", "Друга", "Третя"):  # every edit is seen, not only the first
            page.write_text(original + f"\n{word} вставка після відновлення.\n", "utf-8")
            wait_until(f"edit {word!r} served", lambda w=word: f"{w} вставка".encode() in served.get(url)[1])
    finally:
        page.write_text(original, "utf-8")
    wait_until("the site as before", lambda: served.status()["settled"] and served.manifest() == before)


def raw_status(port: int, target: str, host: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert b"root:" not in data
    return int(data.split(b" ", 2)[1])


@pytest.mark.xdist_group("served")  # one serve process for these, on one worker
def test_serve_refuses_traversal_and_foreign_host(served: ServeProcess) -> None:
    own = f"127.0.0.1:{served.port}"
    assert raw_status(served.port, "/", own) == 200
    for target in (
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..\\..\\etc\\passwd",
    ):
        assert raw_status(served.port, target, own) == 400, target
    assert raw_status(served.port, "/", f"evil.example:{served.port}") == 400
    assert raw_status(served.port, "/__sitegen/status", "attacker.test") == 400
    status, body = served.get("no/such/page/")
    assert status == 404 and b"reload.js" in body


def test_serve_restart_reloads_open_tab_and_exits_cleanly(tmp_path: Path, serve_tab: Page) -> None:
    site = make_site(tmp_path / "s")
    first = ServeProcess(site)
    try:
        page = open_page(serve_tab, first.base)
        page.evaluate("() => { window.__kept = 1; }")
        # A second server on the same port: one line, exit 1 (in this process: `cli.main` gives the exit code, and
        # the port is refused before serve starts anything; an interpreter of its own cost 0.5 s).
        busy = run_main("serve", "--site", str(site), "--port", str(first.port))
        assert busy.code == 1 and busy.err.strip().count("\n") == 0 and "in use" in busy.err, busy.err
        assert busy.out == ""
        assert first.stop() == 0 and first.lines[-1] == "stopped"
    finally:
        if first.proc.poll() is None:  # a failed assertion above must leave no server running
            first.proc.kill()
            first.proc.wait(10)
    second = ServeProcess(site, first.port)
    try:
        page.wait_for_function("() => window.__kept === undefined", timeout=TIMEOUT * 1000)  # reloaded
    finally:
        assert second.stop(signal.SIGINT) == 0


def test_serve_first_build_failing_still_serves_the_error(tmp_path: Path, serve_tab: Page) -> None:
    site = make_site(tmp_path / "s")
    config = (site / "sitegen.yaml").read_text("utf-8")
    (site / "sitegen.yaml").write_text(config + "colour: red\n", "utf-8")
    server = ServeProcess(site)
    try:
        page = open_page(serve_tab, server.base)
        expect(page.locator("#sitegen-error-overlay")).to_contain_text("sitegen.yaml:3", timeout=TIMEOUT * 1000)
        # a sitegen.yaml that does not validate: the overlay still speaks the default language
        expect(page.locator("#sitegen-error-overlay h2")).to_have_text("Сайт не зібрано")
        assert page.locator("html").get_attribute("lang") == "uk" and "Сайт ще не зібрано" in page.content()
        (site / "sitegen.yaml").write_text(config, "utf-8")
        expect(page.locator("h1, h2").first).to_be_visible(timeout=TIMEOUT * 1000)
        expect(page.locator("#sitegen-error-overlay")).to_have_count(0, timeout=TIMEOUT * 1000)
        assert not (site / "site").exists()  # serve never writes the production output
    finally:
        assert server.stop() == 0


def test_serve_poll_sees_an_edit_and_terminal_says_what_changed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    server = ServeProcess(site, None, "--poll", "0.2")
    try:
        assert "(polling for changes)" in server.lines[0] and server.lines[0].endswith(
            server.base + " (polling for changes)"
        )
        builds = server.builds()
        edit(site / "seeds/2025/03/a2.md", "Новина номер 2", "Опитана назва")
        server.wait_builds(builds)
        line = wait_until("the rebuild line", lambda: next((x for x in server.lines if x.startswith("changed ")), None))
        assert line.startswith("changed seeds/2025/03/a2.md: 12 articles, ") and line.endswith(" ms)")
        assert any("Опитана назва".encode() in server.get(p)[1] for p in server.manifest() if p.startswith("2025/03/"))
    finally:
        assert server.stop() == 0
