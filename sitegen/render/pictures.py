"""Responsive `<picture>` markup for processed images, and the outputs that publish their files.

A picture offers WebP and a JPEG (PNG for transparency) fallback at every width processing made,
with `width`/`height` of the largest so the browser reserves the box before a byte arrives (no
layout shift). The lead photo loads at once with `fetchpriority="high"`; every other picture is
`loading="lazy"`. Files are published under `media/` with the picture's digest in their names, so
they can be cached for ever.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from sitegen.images import ImageInfo, ImageSet, Variant
from sitegen.render.output import Output

MEDIA_OUT = "media/"
SIZES = "(min-width: 44rem) 40rem, calc(100vw - 2rem)"
"""How wide a picture is shown: the article's measure (40rem), or the screen less the page margins."""


def media_url(base_path: str, info: ImageInfo, variant: Variant) -> str:
    """Root-relative URL of one variant: `/digest/media/rutte.3fa2b1c0d4.800.webp`."""
    return base_path + MEDIA_OUT + info.file_name(variant)


def largest(info: ImageInfo) -> Variant:
    """The widest fallback (JPEG/PNG) variant, or the SVG itself."""
    return info.variants[0] if info.is_svg else info.widths(info.fallback_mime)[-1]


def picture_html(info: ImageInfo, alt: str, base_path: str, *, lead: bool = False, title: str = "") -> Markup:
    """`<picture>` with WebP and fallback `srcset`s (an `<img>` for an SVG); `alt` may be empty."""
    e = escape
    big = largest(info)
    loading = ' fetchpriority="high"' if lead else ' loading="lazy"'
    extra = f' title="{e(title)}"' if title else ""
    box = f'width="{big.width}" height="{big.height}"'
    if info.is_svg:
        src = media_url(base_path, info, big)
        return Markup(f'<img src="{e(src)}" alt="{e(alt)}" {box}{loading} decoding="async"{extra}>')
    fallback = info.widths(info.fallback_mime)
    webp = info.widths("image/webp")

    def srcset(variants: list[Variant]) -> str:
        return ", ".join(f"{media_url(base_path, info, v)} {v.width}w" for v in variants)

    default = next((v for v in fallback if v.width >= 800), big)
    return Markup(
        f'<picture><source type="image/webp" srcset="{e(srcset(webp))}" sizes="{SIZES}">'
        f'<img src="{e(media_url(base_path, info, default))}" srcset="{e(srcset(fallback))}" sizes="{SIZES}" '
        f'alt="{e(alt)}" {box}{loading} decoding="async"{extra}></picture>'
    )


def image_outputs(images: ImageSet) -> list[Output]:
    """Every variant of every picture the site shows, as outputs backed by their cache files."""
    return [
        Output(
            out_path=MEDIA_OUT + info.file_name(variant),
            data=b"",
            source=f"image {info.stem} ({info.digest[:10]})",
            file=info.folder / variant.name,
        )
        for info in images.unique()
        for variant in info.variants
    ]
