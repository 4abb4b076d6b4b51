"""The Ukrainian text pipeline: normalisation, tokens, stop words and a light stemmer.

One pipeline for everything that compares words: the search index (lunr.py at build time, lunr.js in
the browser through `themes/default/static/js/uk-text.js`) and related stories. All of its data
(apostrophe variants, stress marks, letter folds, Latin look-alikes, stop words, stemmer endings) is in
`uk.json` beside this file, which the browser side reads too; the code on each side is a mechanical
mirror of the other, with no regex features beyond explicit character ranges (Python `re` and JS
regexes disagree on `\\w` and Unicode classes). `tests/browser/test_search_parity.py` proves that the
two sides give identical output. The design and its measurements: `shared/notes/search-uk.md` §2.5, §4.1.

    >>> terms("Переговорів з Україною не буде")
    ['переговор', 'україн', 'буд']
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["SPEC", "VERSION", "is_stop_word", "normalize", "spec_json", "stem", "term_counts", "terms", "tokenize"]


def _load_spec() -> dict[str, Any]:
    with resources.files(__package__).joinpath("uk.json").open(encoding="utf-8") as fh:
        spec: dict[str, Any] = json.load(fh)
    return spec


SPEC: dict[str, Any] = _load_spec()
"""The pipeline's data, exactly as in `uk.json`."""
VERSION: int = SPEC["version"]

# Deleted characters (stress marks, soft hyphen, zero-width characters, every apostrophe) and letter folds.
_DELETE = {int(code[2:], 16): None for code in SPEC["delete"]}
_FOLDS = str.maketrans(SPEC["folds"])
_DELETE_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _DELETE) + "]")
_FOLD_RE = re.compile("[" + "".join(re.escape(ch) for ch in SPEC["folds"]) + "]")
_NON_WORD = re.compile(f"[^{SPEC['word_chars']}]+")
_HAS_CYRILLIC = re.compile(f"[{SPEC['cyrillic_chars']}]")
_ONLY_CYRILLIC = re.compile(f"[{SPEC['cyrillic_chars']}]+")
_ONLY_LATIN = re.compile(f"[{SPEC['latin_chars']}]+")
_HOMOGLYPHS = str.maketrans(SPEC["homoglyphs"])
_HAS_HOMOGLYPH = re.compile("[" + "".join(re.escape(ch) for ch in SPEC["homoglyphs"]) + "]")
_STOP_WORDS = frozenset(SPEC["stop_words"])
_STEM = SPEC["stemmer"]
_MIN_LENGTH: int = _STEM["min_length"]
_REFLEXIVE: tuple[str, ...] = tuple(_STEM["reflexive"]["endings"])
_REFLEXIVE_KEEP: int = _STEM["reflexive"]["keep"]
_ENDINGS: list[tuple[str, int, str]] = [(ending, keep, after) for ending, keep, after in _STEM["endings"]]
_VOWELS: str = _STEM["vowels"]
_SOFT_SIGN: str = _STEM["soft_sign"]
_LABIALS: str = _STEM["labials"]
_DROP_AFTER_VOWEL: str = _STEM["drop_after_vowel"]
_ROUNDS: int = _STEM["rounds"]
_ALTERNATIONS: list[tuple[str, str]] = [(old, new) for old, new in _STEM["alternations"]]
_EN_LONGER_THAN: int = SPEC["stemmer"]["english"]["longer_than"]
_EN_RULES: list[tuple[str, str, tuple[str, ...]]] = [
    (suffix, replacement, tuple(unless)) for suffix, replacement, unless in SPEC["stemmer"]["english"]["rules"]
]


def _plain_codes() -> list[int]:
    """The characters for which deleting, then folding, equals the NFD/NFC round trip.

    Such a character is in NFC, is no combining mark, does not decompose into a deleted mark (`á`, `ѓ`
    do), and takes part in no canonical composition as its second half: so in a text made only of
    them, NFC(delete(NFD(text))) == delete(text) (tests/test_text.py fuzzes it).
    """
    ranges = [(0x20, 0x2FF), (0x400, 0x52F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F)]
    seconds: set[int] = set()
    for code in range(0x10000):  # (no character above the BMP composes with one in `ranges`)
        parts = unicodedata.decomposition(chr(code))
        if parts and not parts.startswith("<"):
            seconds.update(int(p, 16) for p in parts.split()[1:])
    plain = []
    for low, high in ranges:
        for code in range(low, high + 1):
            ch = chr(code)
            nfd = unicodedata.normalize("NFD", ch)
            if (
                unicodedata.is_normalized("NFC", ch)
                and not unicodedata.combining(ch)
                and code not in seconds
                and not any(ord(c) in _DELETE and c != ch for c in nfd)
                and not unicodedata.combining(nfd[0])
            ):
                plain.append(code)
    return plain


def _code_ranges(codes: list[int]) -> tuple[tuple[int, int], ...]:
    """Ascending code points as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return tuple(runs)


_PLAIN_RANGES = (
    (0x0020, 0x00BF), (0x00C2, 0x00C7), (0x00CA, 0x00CB), (0x00CE, 0x00D1), (0x00D4, 0x00D8), (0x00DB, 0x00DC),
    (0x00DE, 0x00DF), (0x00E2, 0x00E7), (0x00EA, 0x00EB), (0x00EE, 0x00F1), (0x00F4, 0x00F8), (0x00FB, 0x00FC),
    (0x00FE, 0x0105), (0x0108, 0x0138), (0x013B, 0x0142), (0x0145, 0x0153), (0x0156, 0x0159), (0x015C, 0x0178),
    (0x017B, 0x01D6), (0x01D9, 0x01DA), (0x01DD, 0x01F3), (0x01F6, 0x01F7), (0x0200, 0x02FF), (0x0401, 0x0402),
    (0x0404, 0x040B), (0x040E, 0x044F), (0x0451, 0x0452), (0x0454, 0x045B), (0x045E, 0x0482), (0x0488, 0x052F),
    (0x2002, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x2125), (0x2127, 0x2129), (0x212C, 0x214F),
)  # fmt: skip
"""`_code_ranges(_plain_codes())` as Unicode 14.0–15.1 (Python 3.11–3.13) and `uk.json`'s deleted characters
give it: working it out took 20–40 ms of every process start (a loop over the 65,536 characters of the BMP).
With another Unicode version or other deleted characters it is worked out again (tests/test_text.py compares)."""
_PLAIN_MADE_FOR = (("14.0.0", "15.0.0", "15.1.0"), frozenset(
    {0x27, 0x60, 0xAD, 0xB4, 0x2B9, 0x2BB, 0x2BC, 0x300, 0x301, 0x200B, 0x200C, 0x200D, 0x2018, 0x2019, 0x201B,
     0x2032, 0x2060, 0xFEFF, 0xFF07}
))  # fmt: skip


def _plain_ranges() -> tuple[tuple[int, int], ...]:
    """`_PLAIN_RANGES` when it holds for this Python's Unicode and `uk.json`, else worked out."""
    versions, deleted = _PLAIN_MADE_FOR
    if unicodedata.unidata_version in versions and deleted == _DELETE.keys():
        return _PLAIN_RANGES
    return _code_ranges(_plain_codes())


_PLAIN = re.compile(
    "[\n\t" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in _plain_ranges()) + "]*"
)


def normalize(text: str) -> str:
    """`text` lowercased, without stress marks, soft hyphens or apostrophes, with letters folded (ґ→г).

    Punctuation and spaces stay; `tokenize` splits on them. Order matters and is mirrored in JS:
    lowercase, decompose (NFD) so a stress mark is a separate character, delete, recompose (NFC), fold.
    (Most text is plain Cyrillic and Latin, where the round trip changes nothing but the deleted
    characters: then they are just deleted, which costs a twentieth, for the full-text index.)
    """
    return _normalize_lowered(text.lower())


def _normalize_lowered(lowered: str) -> str:
    """`normalize` of a text already lowercased."""
    if _PLAIN.fullmatch(lowered):
        return _FOLD_RE.sub(_fold, _DELETE_RE.sub("", lowered))
    decomposed = unicodedata.normalize("NFD", lowered).translate(_DELETE)
    return unicodedata.normalize("NFC", decomposed).translate(_FOLDS)


def _fold(match: re.Match[str]) -> str:
    folded: str = SPEC["folds"][match.group()]
    return folded


def _fix_token(token: str) -> str:
    """In a word with Cyrillic letters, Latin look-alikes (`K` in `Kиїв`) become Cyrillic."""
    # Same output as translating every Cyrillic word, but most have no look-alike to replace, and a
    # regex search costs far less than `str.translate` (a third of near-duplicate detection's time).
    if _HAS_HOMOGLYPH.search(token) and _HAS_CYRILLIC.search(token):
        return token.translate(_HOMOGLYPHS)
    return token


def tokenize(text: str) -> list[str]:
    """The normalised words of `text`, split on everything that is not a letter or a digit (dashes too)."""
    return [_fix_token(piece) for piece in _NON_WORD.split(normalize(text)) if piece]


def is_stop_word(token: str) -> bool:
    """Whether a normalised token is a function word that search and similarity ignore."""
    return token in _STOP_WORDS


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The stem of one normalised token: Ukrainian endings off (uk-light), English plurals off, else as is.

    uk-light 2 takes off a reflexive ending and at most one inflection, then tidies the stem so that
    the forms of a word meet (final vowels, a past-tense л or в, an infinitive т, a fleeting vowel: `uk.json`
    says how). Only purely Cyrillic words are stemmed that way; purely Latin words lose a plural `s`
    (Harman's S-stemmer); the rest is unchanged.
    """
    if _ONLY_CYRILLIC.fullmatch(token):
        return _stem_uk(token)
    if _ONLY_LATIN.fullmatch(token):
        return _stem_en(token)
    return token


def _strip_vowels(word: str) -> str:
    while len(word) > 3 and word[-1] in _VOWELS:
        word = word[:-1]
    return word


def _stem_uk(word: str) -> str:
    """uk-light 2: the steps of `uk.json`'s `stemmer.comment`, in that order (uk-text.js mirrors them)."""
    if len(word) < _MIN_LENGTH:
        return word
    for ending in _REFLEXIVE:
        if word.endswith(ending) and len(word) - len(ending) >= _REFLEXIVE_KEEP:
            word = word[: -len(ending)]
            break
    for ending, keep, after in _ENDINGS:
        rest = len(word) - len(ending)
        if rest >= keep and word.endswith(ending) and (not after or word[rest - 1] in after):
            word = word[:rest]
            break
    if len(word) > 3 and word[-1] == _SOFT_SIGN:
        word = word[:-1]
    word = _strip_vowels(word)
    for _ in range(_ROUNDS):
        if len(word) > 4 and word[-1] == "л" and word[-2] in _LABIALS:
            word = word[:-1]
        if len(word) > 4 and word[-1] in _DROP_AFTER_VOWEL and word[-2] in _VOWELS:
            word = _strip_vowels(word[:-1])
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    if len(word) > 4:
        for old, new in _ALTERNATIONS:
            if word.endswith(old):
                return word[: -len(old)] + new
    return word


def _stem_en(word: str) -> str:
    if len(word) <= _EN_LONGER_THAN:
        return word
    for suffix, replacement, unless in _EN_RULES:
        if word.endswith(suffix) and not word.endswith(unless):
            return word[: -len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    """The stems of `text`'s words, stop words left out, in text order (repeats kept).

    `[stem(t) for t in tokenize(text) if t not in _STOP_WORDS]`, each distinct white-space piece through
    the pipeline once (`_TERMS_OF_PIECE`, shared with `term_counts`, whose docstring says why the pieces
    give the same terms): near-duplicate detection takes the terms of every article's body.
    """
    found: list[str] = []
    for piece_terms in _pieces_terms(text.lower().split()):
        if type(piece_terms) is str:
            found.append(piece_terms)
        elif piece_terms is not None:
            found.extend(piece_terms)
    return found


PieceTerms = str | tuple[str, ...] | None
"""The terms of a piece of text: one (most pieces), several, or none (stop words, punctuation)."""
_TERMS_OF_PIECE: dict[str, PieceTerms] = {}
"""Piece of lowercased text between white space -> its terms; the full-text index asks for the same few
thousand pieces in every article, so each goes through the pipeline once per process."""
_SEVERAL: set[tuple[str, ...]] = set()
"""The values of `_TERMS_OF_PIECE` that are several terms."""
_PIECES_LIMIT = 200_000


def _piece_terms(piece: str) -> PieceTerms:
    found = [
        stem(token)
        for token in (_fix_token(word) for word in _NON_WORD.split(_normalize_lowered(piece)) if word)
        if token not in _STOP_WORDS
    ]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    several = tuple(found)
    _SEVERAL.add(several)
    return several


def _pieces_terms(pieces: list[str]) -> Iterator[PieceTerms]:
    """The terms of each piece, in order, every new piece through the pipeline once (into `_TERMS_OF_PIECE`)."""
    terms_of = _TERMS_OF_PIECE
    new = set(pieces).difference(terms_of)
    if new:
        if len(terms_of) + len(new) > _PIECES_LIMIT:
            terms_of.clear()
            _SEVERAL.clear()
            new = set(pieces)
        for piece in new:
            terms_of[piece] = _piece_terms(piece)
    return map(terms_of.__getitem__, pieces)


def term_counts(text: str) -> dict[str, int]:
    """How often each term of `terms(text)` occurs: `Counter(terms(text))` (a `Counter`, in an order that
    depends on the text alone: the terms of one-term pieces as they first occur, then the others).

    The search index counts the terms of every article's whole body with it, so it splits the
    lowercased text on white space only (`str.split`, in C) and maps each piece (a word with its
    punctuation, mostly) to its terms through `_TERMS_OF_PIECE`: a piece goes through the pipeline
    once per process, and nearly every piece of an article has been seen before, so the mapping and
    counting run in C (`map`, `Counter`). This gives `terms`' very terms because a white space
    character survives `normalize` as a non-word character and takes no part in its Unicode
    normalisation (it is a starter that neither composes nor decomposes into anything that does), so
    normalising the pieces one by one and splitting them gives what normalising and splitting the
    whole gives (tests/test_text.py checks the characters and compares the two on random texts).
    """
    counted: Counter[PieceTerms] = Counter(_pieces_terms(text.lower().split()))
    counted.pop(None, None)
    for several in sorted(_SEVERAL.intersection(counted)):  # (sorted: the same order in every process)
        n = counted.pop(several)
        for term in several:
            counted[term] += n
    return counted  # type: ignore[return-value]  # (every key left is one term)


def spec_json() -> str:
    """`uk.json` as compact JSON, for the browser side (it travels inside the search index file)."""
    return json.dumps(SPEC, ensure_ascii=False, separators=(",", ":"))
