"""Typography of the reader's language: quotes, dashes, ellipses and no-break spaces.

markdown-it-py's typographer does most of it: `smartquotes` turns straight quotes into the
language's pair (`quotes` option) and the apostrophe inside a word into ’; `replacements` turns
`...` into …, `--`/`---` into dashes. What it lacks for Ukrainian is added here as one core rule,
`typography`, run over the same text tokens (so code spans, code blocks, URLs and attribute values
are never touched, as in the library):

- nested quotes: `"a "b" c"` gives «a «b» c» in the library; the inner pair becomes „b“ (English:
  “a ‘b’ c”);
- a spaced hyphen or dash becomes a no-break space, an em dash and a space (`слово - слово` →
  `слово — слово`, the dash never starts a line);
- a no-break space between a number and its unit (`5 км`, `3 млн`, `2026 р.`, `40 %`) and after `№`.

Titles, summaries and captions are plain text, not Markdown: `typeset_text` runs the same rules on
one text token.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import replace as replacements_rule
from markdown_it.rules_core import smartquotes
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from sitegen.content.schema import PageMeta

NBSP = "\u00a0"
QUOTES: dict[str, str] = {
    "uk": "«»„“",
    "ru": "«»„“",
    "be": "«»„“",
    "en": "“”‘’",
    "de": "„“‚‘",
    "pl": "„”«»",
}
"""Outer open, outer close, inner open, inner close, by language (markdown-it's `quotes` option)."""
DEFAULT_QUOTES = QUOTES["en"]

UNITS = (
    "км/год", "км²", "км", "м²", "м³", "мм", "см", "м", "кг", "г", "т", "л", "мл", "га", "с", "хв", "год",
    "тис", "млн", "млрд", "трлн", "грн", "дол", "євро", "р", "рр", "ст", "кВт", "МВт", "ГВт", "Вт", "кВ",
    "В", "Гц", "МГц", "ГГц", "°C", "°", "%", "‰", "km", "m", "cm", "mm", "kg", "g", "GB", "MB", "TB",
    "USD", "EUR", "UAH", "$", "€", "₴",
)  # fmt: skip
"""What follows a number with a no-break space (`5 км`, `2026 р.`); longest first inside a family."""

_SPACED_DASH = re.compile(r"[ \t\u00a0](?<=\S[ \t\u00a0])[ \t\u00a0]*(?:-{1,3}|\u2013|\u2014)(?=[ \t\n]|$)")
"""A run of spaces after a non-space, then a dash standing alone. (It starts with its space and looks behind after
it: SRE then skips to spaces in C, where a pattern starting with the look-behind was tried at every character.)"""
_SPACED_DASH_SPACE = re.compile(r" (?<=\S )[ \t\u00a0]*(?:-{1,3}|\u2013|\u2014)(?=[ \t\n]|$)")
"""`_SPACED_DASH` for a text without a tab or a no-break space (the rule's run of spaces then starts with a space)."""
_DASH_AT_START = re.compile(r"^[ \t\u00a0]+(?:-{1,3}|\u2013|\u2014)(?=[ \t\n]|$)")
_UNIT_AHEAD = r"(?=(?:" + "|".join(re.escape(u) for u in UNITS) + r")(?!\w))"
_NUMBER_UNIT = re.compile(r"[ \t](?<=\d[ \t])" + _UNIT_AHEAD)
"""The space or tab after a digit and before a unit: it becomes a no-break space."""
_NUMBER_UNIT_SPACE = re.compile(r" (?<=\d )" + _UNIT_AHEAD)
r"""`_NUMBER_UNIT` for a text without a tab. A pattern that starts with one character is looked for by a fast scan
for that character in C; one that starts with a class of characters (`[ \t]`, `\d`) is tried at every character,
about three times slower on a news text (tests/test_typography_fast.py compares them)."""
_NUMERO = re.compile(r"№[ \t\u00a0]*(?=\d)")
_BEFORE_DASH = re.compile("[ \t\u00a0][-\u2013\u2014]")
"""What every match of `_SPACED_DASH` and `_DASH_AT_START` holds: most texts have none, and one search in C is
cheaper than either rule."""
_DASH = NBSP + "\u2014"


def quotes_for(lang: str) -> str:
    """The quote characters of a BCP 47 language (`uk-UA` -> `uk`); English ones for any other."""
    return QUOTES.get(lang.split("-")[0].lower(), DEFAULT_QUOTES)


def _fix_text(text: str, *, after_text: bool) -> str:
    """Dashes and no-break spaces in one piece of text; `after_text`: the piece continues a line."""
    no_tab = "\t" not in text
    if no_tab and NBSP not in text:  # (most texts) a space starts every match: `in` and a literal scan find it
        if " -" in text or " \u2013" in text or " \u2014" in text:
            text = _SPACED_DASH_SPACE.sub(_DASH, text)
            if after_text:
                text = _DASH_AT_START.sub(_DASH, text)
    elif _BEFORE_DASH.search(text):
        text = _SPACED_DASH.sub(_DASH, text)
        if after_text:
            text = _DASH_AT_START.sub(_DASH, text)
    text = (_NUMBER_UNIT_SPACE if no_tab else _NUMBER_UNIT).sub(NBSP, text)
    return _NUMERO.sub("№" + NBSP, text) if "№" in text else text


def _nest_quotes(tokens: Sequence[Token], quotes: str) -> None:
    """Quotes inside quotes take the inner pair: «a «b» c» -> «a „b“ c»."""
    outer_open, outer_close, inner_open, inner_close = quotes[0], quotes[1], quotes[2], quotes[3]
    depth = 0
    for token in tokens:
        if token.type != "text" or (outer_open not in token.content and outer_close not in token.content):
            continue
        content = token.content
        changed: list[int] = []
        # Only the quote characters matter: visit them alone, not every character of the text.
        for i in sorted(_positions(content, outer_open) + _positions(content, outer_close)):
            if content[i] == outer_open:
                depth += 1
                if depth > 1:
                    changed.append(i)
            elif depth > 0:
                if depth > 1:
                    changed.append(i)
                depth -= 1
        if changed:
            chars = list(content)
            for i in changed:
                chars[i] = inner_open if chars[i] == outer_open else inner_close
            token.content = "".join(chars)


def _positions(text: str, char: str) -> list[int]:
    """Where `char` is in `text`."""
    found = []
    i = text.find(char)
    while i >= 0:
        found.append(i)
        i = text.find(char, i + 1)
    return found


def _may_nest(source: str, quotes: str) -> bool:
    """Whether an inline block's text tokens can hold its outer quotes, from its Markdown source: they come from
    straight double quotes (`smartquotes`), from the characters themselves or from an entity (`&laquo;`).
    Most paragraphs of a news text have none, and `_nest_quotes` then has nothing to do."""
    if '"' in source or "&" in source or quotes[0] in source or quotes[1] in source:
        return True
    return "'" in source and (quotes[2] in quotes[:2] or quotes[3] in quotes[:2])  # (single quotes give the inner)


def _fix_inline(children: list[Token], quotes: str, nest: bool = True) -> None:
    inside_autolink = False
    previous: Token | None = None
    for token in children:
        if token.type == "link_open" and token.info == "auto":
            inside_autolink = True
        elif token.type == "link_close" and token.info == "auto":
            inside_autolink = False
        elif token.type == "text" and not inside_autolink and token.content:
            after_text = previous is not None and previous.type not in ("softbreak", "hardbreak")
            token.content = _fix_text(token.content, after_text=after_text)
        previous = token
    if nest:
        _nest_quotes(children, quotes)


def typography_rule(state: StateCore) -> None:
    """markdown-it core rule: what the typographer lacks (runs after `smartquotes`)."""
    if not state.md.options.typographer:
        return
    quotes = state.md.options.quotes
    for block in state.tokens:
        if block.type == "inline" and block.children:
            _fix_inline(block.children, quotes, _may_nest(block.content, quotes))
            for child in block.children:  # an image's alt text is a token tree the library leaves alone
                for part in child.children or ():
                    if part.type == "text":
                        part.content = _typeset(part.content, quotes)


def typography_plugin(md: MarkdownIt) -> None:
    """Turn on markdown-it's typographer and add the rules it lacks (`md.options.quotes` sets the quotes)."""
    md.options["typographer"] = True
    md.enable(["replacements", "smartquotes"])
    md.core.ruler.after("smartquotes", "typography", typography_rule)


@lru_cache(maxsize=16)
def _plain_md(quotes: str) -> MarkdownIt:
    return MarkdownIt("js-default", {"typographer": True, "quotes": quotes})


def typeset_text(text: str, lang: str) -> str:
    """Plain text (a title, a summary, a caption) with the typography of `lang`; never parsed as Markdown."""
    return _typeset(text, quotes_for(lang)) if text else text


@lru_cache(maxsize=8192)
def _typeset(text: str, quotes: str) -> str:
    md = _plain_md(quotes)
    state = StateCore("", md, {})
    inline = Token("inline", "", 0)
    inline.content = text  # the library's rules look at the block's text before its children
    inline.children = [Token("text", "", 0)]
    inline.children[0].content = text
    state.tokens = [inline]
    replacements_rule(state)
    smartquotes(state)
    typography_rule(state)
    return inline.children[0].content


def typeset_meta(meta: PageMeta, lang: str) -> PageMeta:
    """A page's front matter as readers see it: title, summary and photo caption typeset for `lang`."""
    image = meta.image
    if image is not None:
        image = replace(image, caption=typeset_text(image.caption, lang), alt=typeset_text(image.alt, lang))
    summary = typeset_text(meta.summary, lang) if meta.summary else meta.summary
    return replace(meta, title=typeset_text(meta.title, lang), summary=summary, image=image)
