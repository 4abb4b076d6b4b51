"""Which image files the pages name, and where each one is on disk.

A page names images in two places: `image: {src: …}` in its front matter (the lead photo) and
`![alt](photo.jpg)` in its body. `src` is a path relative to the page's file, else relative to the
site's `media/` folder; it never leaves the site folder. Remote images (`https://…`) are refused:
every image is a file of the site, processed at build time, so a page view asks no other server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from sitegen.content.pictures import BodyImage, body_images
from sitegen.errors import SitegenError, SourceError, site_relative

__all__ = ["BodyImage", "ImageRef", "body_images", "resolve_image"]

MEDIA_DIR = "media"
_WINDOWS_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """One place a page names an image: its text as written and the line it is on."""

    owner: str
    """The file that names it: `seeds/2026/02/x.md`, or `sitegen.yaml` for the site's default image."""
    src: str
    """As written (`photo.jpg`), before any URL encoding."""
    line: int | None
    field: str
    """`image` (front matter), `body` (a Markdown image) or a `sitegen.yaml` key."""


def resolve_image(site_dir: Path, ref: ImageRef) -> Path:
    """The file `ref` names: beside its page first, then under `media/`; a `SourceError` when none is.

    Refused: remote URLs, absolute paths, and any path (or symlink) that leads out of the site folder.
    """
    src = ref.src.strip()
    parts = urlsplit(src)
    if parts.scheme or src.startswith("//"):
        raise _error(
            ref,
            f"{src} is not a file of the site: images are processed at build time and served by the site itself",
            "save the picture beside the page (or under media/) and write its file name",
        )
    path_text = parts.path if (parts.query or parts.fragment) else src
    if not path_text or path_text.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(path_text):
        raise _error(ref, f"{src}: write a path relative to the page or to media/, not an absolute one")
    rel = PurePosixPath(path_text.replace("\\", "/"))
    root = site_dir.resolve()
    owner_dir = (site_dir / ref.owner).parent
    tried = []
    for base in (owner_dir, site_dir / MEDIA_DIR) if ref.owner.startswith("seeds/") else (site_dir,):
        candidate = base.joinpath(*rel.parts)
        tried.append(candidate)
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            raise _error(ref, f"{src} leads out of the site folder", "keep images inside the site folder")
        if resolved.is_file():
            return resolved
    shown = " or ".join(site_relative(p, site_dir) for p in tried)
    raise _error(ref, f"no image file {src} (looked for {shown})", "check the file name, or add the file")


def _error(ref: ImageRef, message: str, hint: str | None = None) -> SitegenError:
    prefix = "image" if ref.field == "body" else ref.field
    return SourceError(f"{prefix}: {message}", path=ref.owner, line=ref.line, hint=hint)
