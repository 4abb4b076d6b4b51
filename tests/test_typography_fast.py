"""`_fix_text`'s shortcuts (a dash looked for first, the rules starting at their space, a literal space for a text
without tabs or no-break spaces) and the quotes nested only where a block can have them change no output."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from sitegen.content import typography
from sitegen.content.typography import NBSP, QUOTES, UNITS, typography_plugin

pytestmark = pytest.mark.timeout(60)

_SPACED_DASH_BEHIND = re.compile(r"(?<=\S)[ \t\u00a0]+(?:-{1,3}|\u2013|\u2014)(?=[ \t\n]|$)")
_NUMBER_UNIT_BEHIND = re.compile(r"(?<=\d)[ \t](?=(?:" + "|".join(re.escape(u) for u in UNITS) + r")(?!\w))")


def reference_fix_text(text: str, *, after_text: bool) -> str:
    """The rules as first written: every regex over every text."""
    text = _SPACED_DASH_BEHIND.sub(NBSP + "\u2014", text)
    if after_text:
        text = typography._DASH_AT_START.sub(NBSP + "\u2014", text)
    text = _NUMBER_UNIT_BEHIND.sub(NBSP, text)
    return typography._NUMERO.sub("№" + NBSP, text)


_PIECES = st.sampled_from(
    [" ", "\t", "\u00a0", "\n", "-", "--", "---", "\u2013", "\u2014", "5", "12", "№", "км", "млн", "р.", "%",
     "°C", "$", "kmh", "слово", "a", "_", "x²"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=16).map("".join), st.booleans())
def test_fix_text_equals_the_plain_rules(text: str, after_text: bool) -> None:
    assert typography._fix_text(text, after_text=after_text) == reference_fix_text(text, after_text=after_text)


def test_fix_text_cases() -> None:
    for text in (
        "5 5 км",
        "1 2 3 млн",
        "слово - слово",
        " — так",
        "№ 5 і № 6",
        "40 % і 3 кг",
        "5\t$",
        "5  км",
        "5 \tкм і 6 км",
        "\t5 км",
        "а  - б",
        "а \t- б",
        "а\u00a0- б - в",
        "а - - б",
        "а\n - б",
        "а  \u00a0--- б",
        "а ---- б",
        "а -\u00a0б",
        "а -",
    ):
        for after_text in (False, True):
            assert typography._fix_text(text, after_text=after_text) == reference_fix_text(text, after_text=after_text)
    assert typography._fix_text("5 5 км", after_text=False) == "5 5\u00a0км"


def reference_rule(state: StateCore) -> None:
    """`typography_rule` as first written: every text fixed by the plain rules, every block's quotes nested."""
    quotes = state.md.options.quotes
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        inside_autolink = False
        previous: Token | None = None
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                inside_autolink = True
            elif token.type == "link_close" and token.info == "auto":
                inside_autolink = False
            elif token.type == "text" and not inside_autolink and token.content:
                after_text = previous is not None and previous.type not in ("softbreak", "hardbreak")
                token.content = reference_fix_text(token.content, after_text=after_text)
            previous = token
        typography._nest_quotes(block.children, quotes)
        for child in block.children:
            for part in child.children or ():
                if part.type == "text":
                    part.content = typography._typeset(part.content, quotes)


def _renderers(quotes: str) -> tuple[MarkdownIt, MarkdownIt]:
    fast = MarkdownIt("js-default", {"quotes": quotes}).use(typography_plugin)
    plain = MarkdownIt("js-default", {"quotes": quotes}).use(typography_plugin)
    plain.core.ruler.at("typography", reference_rule)
    return fast, plain


_BODY_PIECES = st.sampled_from(
    [" ", "  ", "\t", "\u00a0", "\n", "\n\n", "-", " - ", "--", "—", "5", "км", "№", '"', "'", "«", "»", "„", "“",
     "&laquo;", "&raquo;", "&quot;", "&#171;", "&nbsp;", "\\\"", "`", "*", "[a](/b)", "<https://x.org/a-b>",
     "![", "](p.jpg)", "слово", "a", "> ", "## ", "- "]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_BODY_PIECES, max_size=24).map("".join), st.sampled_from(sorted(set(QUOTES.values()))))
def test_typography_rule_equals_the_plain_rule(source: str, quotes: str) -> None:
    fast, plain = _renderers(quotes)
    assert fast.render(source) == plain.render(source)


def test_typography_rule_cases() -> None:
    for quotes in sorted(set(QUOTES.values())):
        fast, plain = _renderers(quotes)
        for source in (
            'Він сказав: "це "добре" рішення" - і пішов, 5 км.',
            "Без лапок - але з тире і 3 млн, № 5.",
            "&laquo;а &laquo;б&raquo; в&raquo; і 'г' та \\\"д\\\"",
            "«а «б» в»\n\nдругий «абзац» з 'одинарними'",
            "![«фото» - 5 км](p.jpg) - [«ланка»](/a)",
        ):
            assert fast.render(source) == plain.render(source), (quotes, source)
