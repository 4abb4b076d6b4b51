"""`sitegen serve` parts without a browser: reload state, watcher filter and debounce, request paths, HTTP."""

from __future__ import annotations

import contextlib
import errno
import http.client
import shutil
import socket
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from watchdog.events import DirModifiedEvent, FileClosedNoWriteEvent, FileModifiedEvent, FileMovedEvent

from sitegen.serve import watcher
from sitegen.serve.paths import BadPath, find_output, normalise_request_path
from sitegen.serve.reload import ReloadState
from sitegen.serve.server import DevHTTPServer, allowed_host, inject_script
from sitegen.serve.watcher import Change, ChangeQueue, Kind, Watcher, _Handler, classify, is_css_only
from tests.conftest import serving

SITE = Path("/srv/site")


# --- reload state -------------------------------------------------------------------------------


def test_reload_state_wait_wakes_on_publish() -> None:
    state = ReloadState("s1")
    state.publish({"index.html": b"a"}, changed=["index.html"])
    woke = threading.Event()

    def waiter() -> None:
        state.wait(state.epoch, timeout=10)
        woke.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    assert not woke.wait(0.05)
    state.publish({"index.html": b"b"}, changed=["index.html"])
    assert woke.wait(5)
    thread.join()


def test_reload_state_failed_build_keeps_site_and_shows_error() -> None:
    state = ReloadState("s1")
    state.publish({"index.html": b"good"}, changed=["index.html"])
    state.fail({"title": "Build failed", "problems": [], "text": "x"})
    snap = state.snapshot()
    assert snap.outputs == {"index.html": b"good"} and snap.error is not None
    assert state.message(0, snap.site_epoch)["action"] == "none"  # nothing to reload: same site
    state.publish({"index.html": b"good"}, changed=[])
    assert state.snapshot().error is None and state.site_epoch == snap.site_epoch


def test_reload_state_actions_css_then_full() -> None:
    state = ReloadState("s1")
    state.publish({"a.html": b"1"}, changed=None)
    state.publish({"a.html": b"2", "s.1.css": b""}, changed=["a.html", "s.1.css"], css_only=True)
    assert state.action_since(1, "a.html") == "css"
    state.publish({"a.html": b"3", "s.1.css": b""}, changed=["a.html"])
    assert state.action_since(1, "a.html") == "reload" and state.action_since(2, "a.html") == "reload"
    assert state.action_since(3, "a.html") == "none"
    assert state.action_since(99, "a.html") == "reload"  # a page from another server run


def test_reload_state_css_after_an_unrelated_build_still_swaps_stylesheets() -> None:
    """A deferred search index published between a page load and a CSS edit: still a swap, not a reload."""
    state = ReloadState("s1")
    state.publish({"a.html": b"1", "search/i.json": b"1"}, changed=None)
    state.publish({"a.html": b"1", "search/i.json": b"2"}, changed=["search/i.json"], count=False)
    state.publish({"a.html": b"2", "search/i.json": b"2", "s.2.css": b""}, changed=["a.html", "s.2.css"], css_only=True)
    assert state.action_since(1, "a.html") == "css"
    assert state.action_since(1, "search/index.html") == "css"
    state.publish({"a.html": b"3", "search/i.json": b"2", "s.2.css": b""}, changed=["a.html"])
    assert state.action_since(1, "a.html") == "reload"


def test_reload_state_other_pages_changing_leave_a_tab_alone() -> None:
    state = ReloadState("s1")
    state.publish({"a.html": b"1", "b.html": b"1"}, changed=None)
    state.publish({"a.html": b"1", "b.html": b"2", "feed.xml": b""}, changed=["b.html", "feed.xml"])
    assert state.action_since(1, "a.html") == "none" and state.action_since(1, "b.html") == "reload"
    assert state.action_since(1, None) == "reload"  # a tab whose page is unknown (404) always reloads
    state.publish({"a.html": b"1", "b.html": b"2", "x.js": b""}, changed=["x.js"])
    assert state.action_since(2, "a.html") == "reload"  # a script any page may load


def test_reload_state_wait_times_out() -> None:
    state = ReloadState("s1")
    assert state.wait(state.epoch, timeout=0.01) == state.epoch


# --- watcher ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("seeds/2026/02/x.md", Kind.CONTENT),
        ("seeds/editions/2026-w07.md", Kind.CONTENT),
        ("sitegen.yaml", Kind.CONFIG),
        ("themes/default/templates/base.html", Kind.THEME),
        ("themes/default/strings/uk.yaml", Kind.THEME),
        ("themes/default/static/css/style.css", Kind.STATIC),
        ("seeds/2026/02/x.md~", None),
        ("seeds/2026/02/.x.md.swp", None),
        ("seeds/2026/02/#x.md#", None),
        ("seeds/2026/02/4913", None),
        ("seeds/2026/02/notes.txt", None),
        ("seeds/2026/02/photo.jpg", Kind.CONTENT),
        ("seeds/2026/02/Photo.PNG", Kind.CONTENT),
        ("media/card.png", Kind.CONTENT),
        ("static/CNAME", Kind.CONTENT),
        ("static/.well-known/security.txt", Kind.CONTENT),
        ("static/x.txt~", None),
        ("seeds/.git/index", None),
        (".git/HEAD", None),
        ("site/index.html", None),
        ("README.md", None),
    ],
)
def test_watcher_classify(rel: str, kind: Kind | None) -> None:
    change = classify(SITE / rel, SITE, out_dir=SITE / "site")
    assert (change.kind if change else None) is kind


def test_watcher_classify_outside_site_is_ignored() -> None:
    assert classify(Path("/etc/passwd"), SITE) is None


def test_watcher_css_only() -> None:
    css = Change(SITE / "themes/t/static/css/a.css", "themes/t/static/css/a.css", Kind.STATIC)
    page = Change(SITE / "seeds/a.md", "seeds/a.md", Kind.CONTENT)
    assert is_css_only([css]) and not is_css_only([css, page]) and not is_css_only([])


def test_watcher_handler_ignores_reads_and_folder_mtimes() -> None:
    queue = ChangeQueue(delay=0)
    handler = _Handler(SITE, queue, lambda p: None)
    handler.dispatch(FileClosedNoWriteEvent(str(SITE / "seeds/a.md")))
    handler.dispatch(DirModifiedEvent(str(SITE / "seeds")))
    handler.dispatch(FileModifiedEvent(str(SITE / "seeds/a.md~")))
    assert queue._pending == {}
    # Vim: write `a.md~`... then move it over `a.md`: the destination counts.
    handler.dispatch(FileMovedEvent(str(SITE / "seeds/.a.md.tmp"), str(SITE / "seeds/a.md")))
    assert list(queue._pending) == ["seeds/a.md"]


def test_change_queue_debounces_a_burst_into_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # The queue's clock stands still while the burst comes, however slowly this loaded machine runs the
    # loop (with the real clock, a 50 ms pause between two adds split the batch: a flaky test).
    now = [100.0]
    monkeypatch.setattr(watcher, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    queue = ChangeQueue(delay=0.05)
    batches: list[list[Change]] = []
    thread = threading.Thread(target=lambda: batches.append(queue.take() or []))
    thread.start()
    for i in range(200):  # a git checkout
        queue.add(Change(SITE / f"seeds/{i}.md", f"seeds/{i}.md", Kind.CONTENT))
    thread.join(0.2)  # the taker waits out the quiet time in real 50 ms steps: it must still be waiting
    assert batches == [] and thread.is_alive()
    now[0] += 0.05  # quiet for `delay` since the last change
    thread.join(5)
    assert len(batches) == 1 and len(batches[0]) == 200


def test_change_queue_changes_during_a_build_make_one_more_batch() -> None:
    queue = ChangeQueue(delay=0.01)
    queue.add(Change(SITE / "seeds/a.md", "seeds/a.md", Kind.CONTENT))
    assert [c.rel_path for c in queue.take() or []] == ["seeds/a.md"]
    for _ in range(3):  # "while the build runs"
        queue.add(Change(SITE / "seeds/b.md", "seeds/b.md", Kind.CONTENT))
    assert [c.rel_path for c in queue.take() or []] == ["seeds/b.md"]


def test_change_queue_close_wakes_take() -> None:
    queue = ChangeQueue()
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(queue.take()))
    thread.start()
    queue.close()
    thread.join(5)
    assert result == [None]


def test_watcher_falls_back_to_polling_at_the_watch_limit(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    said: list[str] = []

    class Exhausted:
        def schedule(self, *args: object, **kwargs: object) -> None:
            pass

        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

        def is_alive(self) -> bool:
            return False

    watcher = Watcher(tmp_path, ChangeQueue(), say=said.append, native=Exhausted)  # type: ignore[arg-type]
    watcher.start()
    try:
        assert watcher.polling and "watch limit" in said[0] and "--poll" in said[0]
    finally:
        watcher.stop()


def test_watcher_sees_a_real_edit(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    page = tmp_path / "seeds" / "a.md"
    page.write_text("x", "utf-8")
    queue = ChangeQueue(delay=0.02)
    watcher = Watcher(tmp_path, queue)
    watcher.start()
    try:
        page.write_text("y", "utf-8")
        batch = queue.take()
        assert batch is not None and [c.rel_path for c in batch] == ["seeds/a.md"]
    finally:
        watcher.stop()


def _drain(queue: ChangeQueue, quiet: float = 0.5, timeout: float = 10) -> list[str]:
    """Every path the queue gets until none came for `quiet` seconds (a folder's events come from two watches)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (batch := queue.take(timeout=quiet)):
        seen += [c.rel_path for c in batch]
    return seen


def _take_until(queue: ChangeQueue, wanted: str, timeout: float = 10) -> list[str]:
    """Batches from the queue until one holds `wanted` (or `timeout` passes); every path seen."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while wanted not in seen and (left := deadline - time.monotonic()) > 0:
        seen += [c.rel_path for c in queue.take(timeout=left) or []]
    return seen


@pytest.mark.parametrize("poll", [None, 0.05], ids=["native", "polling"])
@pytest.mark.parametrize("folder", ["seeds", "themes"])
def test_watcher_keeps_watching_a_folder_deleted_and_made_again(
    tmp_path: Path, folder: str, poll: float | None
) -> None:
    """Fault 1: after `rm -rf seeds && cp -a backup seeds`, serve saw one rebuild and then no edit at all."""
    site = tmp_path / "site"
    page = site / folder / "2026" / "a.md" if folder == "seeds" else site / folder / "t" / "templates" / "a.html"
    page.parent.mkdir(parents=True)
    page.write_text("x", "utf-8")
    shutil.copytree(site / folder, tmp_path / "backup")
    queue = ChangeQueue(delay=0.02)
    watcher = Watcher(site, queue, poll=poll)
    watcher.start()
    try:
        shutil.rmtree(site / folder)
        assert folder in _take_until(queue, folder)  # (its later events are drained with the copy's below)
        shutil.copytree(tmp_path / "backup", site / folder)
        assert folder in _drain(queue)  # the new folder is watched once this event is out
        for text in ("y", "z"):  # every later edit is seen, not only the first
            page.write_text(text, "utf-8")
            rel = page.relative_to(site).as_posix()
            assert rel in _take_until(queue, rel), f"the edit to {rel} was not seen"
    finally:
        watcher.stop()


def test_watcher_sees_the_config_deleted_and_made_again(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    config = tmp_path / "sitegen.yaml"
    config.write_text("title: a\n", "utf-8")
    queue = ChangeQueue(delay=0.02)
    watcher = Watcher(tmp_path, queue)
    watcher.start()
    try:
        config.unlink()
        assert "sitegen.yaml" in _take_until(queue, "sitegen.yaml")
        config.write_text("title: b\n", "utf-8")
        assert "sitegen.yaml" in _drain(queue)
        config.write_text("title: c\n", "utf-8")
        assert "sitegen.yaml" in _take_until(queue, "sitegen.yaml")
    finally:
        watcher.stop()


# --- request paths --------------------------------------------------------------------------------

OUTPUTS = {"index.html": b"", "tags/index.html": b"", "tags/nato/index.html": b"", "feed.xml": b"", "а/index.html": b""}


@pytest.mark.parametrize(
    ("raw", "out_path"),
    [
        ("/", "index.html"),
        ("/?x=1", "index.html"),
        ("/tags/", "tags/index.html"),
        ("/tags/nato/", "tags/nato/index.html"),
        ("/feed.xml", "feed.xml"),
        ("/%D0%B0/", "а/index.html"),
        ("//tags//", "tags/index.html"),
    ],
)
def test_paths_find_output(raw: str, out_path: str) -> None:
    target = find_output(raw, OUTPUTS)
    assert target is not None and target.out_path == out_path and target.redirect is None


def test_paths_redirect_to_slash() -> None:
    target = find_output("/tags", OUTPUTS)
    assert target is not None and target.redirect == "/tags/"


@pytest.mark.parametrize(
    "raw",
    [
        "/../etc/passwd",
        "/tags/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fetc%2fpasswd",
        "/%252e%252e/etc/passwd",
        "/..\\etc\\passwd",
        "/%5c..%5cetc",
        "/a%00.html",
        "/./index.html",
        "/%ff",
        "/" + "a" * 5000,
        "http://evil.example/",
    ],
)
def test_paths_traversal_refused(raw: str) -> None:
    with pytest.raises(BadPath):
        normalise_request_path(raw)


def test_paths_unknown_is_none() -> None:
    assert find_output("/nope/", OUTPUTS) is None


# --- HTTP ----------------------------------------------------------------------------------------


def test_inject_script_before_last_body() -> None:
    assert inject_script(b"<body>a</body><!-- </BODY> -->", b"S") == b"<body>a</body><!-- S</BODY> -->"
    assert inject_script(b"<p>fragment", b"S") == b"<p>fragmentS"


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("evil.example:8000", False),
        ("127.0.0.1:9999", False),
        ("127.0.0.1", False),
        ("", False),
        (None, False),
    ],
)
def test_allowed_host(host: str | None, ok: bool) -> None:
    assert allowed_host(host, 8000, "127.0.0.1") is ok


@pytest.fixture
def http_server() -> Iterator[DevHTTPServer]:
    state = ReloadState("srv")
    html = b"<!DOCTYPE html><html><body><p>home</p></body></html>"
    state.publish({"index.html": html, "404.html": b"<html><body>gone</body></html>", "s.css": b"a{}"}, changed=None)
    with serving(DevHTTPServer("127.0.0.1", 0, state)) as server:
        yield server


def raw_get(port: int, target: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A request exactly as written: no client-side normalisation of the path or the Host header."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        head = f"GET {target} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\nConnection: close\r\n\r\n"
        sock.sendall(head.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    header, _, body = data.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_http_serves_html_with_the_reload_script(http_server: DevHTTPServer) -> None:
    status, headers, body = raw_get(http_server.port, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert (
        b'<script src="/__sitegen/reload.js?v=srv" data-server="srv" data-site-epoch="1" defer></script>\n</body>'
        in body
    )
    assert not any(h.lower().startswith("access-control") for h in headers)
    status, _, css = raw_get(http_server.port, "/s.css")
    assert status == 200 and css == b"a{}"  # no script in non-HTML


def test_http_refuses_foreign_host(http_server: DevHTTPServer) -> None:
    for target in ("/", "/__sitegen/poll?epoch=0", "/__sitegen/status"):
        assert raw_get(http_server.port, target, host="evil.example")[0] == 400


def test_http_refuses_two_host_headers(http_server: DevHTTPServer) -> None:
    """Fault 8: a request with two `Host` headers was answered (RFC 9112 §3.2: 400)."""
    own = f"127.0.0.1:{http_server.port}"
    assert raw_get(http_server.port, "/", host=f"{own}\r\nHost: {own}")[0] == 400
    assert raw_get(http_server.port, "/", host=f"{own}\r\nHost: evil.example")[0] == 400
    assert raw_get(http_server.port, "/", host=own)[0] == 200


def test_http_refuses_traversal(http_server: DevHTTPServer) -> None:
    for target in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/%252e%252e/x"):
        status, _, body = raw_get(http_server.port, target)
        assert status == 400 and b"root:" not in body


def test_http_404_serves_the_site_404_page(http_server: DevHTTPServer) -> None:
    status, _, body = raw_get(http_server.port, "/nope/")
    assert status == 404 and b"gone" in body and b"reload.js" in body


def test_http_poll_answers_at_once_for_an_old_epoch(http_server: DevHTTPServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", http_server.port, timeout=5)  # the poll waits 25 s otherwise
    conn.request("GET", "/__sitegen/poll?epoch=0&site=1")
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200 and b'"action": "none"' in body


def test_http_post_is_refused(http_server: DevHTTPServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", http_server.port, timeout=5)
    conn.request("POST", "/", body=b"x")
    status = conn.getresponse().status
    conn.close()
    assert status == 501


def _request(port: int, path: str, *, close: bool = True) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" + ("Connection: close\r\n" if close else "") + "\r\n"
    ).encode()


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(1 << 16):
        data += chunk
    return data


@pytest.mark.timeout(90)
def test_http_200_concurrent_clients_are_all_answered() -> None:
    """Fault 4: the listen backlog was 5, so under 200 concurrent clients connections were dropped
    (clients retried after 1, 3, 7 s) and 77 of 200 timed out, a 5 MB page in the mix."""
    state = ReloadState("srv")
    pages = {f"p{i}/index.html": b"<html><body>" + b"x" * 20_000 + b"</body></html>" for i in range(50)}
    pages["big/index.html"] = b"<html><body>" + b"y" * 5_000_000 + b"</body></html>"
    state.publish(pages, changed=None)
    server = DevHTTPServer("127.0.0.1", 0, state)
    port = server.port
    # All 200 connect and send their request before the server accepts any: only a real backlog holds them.
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(200)]
    for i, sock in enumerate(clients):
        sock.settimeout(60)
        sock.sendall(_request(port, "/big/" if i % 20 == 0 else f"/p{i % 50}/"))
    answers: dict[int, bytes] = {}

    def read(i: int) -> None:
        with clients[i]:
            answers[i] = _read_all(clients[i])

    readers = [threading.Thread(target=read, args=(i,)) for i in range(200)]
    with serving(server):
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(70)
    assert len(answers) == 200
    for i, data in answers.items():
        assert data.startswith(b"HTTP/1.1 200 OK"), data[:60]
        body = data.partition(b"\r\n\r\n")[2]
        assert len(body) > (5_000_000 if i % 20 == 0 else 20_000)


@pytest.mark.timeout(60)
def test_http_idle_connections_hold_no_thread_and_are_closed() -> None:
    """Fault 4: idle connections were never closed, and 1,000 idle sockets held 1,007 threads."""
    state = ReloadState("srv")
    state.publish({"index.html": b"<html><body>home</body></html>"}, changed=None)
    sockets: list[socket.socket] = []
    with serving(DevHTTPServer("127.0.0.1", 0, state, idle_timeout=0.5)) as server, contextlib.ExitStack() as stack:
        threads = set(threading.enumerate())
        for _ in range(201):
            sockets.append(stack.enter_context(socket.create_connection(("127.0.0.1", server.port), timeout=20)))
        sockets[-1].sendall(_request(server.port, "/", close=False))  # kept alive after its answer
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as beside:
            beside.sendall(_request(server.port, "/"))
            assert _read_all(beside).startswith(b"HTTP/1.1 200 OK")  # answered beside 200 silent sockets
        started = [t.name for t in set(threading.enumerate()) - threads]
        assert started == []  # a fixed pool: no thread per connection
        answers = [_read_all(sock) for sock in sockets]  # the server closes each: b"" at the end
        assert answers[:-1] == [b""] * 200 and answers[-1].startswith(b"HTTP/1.1 200 OK")


# --- the error overlay's words ----------------------------------------------------------------------


def test_overlay_words_come_from_the_theme_in_the_site_language(tmp_path: Path) -> None:
    from sitegen.build import interface_strings
    from sitegen.errors import ErrorList, SourceError
    from sitegen.serve.overlay import error_payload

    (tmp_path / "sitegen.yaml").write_text('title: "Digest"\nbase_url: "https://example.org/"\nlanguage: en\n')
    errors = ErrorList([SourceError(f"problem {i}", path=f"seeds/{i}.md", line=1) for i in range(23)])
    payload = error_payload(errors, tmp_path, interface_strings(tmp_path))
    assert (payload["title"], payload["lang"]) == ("Build failed: 23 problems", "en")
    assert payload["problems"][-1]["message"] == "… and 3 more (see the terminal)"
    (tmp_path / "sitegen.yaml").write_text('title: "Дайджест"\nbase_url: "https://example.org/"\ncolour: red\n')
    payload = error_payload(SourceError("x", path="seeds/a.md"), tmp_path, interface_strings(tmp_path))
    assert (payload["title"], payload["lang"]) == ("Сайт не зібрано", "uk")  # a broken config: the default
    assert payload["fix"].startswith("Виправте файл і збережіть")
    (tmp_path / "sitegen.yaml").write_text("language: en\ntitle: Digest\n")  # no base_url: invalid, but readable
    assert interface_strings(tmp_path).lang == "en"
    (tmp_path / "sitegen.yaml").write_text("language: en\ntitle: [unclosed\n")  # not YAML at all: the default
    assert interface_strings(tmp_path).lang == "uk"
