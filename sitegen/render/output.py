"""`Output`: one file of the built site, as bytes, and what produced it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Output:
    """A file to write: its path under the output folder, its bytes, and its source for errors."""

    out_path: str
    """`2026/02/x/index.html`, `feed.xml`; always `/`-separated and relative."""
    data: bytes
    source: str
    """What produced it: a page's source path, `theme:css/style.css`, `tags`, …"""
    file: Path | None = None
    """A file whose bytes are the output (a processed image in the cache, a file of `static/`); `data` is
    then empty. Large files are copied by the writer, never held in memory by the build."""
    digest: str | None = None
    """Set once the bytes are on disk (streamed to the staging folder, or kept from the previous build's
    output folder): `data` is then empty, and this names the bytes (`output.staging.digest_of`)."""

    def read(self) -> bytes:
        """The output's bytes, from `data` or from its file."""
        assert self.digest is None, "the bytes of a streamed output are on disk"
        return self.data if self.file is None else self.file.read_bytes()
