"""The one family of user errors: each knows where it happened and formats itself.

Only `cli.py` turns a `SitegenError` into exit status 1; anything else that escapes is a bug
and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path


class SitegenError(Exception):
    """A problem the user can fix: bad input, a refused operation, a broken template."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        source_line: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        self.source_line = source_line

    def location(self) -> str:
        """`path:line:col` as far as it is known (empty when nothing is)."""
        parts = [self.path or ""]
        if self.path and self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """One line `path:line:col: message (hint)`, then the source line, indented."""
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        if self.source_line is not None and self.source_line.strip():
            shown = self.source_line.rstrip()
            text += "\n    " + (shown if len(shown) <= 120 else shown[:117] + "...")
        return text

    def __str__(self) -> str:
        return self.format()


class SourceError(SitegenError):
    """A problem in a source file under `seeds/`."""


class FrontMatterError(SourceError):
    """Front matter that cannot be read or does not follow the contract."""


class RawArticleError(SitegenError):
    """A raw scraped article that `sitegen import` cannot turn into a page."""


class ConfigError(SitegenError):
    """A problem in `sitegen.yaml` or with the theme it names."""


class TemplateError(SitegenError):
    """A theme template that does not compile or fails while rendering a page."""


class OutputError(SitegenError):
    """A refused or failed write of the built site."""


class CheckError(SitegenError):
    """A problem `sitegen check` found in the built site (broken link, leaked draft, bad feed)."""


class PublishError(SitegenError):
    """A refused or failed `sitegen publish`: the target was left as it was."""


class ServeError(SitegenError):
    """`sitegen serve` cannot start (the port is in use, the address is wrong)."""


class ErrorList(SitegenError):
    """Several user errors of one run, reported together, in a stable order."""

    def __init__(self, errors: Sequence[SitegenError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problems")

    def format(self) -> str:
        if len(self.errors) == 1:
            return self.errors[0].format()
        lines = [f"{len(self.errors)} problems:"]
        lines += [f"  {i}. " + e.format().replace("\n", "\n     ") for i, e in enumerate(self.errors, 1)]
        return "\n".join(lines)


def raise_all(errors: Iterable[SitegenError]) -> None:
    """Raise the collected errors at once: the single error itself, or an `ErrorList`."""
    found = list(errors)
    if len(found) == 1:
        raise found[0]
    if found:
        raise ErrorList(found)


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """`did you mean 'tags'?` for a misspelt key or name, when one of `known` is close enough."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def site_relative(path: Path, site_dir: Path) -> str:
    """A path as messages show it: relative to `site_dir` (`seeds/2026/02/a.md`), else as it is.

    Tried as given, then with links resolved (a theme folder reached through a symlink). The one
    helper for this: every message names a file relative to the site (STYLE.md §9.3).
    """
    for candidate, base in ((path, site_dir), (path.resolve(), site_dir.resolve())):
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return path.as_posix()
