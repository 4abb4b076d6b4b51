"""Decodes the bytes of a text file the user wrote: UTF-8 (BOM allowed), any newline style."""

from __future__ import annotations

from sitegen.errors import SitegenError, SourceError


def decode_text(raw: bytes, rel: str) -> tuple[str, SitegenError | None]:
    """UTF-8 text without BOM and with `\\n` newlines, or an error naming the first bad byte's line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        kind = "binary data" if b"\0" in raw[:8192] else "text that is not UTF-8"
        return "", SourceError(
            f"{kind}: byte 0x{raw[exc.start]:02x} cannot be decoded",
            path=rel,
            line=line,
            hint="save the file as UTF-8",
        )
    if "\0" in text:
        return "", SourceError(
            "binary data: NUL byte in a text file", path=rel, line=text[: text.index("\0")].count("\n") + 1
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None
