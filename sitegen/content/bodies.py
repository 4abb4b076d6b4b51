"""`BodySource`: where an article's Markdown body is, so a large build need not hold every body in memory.

`sitegen build` keeps no bodies in its model (at 100,000 articles they were 2.7 GiB of the main
process): a page knows its file, where its body starts in the decoded text, and the digest of the
text the loader read. Whoever needs the body (the render workers, the picture scan) reads the file
again; if its text is not the one the loader saw, the page was edited during the build, and that is
an error naming the file, never a page made of two versions. Pages built from texts in memory
(`serve`, `check`, tests) keep their body inline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.content.pictures import BodyImage, body_images
from sitegen.errors import SourceError
from sitegen.textio import decode_text


def text_digest(text: str) -> str:
    """What a source text (or a body) is compared by."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class BodySource:
    """An article's Markdown body: inline, or a place in its source file. Compared by the body's digest only."""

    digest: str
    """`text_digest` of the body: two pages with equal bodies compare equal wherever the bodies are kept."""
    inline: str | None = field(default=None, compare=False, repr=False)
    """The body itself, when it is kept in memory."""
    path: Path | None = field(default=None, compare=False)
    """The source file, when the body is read from it."""
    rel_path: str = field(default="", compare=False)
    """For errors: `seeds/2026/02/x.md`."""
    start: int = field(default=0, compare=False)
    """Where the body starts in the file's decoded text (characters)."""
    source_digest: str = field(default="", compare=False)
    """`text_digest` of the whole decoded text the loader read."""
    images: tuple[BodyImage, ...] | None = field(default=None, compare=False, repr=False)
    """Its Markdown images, lines counted from the body's first line as 0 (recorded when loaded, so the picture
    scan reads no body again; a function of the body alone, like `digest`). `None`: not recorded."""

    @classmethod
    def kept(cls, body: str) -> BodySource:
        """A body held in memory."""
        return cls(text_digest(body), inline=body, images=tuple(body_images(body, 0)))

    @classmethod
    def on_disk(cls, path: Path, rel_path: str, text: str, body: str, source_digest: str) -> BodySource:
        """The body of `text` (the decoded text of `path`, whose suffix it is), to be read from the file again."""
        return cls(
            text_digest(body),
            path=path,
            rel_path=rel_path,
            start=len(text) - len(body),
            source_digest=source_digest,
            images=tuple(body_images(body, 0)),
        )

    def images_at(self, body_line: int) -> list[BodyImage]:
        """Its Markdown images with file lines (`body_line`: the file line of the body's first line)."""
        if self.images is None:
            return body_images(self.text(), body_line)
        return [BodyImage(i.src, body_line + i.line, i.alt) for i in self.images]

    def text(self) -> str:
        """The Markdown body; raises `SourceError` when the file is no longer the text the loader read."""
        if self.inline is not None:
            return self.inline
        assert self.path is not None, "a body neither inline nor on disk"
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise self._changed(f"it cannot be read again ({exc.strerror})") from None
        text, problem = decode_text(raw, self.rel_path)
        if problem is not None or text_digest(text) != self.source_digest:
            raise self._changed("its text is not the one read when the build began")
        return text[self.start :]

    def _changed(self, what: str) -> SourceError:
        return SourceError(
            f"the file changed while the site was being built: {what}",
            path=self.rel_path,
            hint="build again once the edit is saved; the previous site was left as it was",
        )
