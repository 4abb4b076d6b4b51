"""No draft and no future-dated page appears in any built file (reliability.md §3.6).

The unpublished pages are found from the sources themselves (every page with `draft: true` or
a date after now), not from the model the build used, so a filter that forgot one is caught.
Each built text file (pages, tag pages, feeds, sitemap, search index) is searched for each such
page's title and URL, after undoing HTML, XML and JSON escapes.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitegen.check.built import BuiltSite, Unpublished
from sitegen.content.model import Page
from sitegen.content.typography import typeset_text
from sitegen.errors import CheckError
from sitegen.render.search_files import PACKED_SUFFIX

TEXT_SUFFIXES = (".html", ".xml", ".json", ".js", ".txt", ".webmanifest", PACKED_SUFFIX)
MIN_TITLE_CHARS = 16
"""Shorter titles are not searched by title (a one-word title would match ordinary text); URLs always are."""
SHOWN_FILES = 5

_JSON_ESCAPES = re.compile(r"\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})*")
"""A run of `\\uXXXX` escapes: a word of Cyrillic text in JSON written with `ensure_ascii`."""
_SPACE = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def _unescape_json(match: re.Match[str]) -> str:
    """The characters of a run of `\\uXXXX` escapes, surrogate pairs joined (a lone surrogate stays as it is)."""
    units = match.group(0).encode("ascii").decode("unicode_escape")
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def plain_text(text: str) -> str:
    """`text` with HTML/XML entities and JSON `\\uXXXX`, `\\"`, `\\/` escapes undone.

    Runs of white space are left as they are: a title is looked for with any run of white space
    between its words (collapsing the spaces of every built file took most of this check's time).
    """
    text = html.unescape(text)  # (returns the text itself when it has no `&`)
    if "\\" in text:
        text = _JSON_ESCAPES.sub(_unescape_json, text).replace('\\"', '"').replace("\\/", "/")
    return text


class _LiveText:
    """Whether a published page writes a text: its title, summary, body or curator's note, typeset.

    Titles are typeset (quotes, dashes), so the text they are compared with is typeset the same way;
    typesetting every body took most of this check's time, so only the pages whose raw text holds every
    word of the title are typeset (typesetting changes punctuation and spaces, never letters).
    """

    def __init__(self, live: list[Page]) -> None:
        self.live = live
        raw = [f"{p.title}\n{p.meta.summary or ''}\n{p.body}\n{p.meta.curator_note or ''}" for p in live]
        self.starts = list(itertools.accumulate((len(r) + 1 for r in raw), initial=0))
        self.raw = "\n".join(raw)
        self.typeset: dict[int, str] = {}
        self.letters: dict[int, str] = {}

    def _text(self, index: int) -> str:
        text = self.typeset.get(index)
        if text is None:
            p = self.live[index]
            text = self.typeset[index] = _SPACE.sub(" ", f"{p.title}\n{p.meta.summary or ''}\n") + _SPACE.sub(
                " ", typeset_text(f"{p.body}\n{p.meta.curator_note or ''}", p.lang)
            )
        return text

    def contains(self, title: str) -> bool:
        words = sorted(set(_LETTERS.findall(title)), key=len, reverse=True)
        if not words:
            return any(title in self._text(index) for index in range(len(self.live)))
        # Most likely first: the pages that hold the title's letters in a row (typesetting only changes what is
        # between them, save `(c)` and the like, so this orders the pages and leaves none out); a title that a
        # page writes is found there without typesetting or even reading the others.
        letters = _NOT_LETTERS.sub("", title)
        unlikely: list[int] = []
        for index in self._candidates(words):
            if letters in self._letters(index):
                if title in self._text(index):
                    return True
            else:
                unlikely.append(index)
        return any(title in self._text(index) for index in unlikely)

    def _candidates(self, words: list[str]) -> Iterator[int]:
        """The pages whose raw text holds every one of `words` (longest first), in order."""
        at = self.raw.find(words[0])
        while at != -1:
            index = bisect.bisect_right(self.starts, at) - 1
            raw = self._raw(index)
            if all(word in raw for word in words[1:]):
                yield index
            at = self.raw.find(words[0], self.starts[index + 1])

    def _letters(self, index: int) -> str:
        """The page's raw text without anything but letters (asked for each title found: kept)."""
        found = self.letters.get(index)
        if found is None:
            found = self.letters[index] = _NOT_LETTERS.sub("", self._raw(index))
        return found

    def _raw(self, index: int) -> str:
        return self.raw[self.starts[index] : self.starts[index + 1]]


@dataclass
class _Search:
    """What the leak search looks for: each unpublished page's title and URL, as one pattern."""

    unpublished: list[Unpublished]
    live: list[Page]
    titles: dict[str, list[int]]
    """Titles long enough to search by -> the unpublished pages (indexes) with that title."""
    needles: dict[str, list[int]]
    """Titles and URLs (without the base path) -> the unpublished pages with it."""
    pattern: re.Pattern[str] | None


def _search(built: BuiltSite) -> _Search | None:
    pages = built.unpublished_pages()
    if pages is None:
        return None
    unpublished = list(pages)
    if not unpublished:
        return None
    base = built.base_path
    # A published page may share a title (or, with drafts left out, a URL) with an unpublished one.
    hidden = {item.id for item in unpublished}
    live = [p for p in built.site.pages.values() if p.id not in hidden]
    live_urls = {p.url[len(base) :] for p in live}
    titles: dict[str, list[int]] = defaultdict(list)
    needles: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(unpublished):
        title = _SPACE.sub(" ", item.title).strip()
        if len(title) >= MIN_TITLE_CHARS:
            titles[title].append(i)
            needles[title].append(i)
        url = item.url[len(base) :]
        if url not in live_urls:
            needles[url].append(i)
    pattern = re.compile(_trie_pattern(list(needles))) if needles else None
    return _Search(unpublished, live, titles, needles, pattern)


def _trie_pattern(needles: list[str]) -> str:
    """A pattern matching any of `needles`, the longest where several match at one place, a space as any white space.

    Written as a trie (`ab|ac` as `a(?:b|c)`): one alternative of 100 titles and URLs tried at every
    character of every built file took most of this check's time on a large site.
    """
    trie: dict[str, Any] = {}
    for needle in needles:
        node = trie
        for char in needle:
            node = node.setdefault(char, {})
        node[""] = {}  # a needle ends here

    def branch(node: dict[str, Any]) -> str:
        ends = "" in node
        arms = [(r"\s+" if char == " " else re.escape(char)) + branch(child) for char, child in node.items() if char]
        if not arms:
            return ""
        body = arms[0] if len(arms) == 1 else "(?:" + "|".join(arms) + ")"
        if ends:  # a longer needle goes on from here: try it first, else this one ends here
            return "(?:" + body + ")?" if len(arms) == 1 else body + "?"
        return body

    return branch(trie)


def text_files(built: BuiltSite) -> list[str]:
    """The built files the leak search reads, in order."""
    return sorted(rel for rel in built.files if rel.endswith(TEXT_SUFFIXES))


def scan_leaks(built: BuiltSite, files: list[str], search: _Search | None) -> dict[str, list[str]]:
    """Each title or URL of an unpublished page found in the built text files `files` -> those files, in order."""
    found_in: dict[str, list[str]] = defaultdict(list)
    if search is None or search.pattern is None:
        return found_in
    for rel in files:
        for found in set(search.pattern.findall(plain_text(built.read_text(rel)))):
            found_in[_SPACE.sub(" ", found)].append(rel)
    return found_in


def report_leaks(built: BuiltSite, found_in: dict[str, list[str]], search: _Search | None) -> list[CheckError]:
    """One problem per unpublished page that shows up in the built files (`found_in`), naming the files."""
    if search is None:
        return []
    unpublished, titles, needles = search.unpublished, search.titles, search.needles
    live_files = {p.out_path for p in search.live}
    leaks: dict[int, list[str]] = defaultdict(list)
    for i, item in enumerate(unpublished):
        if item.out_path in built.files and item.out_path not in live_files:
            leaks[i].append(item.out_path)
    # A title that a published page also writes (its own title, or a sentence of its text) cannot tell a
    # leak from that page: such drafts are looked for by URL only. Asked only of the titles found at all.
    written = _LiveText(search.live).contains if found_in.keys() & titles.keys() else None
    extra: dict[int, set[str]] = defaultdict(set)
    for needle, files in found_in.items():
        pages = needles[needle]
        if needle in titles and written is not None and written(needle):
            pages = [i for i in pages if i not in titles[needle]]
        for i in pages:
            extra[i].update(files)
    for i, more in extra.items():
        leaks[i].extend(sorted(more.difference(leaks[i])))
    problems = []
    for i, files in sorted(leaks.items()):
        item = unpublished[i]
        shown = ", ".join(files[:SHOWN_FILES]) + (
            f" and {len(files) - SHOWN_FILES} more" if len(files) > SHOWN_FILES else ""
        )
        problems.append(
            CheckError(
                f'{item.reason} "{item.title}" ({item.url}) appears in the built site: {shown}',
                path=item.id,
                line=item.line,
                hint="find the template or build step that shows it and make it skip unpublished pages",
            )
        )
    return problems


def check_leaks(built: BuiltSite) -> list[CheckError]:
    """One problem per unpublished page that shows up in the built files, naming the files."""
    search = _search(built)
    return report_leaks(built, scan_leaks(built, text_files(built), search), search)
