"""`check --external` against a local HTTP server: concurrent, with a timeout, HEAD then GET, and a cache."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitegen.check import ExternalOptions, check_site
from sitegen.cli import main

TOGETHER = threading.Barrier(2, timeout=20)
"""`/together/1` and `/together/2` answer only when both are asked at once: fetched one by one, they fail."""
TIMEOUT = 1.5
"""`check --timeout` of the first check below, whose report says which link timed out: it waits it out once."""
SHORT_TIMEOUT = 0.2
"""The timeout of the two checks after it, which count what is asked, not what is answered (the slow link's
answer never comes in time, whatever the timeout: they wait this out instead of `TIMEOUT`)."""
SLOW = 4 * TIMEOUT
"""Seconds `/slow/` takes to answer: well past the timeout."""


def requests_arrived(paths: list[str], timeout: float = 20) -> list[str]:
    """The paths asked since the last `clear`, once `paths` all arrived (or after `timeout` s): the check may
    have given up on a request before the server's thread counted it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not set(paths) <= {path for _, path in Handler.requests}:
        time.sleep(0.01)
    return sorted(path for _, path in Handler.requests)


class Handler(BaseHTTPRequestHandler):
    requests: Counter[tuple[str, str]] = Counter()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def _answer(self, method: str) -> None:
        Handler.requests[method, self.path] += 1
        if self.path == "/gone/":
            status = 404
        elif self.path == "/no-head/" and method == "HEAD":
            status = 405
        elif self.path == "/slow/":
            time.sleep(SLOW)
            status = 200
        elif self.path.startswith("/together/"):
            try:
                TOGETHER.wait()
                status = 200
            except threading.BrokenBarrierError:
                status = 500
        else:
            status = 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if method == "GET":
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.requests.clear()
    TOGETHER.reset()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def site_linking(make_site, host: str) -> Path:  # type: ignore[no-untyped-def]
    # The site lives at <host>/digest/: the other pages of that host are external links.
    return make_site(  # type: ignore[no-any-return]
        f"""\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "{host}/digest/"
-- seeds/2026/02/a.md --
---
title: "Стаття з посиланнями"
date: 2026-02-10T10:00:00+02:00
---
Є [сторінка]({host}/ok/#chastyna).

Немає [сторінки]({host}/gone/).

Лише [GET]({host}/no-head/), [повільна]({host.replace("127.0.0.1", "localhost")}/slow/).

[Разом 1]({host}/together/1) і [разом 2]({host}/together/2).
-- seeds/2026/02/b.md --
---
title: "Друга стаття"
date: 2026-02-11T10:00:00+02:00
---
Уряд затвердив бюджет на наступний рік, виділивши кошти на школи, лікарні, дороги та енергетику громад.
Депутати обговорювали зміни до податкового кодексу кілька тижнів поспіль.
Теж [сторінка]({host}/ok/) і [наша](/digest/2026/02/a/).
"""
    )


@pytest.mark.timeout(90)
def test_check_external_links_concurrently_with_timeout_and_cache(make_site, server: str, capsys) -> None:
    site = site_linking(make_site, server)
    slow = server.replace("127.0.0.1", "localhost")  # another host: the slow link holds none of 127.0.0.1's slots
    assert main(["check", "--site", str(site)]) == 0  # without --external nothing is fetched
    assert not Handler.requests
    capsys.readouterr()
    assert main(["check", "--external", "--timeout", str(TIMEOUT), "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: 2 problems:",
        f"  1. seeds/2026/02/a.md:7: broken external link {server}/gone/: HTTP 404 (on /digest/2026/02/"
        "a/) (fix or remove the link: the page may have moved, or the site may be down "
        "(check again later))",
        f"  2. seeds/2026/02/a.md:9: broken external link {slow}/slow/: timed out after {TIMEOUT:g} s (on "
        "/digest/2026/02/a/) (fix or remove the link: the page may have moved, or the site may be down "
        "(check again later))",
    ]
    assert Handler.requests[("HEAD", "/ok/")] == 1  # one request for a URL on two pages, #fragment dropped
    assert Handler.requests[("HEAD", "/no-head/")] == 1 and Handler.requests[("GET", "/no-head/")] == 1
    assert Handler.requests[("HEAD", "/together/1")] == 1 and Handler.requests[("HEAD", "/together/2")] == 1
    assert not any(path.startswith("/digest/") for _, path in Handler.requests)
    cached = json.loads((site / ".sitegen-cache/external-links.json").read_text("utf-8"))["ok"]
    assert sorted(cached) == [f"{server}/no-head/", f"{server}/ok/", f"{server}/together/1", f"{server}/together/2"]

    Handler.requests.clear()
    report = check_site(site, external=ExternalOptions(timeout=SHORT_TIMEOUT))
    assert report.external == 2  # the good answers came from the cache; the failures are asked again
    assert requests_arrived(["/gone/", "/slow/"]) == ["/gone/", "/slow/"]
    assert len(report.problems) == 2
    Handler.requests.clear()
    report = check_site(site, external=ExternalOptions(timeout=SHORT_TIMEOUT, use_cache=False))
    assert report.external == 6
