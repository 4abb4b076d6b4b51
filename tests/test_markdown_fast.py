"""The leaner Markdown renderer (idle rules off, fewer `text` stops) and the memoised theme strings change no output."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

import pytest
from babel import Locale
from babel.dates import format_date, format_time
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from sitegen.content.typography import QUOTES, typography_plugin
from sitegen.render import markdown
from sitegen.render.strings import Strings

pytestmark = pytest.mark.timeout(60)


@lru_cache(maxsize=8)
def stock_markdown(quotes: str) -> MarkdownIt:
    """`markdown_for` as it was: every rule of `js-default` on, markdown-it-py's own `text` stops."""
    md = MarkdownIt("js-default", {"quotes": quotes})
    md.use(typography_plugin).use(anchors_plugin, min_level=2, max_level=4, slug_func=markdown._heading_id)
    md.add_render_rule("image", markdown._render_image)
    md.add_render_rule("fence", markdown._render_fence)
    return md


def html_and_text(md: MarkdownIt, source: str) -> tuple[str, str]:
    env = {"body": None, "problems": [], "frames": []}
    tokens = md.parse(source, env)
    return md.renderer.render(tokens, md.options, env), markdown._plain_text(tokens)


_PIECES = st.sampled_from(
    [" ", "  ", "\n", "\n\n", "\t", "-", "- ", "--", "---", ":", "::", "#", "## ", "%", "+", "=", "{", "}", "@", "$",
     "^", "~", "~~", "*", "**", "_", "__", "`", "``", "\\", "[", "]", "](", "(", ")", "![", "<", ">", "> ", "&",
     "&amp;",
     "&mdash;", "<https://example.org/a-b>", "http://x.org", "www.example.org", "1. ", "| a | b |\n|---|---|\n",
     "```\n", "    ", '"', "'", "...", "(c)", "+-", "5 км", "№ 5", "слово", "Україна", "a", "<b>", "<!-- x -->",
     "<div>\n", "[a]: /url\n", "[a]", "\u00a0", "\u2014", "«"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=24).map("".join), st.sampled_from(sorted(set(QUOTES.values()))))
def test_lean_renderer_equals_the_stock_one(source: str, quotes: str) -> None:
    assert html_and_text(markdown.markdown_for(quotes), source) == html_and_text(stock_markdown(quotes), source)


def test_lean_renderer_cases() -> None:
    quotes = QUOTES["uk"]
    for source in (
        "Слово - слово: 5 км, 3 млн; будь-яка [ланка](https://example.org/a-b:c) і ![фото](x.jpg) та **жирне**.",
        "# Заголовок\n\n## Розділ - два\n\n> «Цитата», — сказав він.\n\n- один\n- два\n\n1. раз\n",
        "a*b-c*d _e-f_ ~~g~~ `h-i` <https://example.org/x-y> &mdash; \\- [j]: k\n\n[j]\n\n[j]: /url\n",
        "<b>html</b> <!-- c --> www.example.org http://example.org/a-b",
        '[a [b-c] d](/x) [e]-[f] ![g-h](/i-j.png "k-l")',
    ):
        assert html_and_text(markdown.markdown_for(quotes), source) == html_and_text(stock_markdown(quotes), source)
    lean = markdown.markdown_for(quotes)
    assert lean.inline.terminator_re.search("будь-яка") is None  # (the stops are really fewer)


UK = Locale.parse("uk")


def test_memoised_clock_equals_babel() -> None:
    s = Strings("uk", {}, "test")
    for zone in (UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))):
        for minutes in range(0, 24 * 60, 7):
            value = datetime(2026, 2, 12, tzinfo=zone) + timedelta(minutes=minutes)
            assert s.time(value) == format_time(value, "HH:mm", locale=UK)
    assert s.time(datetime(2026, 2, 12, 18, 10)) == "18:10" == format_time(time(18, 10), "HH:mm", locale=UK)


def test_memoised_plural_and_date_range_equal_babel() -> None:
    s = Strings("uk", {"n": {"one": "{n} o", "few": "{n} f", "many": "{n} m", "other": "{n} x"}}, "test")
    for count in (*range(0, 130), 1001, 1_000_000):
        assert (
            s.plural("n", count)
            == f"{count} " + {"one": "o", "few": "f", "many": "m", "other": "x"}[UK.plural_form(count)]
        )
    start = date(2025, 12, 20)
    for days in range(0, 40, 3):
        for length in (0, 1, 6, 20):
            first, last = start + timedelta(days=days), start + timedelta(days=days + length)
            expected = _plain_range(first, last)
            assert s.date_range(first, last) == expected


def _plain_range(start: date, end: date) -> str:
    """`Strings.date_range` as first written, every part through Babel."""

    def day(value: date) -> str:
        return format_date(value, "d MMMM yyyy", locale=UK)

    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{format_date(start, 'd', locale=UK)}–{day(end)}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale=UK)} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def test_plain_links_skip_normalisation_with_the_same_result() -> None:
    """Link destinations of the fast path (`markdown._PLAIN_LINK`) come out as markdown-it-py's `normalizeLink`
    makes them: random mixes of schemes, hosts, `//`, dots, dashes, capitals and non-ASCII letters."""
    import random

    stock = MarkdownIt("js-default").normalizeLink
    lean = markdown.markdown_for(QUOTES["uk"]).normalizeLink
    pieces = ["https://", "http://", "example.org", "/", "//", "a", "Z", "-", ".", "..", "~", "_", "0", "xn--"]
    pieces += ["news/", "a.b", "%20", "?q=1", "#x", "ї", ":", "@", " ", "mailto:"]
    rng = random.Random(18)
    plain = 0
    for _ in range(3000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        assert lean(url) == stock(url), url
        plain += bool(markdown._PLAIN_LINK.fullmatch(url))
    assert 500 < plain < 2500  # (both ways were taken)
    assert lean("https://example.org/news/a-b_c.d~e/") == "https://example.org/news/a-b_c.d~e/"
    assert lean("https://example.org/ї") == stock("https://example.org/ї") == "https://example.org/%D1%97"
