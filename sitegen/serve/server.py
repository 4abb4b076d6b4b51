"""The HTTP side of `sitegen serve`: the site from memory, the reload endpoints, nothing else.

Standard library only (`ThreadingHTTPServer`, as MkDocs). Safe by default (reliability.md §3.5):
a `Host` that is not this server's gets 400 before any route (DNS rebinding), no CORS header
is ever sent, request paths are normalised and looked up in the in-memory site (no file on disk
is reachable), and only GET and HEAD are answered.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import logging
import mimetypes
import socket
import sys
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sitegen.serve.connections import IDLE_TIMEOUT, LISTEN_BACKLOG, ConnectionGate
from sitegen.serve.paths import BadPath, find_output
from sitegen.serve.reload import ReloadState

log = logging.getLogger(__name__)

PREFIX = "/__sitegen/"
ASSETS = "assets/"
"""Theme files under here have their content hash in the name (`render/theme.py`)."""
POLL_TIMEOUT = 25.0
"""Seconds a long-poll waits for a change before answering anyway (browsers give up near 60 s)."""
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}


def no_site_page(error: Mapping[str, Any] | None) -> bytes:
    """The page served before any build succeeded, in the site's language (the error overlay goes on top)."""
    lang = html.escape(str((error or {}).get("lang", "en")))
    text = html.escape(str((error or {}).get("waiting", "The site has not built yet.")))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>sitegen serve</title>'
        f"</head><body><p>{text}</p></body></html>\n"
    ).encode()


def reload_script() -> bytes:
    """The live-reload client, shipped beside this module."""
    return resources.files("sitegen.serve").joinpath("reload.js").read_bytes()


def content_type(out_path: str) -> str:
    """The `Content-Type` of an output file, by its extension."""
    dot = out_path.rfind(".")
    ext = out_path[dot:].lower() if dot > out_path.rfind("/") else ""
    return _TYPES.get(ext) or mimetypes.guess_type(out_path)[0] or "application/octet-stream"


def inject_script(html: bytes, tag: bytes) -> bytes:
    """`tag` before the last `</body>` (case-insensitive), else at the end."""
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def allowed_host(header: str | None, port: int, bound: str) -> bool:
    """True for `localhost`, an IP literal or the bound host name, with this server's port.

    DNS rebinding needs a name the attacker controls; IP literals and `localhost` cannot be one.
    """
    if not header:
        return False
    name, sep, port_text = header.rpartition(":")
    if not sep or not port_text.isdigit() or int(port_text) != port:
        return False
    name = name.lower()
    if name in ("localhost", bound.lower()):
        return True
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return False
    return True


class DevHTTPServer(HTTPServer):
    """An HTTP server that knows the reload state and its own address; connections are served by a
    fixed pool of threads, idle ones closed (`serve/connections.py`)."""

    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, host: str, port: int, state: ReloadState, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.state = state
        self.bound_host = host
        self.script = reload_script()
        self.idle_timeout = idle_timeout
        super().__init__((host, port), DevRequestHandler)
        self.gate = ConnectionGate(self._serve_connection, idle_timeout=idle_timeout)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        """Called by `serve_forever` for each accepted connection: the gate takes it from here."""
        self.gate.add(request, client_address)

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away or fell silent is not worth a traceback; anything else is."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            log.debug("connection from %s ended: %s", client_address, sys.exc_info()[1])
            return
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        if hasattr(self, "gate"):  # (not when binding failed: `__init__` closes the socket itself)
            self.gate.close()


class DevRequestHandler(BaseHTTPRequestHandler):
    """GET/HEAD of the in-memory site and of `/__sitegen/…`."""

    server: DevHTTPServer
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # what an error is answered in before a version is read
    timeout = IDLE_TIMEOUT
    """Seconds a read or write may wait: a keep-alive connection idle this long is closed (the server's
    `idle_timeout`, set in `setup`)."""
    server_version = "sitegen-serve"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # The server's own idle timeout (the class default alone held a keep-alive connection 10 s whatever it was).
        self.connection.settimeout(self.server.idle_timeout)

    def parse_request(self) -> bool:
        """The stdlib's parsing, without HTTP/0.9: a request line without a version gets a 400 with headers.

        (With the stdlib's default version, HTTP/0.9, `GET /x` and a bad request line were answered
        with a bare body, no status line: found by tests/test_fuzz.py.)
        """
        if not super().parse_request():
            return False
        if len(self.requestline.split()) < 3:  # `GET /x`: an HTTP/0.9 request
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not supported")
            return False
        return True

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def do_GET(self) -> None:
        self._handle(head=False)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), format % args)

    def _handle(self, *, head: bool) -> None:
        state = self.server.state
        hosts = self.headers.get_all("Host") or []
        # Exactly one Host header (RFC 9112 §3.2: a request with several gets 400), and one of ours.
        if len(hosts) != 1 or not allowed_host(hosts[0], self.server.port, self.server.bound_host):
            self._send(HTTPStatus.BAD_REQUEST, b"Bad Host header\n", "text/plain; charset=utf-8", head=head)
            return
        if self.path.startswith(PREFIX):
            self._internal(head)
            return
        snap = state.snapshot()
        try:
            target = find_output(self.path, snap.outputs)  # type: ignore[arg-type]
        except BadPath as exc:
            self._send(HTTPStatus.BAD_REQUEST, f"Bad path: {exc}\n".encode(), "text/plain; charset=utf-8", head=head)
            return
        if target is not None and target.redirect:
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head=head, location=target.redirect)
        elif target is not None:
            self._send_output(HTTPStatus.OK, target.out_path, snap.outputs[target.out_path], snap.site_epoch, head)
        elif not snap.outputs:
            page = no_site_page(snap.error)
            self._send_output(HTTPStatus.SERVICE_UNAVAILABLE, "index.html", page, snap.site_epoch, head)
        elif "404.html" in snap.outputs:
            self._send_output(HTTPStatus.NOT_FOUND, "404.html", snap.outputs["404.html"], snap.site_epoch, head)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head=head)

    def _send_output(self, status: HTTPStatus, out_path: str, data: bytes, site_epoch: int, head: bool) -> None:
        kind = content_type(out_path)
        if kind.startswith("text/html"):
            server_id = self.server.state.server_id
            tag = (
                f'<script src="{PREFIX}reload.js?v={server_id}" data-server="{server_id}" '
                f'data-site-epoch="{site_epoch}" defer></script>\n'
            )
            data = inject_script(data, tag.encode())
        self._send(status, data, kind, head=head, immutable=out_path.startswith(ASSETS))

    def _internal(self, head: bool) -> None:
        url = urlsplit(self.path)
        state = self.server.state
        if url.path == PREFIX + "reload.js":
            self._send(HTTPStatus.OK, self.server.script, _TYPES[".js"], head=head, immutable=True)  # ?v=server id
        elif url.path == PREFIX + "poll":
            query = parse_qs(url.query)
            epoch = _int(query.get("epoch"))
            site = _int(query.get("site"))
            state.wait(epoch, POLL_TIMEOUT)
            self._json(state.message(epoch, site, _out_path(query.get("path"), state)), head)
        elif url.path == PREFIX + "manifest":  # for tests and debugging: what is served, by digest
            snap = state.snapshot()
            self._json({path: hashlib.sha256(data).hexdigest() for path, data in sorted(snap.outputs.items())}, head)
        elif url.path == PREFIX + "status":
            status = {"builds": state.builds, "epoch": state.epoch, "site_epoch": state.site_epoch}
            self._json({**status, "settled": state.settled, "error": state.error}, head)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head=head)

    def _json(self, value: object, head: bool) -> None:
        self._send(HTTPStatus.OK, json.dumps(value, ensure_ascii=False).encode(), _TYPES[".json"], head=head)

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        kind: str,
        *,
        head: bool,
        location: str | None = None,
        immutable: bool = False,
    ) -> None:
        """One response. Pages are never cached; fingerprinted assets are, so a reload fetches one file."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "max-age=31536000, immutable" if immutable else "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            if location:
                self.send_header("Location", location)
            self.end_headers()
            if not head:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the tab went away (a reload cancels its long-poll), or stopped reading


def _out_path(values: list[str] | None, state: ReloadState) -> str | None:
    """The output a tab shows, from the `path` it polls with (its `location.pathname`)."""
    if not values:
        return None
    try:
        target = find_output(values[0], state.snapshot().outputs)  # type: ignore[arg-type]
    except BadPath:
        return None
    return target.out_path if target else None  # a 404 tab reloads after every change: its page may exist now


def _int(values: list[str] | None) -> int:
    try:
        return int(values[0]) if values else 0
    except ValueError:
        return 0
