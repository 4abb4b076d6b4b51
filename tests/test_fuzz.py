"""Fuzzing with Hypothesis: whatever the input, sitegen gives a result or a clear error (a `SitegenError`,
exit 1), never a traceback, and never a file outside the output folder.

Inputs: front matter and Markdown bodies (through the content model and the renderer, and a few
through the whole `sitegen build`), raw import text, `sitegen.yaml`, and `serve`'s request paths
(the path rules, and raw requests to a real server). The budget is fixed and the examples are
derandomized, so `make test` takes the same time on every run; `SITEGEN_FUZZ=long` runs 25 times
as many (README, "Reliability").
"""

from __future__ import annotations

import os
import posixpath
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.config import SiteConfig, load_config
from sitegen.content.load import build_site
from sitegen.content.schema import validate_page
from sitegen.errors import SitegenError
from sitegen.importer.emit import render_page
from sitegen.importer.raw import parse_raw
from sitegen.render.pipeline import render_site
from sitegen.render.theme import Theme, load_theme
from sitegen.serve.paths import BadPath, find_output, normalise_request_path
from sitegen.serve.reload import ReloadState
from sitegen.serve.server import DevHTTPServer
from sitegen.source.files import SourceFile
from sitegen.source.frontmatter import parse_front_matter
from sitegen.textio import decode_text
from tests.conftest import MINIMAL_CONFIG, run_main, serving, tree_digest

LONG = os.environ.get("SITEGEN_FUZZ") == "long"


def budget(examples: int) -> settings:
    """`examples` per test in `make test` (fixed and derandomized: stable CI time), 25 times as many when long."""
    return settings(
        max_examples=examples * 25 if LONG else examples,
        derandomize=not LONG,
        database=None,
        deadline=None,  # a shared, busy machine: time limits are pytest-timeout's
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


pytestmark = pytest.mark.timeout(600 if LONG else 120)

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 6, 1, tzinfo=UTC)
# Characters that mean something to YAML, Markdown, HTML, URLs or paths, and Ukrainian letters.
SPECIAL = list(":-[]{}#&*!|>'\"%@`,?\\/\t .~_=+()<>;$^\0\r\u00a0\u2019\ufeff") + list("їЇєЄґҐіІ'абвгдеж")
SOME_TEXT = st.text(st.sampled_from(SPECIAL) | st.characters(exclude_categories=("Cs",)), max_size=40)
DATES = st.sampled_from(
    [
        "2026-02-12T18:10:00+02:00",
        "2026-02-12",
        "2026-02-12T18:10:00",
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+02:00",
        "1900-01-01T00:00:00+14:00",
        "2200-12-31T23:59:59-12:00",
        "2026-13-45T25:00:00+02:00",
        "",
    ]
) | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)
KEYS = ["title", "date", "tags", "category", "summary", "author", "location", "source", "lang", "image"]
KEYS += ["draft", "featured", "curator_note", "slug", "imported_from", "extra", "tag", "url"]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | SOME_TEXT | DATES
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(SOME_TEXT, inner, max_size=3), max_leaves=8
)
GOOD = {"title": "Стаття про переговори", "date": "2026-02-12T18:10:00+02:00", "tags": ["НАТО", "Київ"]}


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """YAML between `---` lines: a good page with some keys changed, or lines of anything."""
    if draw(st.booleans()):
        data = {**GOOD, **draw(st.dictionaries(st.sampled_from(KEYS) | SOME_TEXT, VALUES, max_size=4))}
        for key in draw(st.lists(st.sampled_from(list(GOOD)), max_size=2)):
            data.pop(key, None)
        text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=draw(st.booleans()))
    else:
        text = "\n".join(draw(st.lists(SOME_TEXT, max_size=8)))
    return text


MARKDOWN = st.lists(
    st.sampled_from(["\n", "\n\n", "# ", "> ", "* ", "1. ", "```", "[a](", "](javascript:x)", "<script>", "![i](", "|"])
    | SOME_TEXT,
    max_size=20,
).map("".join)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteConfig, Theme]:
    """A site folder's config and theme, loaded once (compiling the templates is most of a small build)."""
    site_dir = tmp_path_factory.mktemp("fuzz") / "site"
    (site_dir / "seeds").mkdir(parents=True)
    (site_dir / "sitegen.yaml").write_text(MINIMAL_CONFIG, "utf-8")
    config = load_config(site_dir)
    return config, load_theme(config)


def render_one(site: tuple[SiteConfig, Theme], text: str) -> None:
    """Decode, load and render one page the way `build` does (in memory); a user error is fine, nothing else."""
    config, theme = site
    rel = "seeds/2026/02/a.md"
    decoded, problem = decode_text(text.encode("utf-8", "surrogatepass"), rel)
    if problem is not None:
        return
    try:
        model = build_site(config, [SourceFile(config.site_dir / rel, rel, decoded)], drafts=True, future=True, now=NOW)
        outputs = render_site(model, theme, workers=0)
    except SitegenError as exc:
        assert exc.format() and "Traceback" not in exc.format()
        return
    for output in outputs:
        path = output.out_path
        assert path and not path.startswith("/") and "\\" not in path and "\0" not in path, path
        assert posixpath.normpath(path) == path and ".." not in path.split("/"), path


@budget(150)
@given(front=front_matter(), body=MARKDOWN)
def test_fuzz_front_matter_and_body_give_a_page_or_a_clear_error(
    site: tuple[SiteConfig, Theme], front: str, body: str
) -> None:
    render_one(site, f"---\n{front}\n---\n{body}\n")


@budget(150)
@given(body=MARKDOWN)
def test_fuzz_markdown_body_of_a_good_page_renders_or_names_the_file(site: tuple[SiteConfig, Theme], body: str) -> None:
    render_one(site, "---\n" + yaml.safe_dump(GOOD, allow_unicode=True) + "---\n" + body)


@budget(12)
@given(front=front_matter(), body=MARKDOWN)
def test_fuzz_build_command_exits_0_or_1_and_writes_only_its_output(
    tmp_path_factory: pytest.TempPathFactory, front: str, body: str
) -> None:
    """The whole `sitegen build`: exit 0 or 1, no traceback, and files only in `site/` (its cache, its spare)."""
    root = tmp_path_factory.mktemp("build")
    site = root / "s"
    (site / "seeds" / "2026" / "02").mkdir(parents=True)
    (site / "sitegen.yaml").write_text(MINIMAL_CONFIG, "utf-8")
    (site / "seeds" / "2026" / "02" / "a.md").write_bytes(f"---\n{front}\n---\n{body}\n".encode("utf-8", "replace"))
    before = tree_digest(root)
    result = run_main("build", "-q", "--site", str(site))
    assert result.code in (0, 1) and "Traceback" not in result.err, result.err
    # the output, the build cache (index and pieces) and the output's spare, beside it (issue 18)
    ours = ("s/site/", "s/.sitegen-cache/build.", "s/.site.sitegen-spare/")
    after = {path: digest for path, digest in tree_digest(root).items() if not path.startswith(ours)}
    assert after == before


RAW_LINES = (
    st.sampled_from(
        [
            "date 2026-02-12 ua en ru",
            "date 2026-02-02   1. В Україні",
            "date 0000-02-02 ua",
            "date 2026-02-30 ua",
            "09:24, 2 лютого 2026",
            "Брюссель, Четвер 12 лютого 2026 18:10",
            "99:99, 2 лютого 2026",
            "Фото: Генсек НАТО (Reuters)",
            "Автор: Іван Петренко",
            "Читайте також: інша новина",
            "НАТО Україна Брюссель",
            "UA EN RU",
            "",
        ]
    )
    | SOME_TEXT
)


@budget(200)
@given(lines=st.lists(RAW_LINES, max_size=10), raw=st.binary(max_size=200), use_raw=st.booleans())
@example(lines=["date 2026-02-12 ua en ru", "Заголовок\x7f\x85"], raw=b"", use_raw=False)  # (found: DEL, NEL raw)
def test_fuzz_import_text_gives_a_valid_page_or_a_clear_error(lines: list[str], raw: bytes, use_raw: bool) -> None:
    """Raw scraped text: a `RawArticleError` with a line, or a page whose front matter passes the build's checks."""
    data = raw if use_raw else "\n".join(lines).encode("utf-8", "surrogatepass")
    try:
        article = parse_raw(data, "raw.txt", KYIV)
    except SitegenError as exc:
        assert exc.format().startswith("raw.txt")
        return
    page = render_page(article)
    fm = parse_front_matter(page, "seeds/x.md")
    meta, problems = validate_page(fm, "seeds/x.md", page.split("\n"), timezone="Europe/Kyiv")
    assert problems == [] and meta is not None, [p.format() for p in problems]


CONFIG_KEYS = ["title", "base_url", "description", "language", "timezone", "theme", "per_page", "feed_limit"]
CONFIG_KEYS += ["author", "output_dir", "titel", "search"]
GOOD_CONFIG = {"title": "Дайджест", "base_url": "https://example.org/d/"}
CONFIG_VALUES = VALUES | st.sampled_from(
    ["uk", "en", "ua", "Europe/Kyiv", "Mars/Olympus", "../..", "/", "site", "seeds", "http://x", "javascript:x", 0, -1]
)


@budget(150)
@given(
    data=st.dictionaries(st.sampled_from(CONFIG_KEYS) | SOME_TEXT, CONFIG_VALUES, max_size=4),
    drop=st.lists(st.sampled_from(list(GOOD_CONFIG)), max_size=1),
    raw=st.lists(SOME_TEXT, max_size=6),
    use_raw=st.booleans(),
)
def test_fuzz_config_gives_a_site_or_a_clear_error(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, object], drop: list[str], raw: list[str], use_raw: bool
) -> None:
    site = tmp_path_factory.mktemp("config")
    (site / "seeds").mkdir()
    config = {key: value for key, value in {**GOOD_CONFIG, **data}.items() if key not in drop}
    text = "\n".join(raw) if use_raw else yaml.safe_dump(config, allow_unicode=True)
    (site / "sitegen.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        loaded = load_config(site)
        out = (site / loaded.output_dir).resolve()
        assert out != site and not out.is_relative_to(site / "seeds") and not (site / "seeds").is_relative_to(out)
        page = SourceFile(site / "seeds/a.md", "seeds/a.md", "---\n" + yaml.safe_dump(GOOD) + "---\nТекст.\n")
        render_site(build_site(loaded, [page], now=NOW), load_theme(loaded), workers=0)
    except SitegenError as exc:
        assert exc.format()


# --- serve's request paths --------------------------------------------------------------------------------

OUTPUTS = {"index.html": b"<html><body>home</body></html>", "tags/index.html": b"t", "a/b/index.html": b"b"}
PATH_PARTS = st.sampled_from(
    ["/", "..", ".", "%2e", "%2E%2e", "%2f", "%5c", "%00", "%25", "%", "\\", "//", "?", "#", "a", "b", "tags", "%D0%B0"]
)
REQUEST_PATHS = st.lists(PATH_PARTS | SOME_TEXT, max_size=8).map("".join)


@budget(400)
@given(raw=REQUEST_PATHS)
@example(raw="//")  # (found: normalised to "/", a 404, not the home page)
def test_fuzz_request_path_finds_a_served_file_or_is_refused(raw: str) -> None:
    try:
        target = find_output(raw, OUTPUTS)
        rel = normalise_request_path(raw)
    except BadPath:
        return
    assert not rel.startswith("/") and ".." not in rel.split("/") and "\\" not in rel and "\0" not in rel
    assert target is None or target.out_path in OUTPUTS
    if raw.split("?")[0].strip("/") == "":
        assert target is not None and target.out_path == "index.html"


@pytest.fixture(scope="module")
def live_server() -> Iterator[DevHTTPServer]:
    state = ReloadState("fuzz")
    state.publish({**OUTPUTS, "404.html": b"<html><body>nope</body></html>"}, changed=None)
    server = DevHTTPServer("127.0.0.1", 0, state)
    errors: list[object] = []
    server.handle_error = lambda request, address: errors.append(address)  # type: ignore[method-assign]
    with serving(server):
        yield server
    assert errors == [], "the server failed on a request (it printed a traceback)"


@budget(100)
@given(target=REQUEST_PATHS, poll=st.booleans())
@example(target="", poll=False)  # (found: `GET  HTTP/1.1` read as HTTP/0.9 and answered with a bare body)
@example(target="\n", poll=False)  # (found: a request line of one word, answered the same way)
def test_fuzz_raw_requests_are_answered_never_from_disk(live_server: DevHTTPServer, target: str, poll: bool) -> None:
    if poll:
        target = "/__sitegen/poll?epoch=" + target  # (an old epoch answers at once)
    head = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{live_server.port}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=30) as sock:
        sock.sendall(head.encode("utf-8", "surrogatepass"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else 0
    assert status in (200, 301, 400, 404, 414, 431), data[:200]
    assert b"root:" not in data  # no file from disk (`/etc/passwd`) is ever served
