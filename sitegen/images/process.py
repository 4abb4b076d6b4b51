"""One image file -> the files a page shows: WebP and JPEG/PNG at a few widths and a 1200×630 sharing card.

Pillow decodes the file (refusing what is not an image, a truncated file and a decompression bomb
before it decodes a pixel), turns it upright by its EXIF orientation, converts it to sRGB, and
encodes every output from the pixels alone: no EXIF (so no GPS position), XMP, comments or colour
profile reaches the site. Widths are `WIDTHS` below the picture's own width, plus that width when
it is smaller than the largest: a picture is never enlarged. An SVG is checked (`svg.py`) and
published as it is.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.images.svg import SvgError, svg_size

if TYPE_CHECKING:  # Pillow is imported when a picture is processed: a build whose pictures are all in the image
    from PIL import Image  # cache never loads it (issue 18: a cached build's imports)

PROCESS_VERSION = 2
"""Part of every image's digest: bump it when the outputs for the same input change (quality, widths)."""
WIDTHS = (480, 800, 1200, 1600)
CARD_SIZE = (1200, 630)
"""Open Graph / Twitter `summary_large_image`: 1.91:1."""
MAX_PIXELS = 80_000_000
"""Larger pictures are refused before decoding (a 20,000×20,000 PNG of a few kB would take 1.6 GB)."""
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "TIFF", "BMP"})
WEBP_QUALITY = 76
JPEG_QUALITY = 82


class ImageProblem(Exception):
    """Why a file cannot be published as an image (the message names no file: the caller adds the page)."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One encoded output: its cache file name and what a `srcset` says of it."""

    name: str
    """`800.webp`, `card.jpg`, `original.svg`: the file inside the image's cache folder."""
    width: int
    height: int
    mime: str
    size: int
    """Bytes."""


@dataclass(frozen=True, slots=True)
class Processed:
    """What processing one picture made: its size upright, and every output."""

    width: int
    height: int
    variants: tuple[Variant, ...]


def process_image(data: bytes, write: Callable[[str, bytes], None]) -> Processed:
    """Decode `data`, write each output with `write(name, bytes)`; raise `ImageProblem` for a bad file."""
    if _looks_like_svg(data):
        try:
            width, height = svg_size(data)
        except SvgError as exc:
            raise ImageProblem(str(exc)) from None
        write("original.svg", data)
        return Processed(width, height, (Variant("original.svg", width, height, "image/svg+xml", len(data)),))
    from PIL import Image

    image = _open(data)
    image = _upright_srgb(image)
    alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    image.info = {}  # nothing of the source's metadata may reach an encoder
    width, height = image.size
    variants: list[Variant] = []
    widths = [w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]
    source = image
    largest: Image.Image | None = None
    for w in sorted(set(widths), reverse=True):  # largest first; each smaller one from the last
        h = max(1, round(height * w / width))
        scaled = source if (w, h) == source.size else source.resize((w, h), Image.Resampling.LANCZOS)
        scaled.info = {}
        variants.append(_encode(scaled, f"{w}.webp", "WEBP", write))
        variants.append(_encode(scaled, f"{w}.png" if alpha else f"{w}.jpg", "PNG" if alpha else "JPEG", write))
        largest = largest or scaled
        source = scaled
    # The card comes from the largest variant (at least 1200 wide when the picture is): a third of the work.
    variants.append(_encode(_card(largest or image), "card.jpg", "JPEG", write))
    return Processed(width, height, tuple(variants))


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:4096].lower()


def _open(data: bytes) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem(f"the picture is too large to decode safely (over {MAX_PIXELS:,} pixels)") from None
        except UnidentifiedImageError:
            raise ImageProblem("not an image file Pillow can read (JPEG, PNG, WebP, GIF, TIFF, BMP or SVG)") from None
    if image.format not in FORMATS:
        raise ImageProblem(f"{image.format} images are not supported; save it as JPEG, PNG or WebP")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageProblem(
            f"the picture is {width}×{height} pixels, more than {MAX_PIXELS:,} in all "
            "(a decompression bomb, or a picture far larger than a page needs)"
        )
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        truncated = "truncated" in str(exc)
        what = "the file is truncated (it ends before the picture does)" if truncated else f"cannot decode it: {exc}"
        raise ImageProblem(what) from None
    return image


def _upright_srgb(image: Image.Image) -> Image.Image:
    """EXIF orientation applied; pixels in sRGB when the file carries another colour profile."""
    from PIL import ImageCms, ImageOps

    upright = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    if profile and upright.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(upright, source, ImageCms.createProfile("sRGB"))
        except (ImageCms.PyCMSError, OSError, ValueError):
            return upright  # a broken profile: the pixels as they are
        if converted is not None:
            return converted
    return upright


def _card(image: Image.Image) -> Image.Image:
    """The sharing card: the middle of the picture cut to 1.91:1, 1200×630 unless the picture is smaller."""
    from PIL import Image, ImageOps

    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    width, height = image.size
    aspect = CARD_SIZE[0] / CARD_SIZE[1]
    crop = (round(height * aspect), height) if width / height > aspect else (width, round(width / aspect))
    size = CARD_SIZE if crop[0] >= CARD_SIZE[0] else (max(1, crop[0]), max(1, crop[1]))
    card = ImageOps.fit(image, size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    card.info = {}
    return card


def _encode(image: Image.Image, name: str, fmt: str, write: Callable[[str, bytes], None]) -> Variant:
    buffer = io.BytesIO()
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
        mime = "image/webp"
    elif fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        mime = "image/jpeg"
    else:
        image.save(buffer, "PNG", optimize=True)
        mime = "image/png"
    data = buffer.getvalue()
    write(name, data)
    return Variant(name, image.width, image.height, mime, len(data))
