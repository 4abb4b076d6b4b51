"""Pictures: processed outputs and their markup, metadata stripped, the cache, bad files, `static/`."""

from __future__ import annotations

import io
import os
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from sitegen.build import BuildOptions, build
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.images import ImagePreparer
from sitegen.images.store import image_cache_dir
from tests.conftest import tree_digest

PAGE = """\
---
title: "Фото дня"
date: 2026-02-12T18:10:00+02:00
slug: a
image: {src: photo.jpg, alt: "Трибуна", caption: "Підпис", credit: "Автор"}
---
Перший абзац.

![Друге фото](media-photo.png)
"""


def jpeg(size: tuple[int, int] = (3000, 2000), *, exif: Image.Exif | None = None) -> bytes:
    image = Image.new("RGB", size, (40, 90, 160))
    for x in range(0, size[0], 97):  # some detail, so the encoders have something to do
        image.paste((230, 200, 40), (x, 0, x + 30, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif or Image.Exif())
    return buffer.getvalue()


def png_with_alpha(size: tuple[int, int] = (900, 600)) -> bytes:
    image = Image.new("RGBA", size, (200, 30, 30, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG whose header claims width×height pixels, a few hundred bytes on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def photo_site(make_site, photo: bytes | None = None, page: str = PAGE) -> Path:
    site = make_site(f"-- seeds/2026/02/a.md --\n{page}")
    # (by default a photo wider than 800 px, so it has several widths: a small one is a third of the work of
    # the 1700 px one before; a test of the largest width passes its own)
    (site / "seeds/2026/02/photo.jpg").write_bytes(photo if photo is not None else jpeg((1000, 600)))
    (site / "media").mkdir()
    (site / "media/media-photo.png").write_bytes(png_with_alpha())
    return site


def variants(out: Path, pattern: str) -> dict[str, tuple[int, int]]:
    found = {}
    for path in sorted((out / "media").iterdir()):
        if re.fullmatch(pattern, path.name):
            with Image.open(path) as image:
                found[path.name.split(".", 2)[2]] = image.size
    return found


def test_images_lead_photo_becomes_responsive_picture(make_site) -> None:
    out = build(photo_site(make_site, jpeg((3000, 2000)))).out_dir
    sizes = variants(out, r"photo\.[0-9a-f]{10}\..*")
    assert sizes == {
        "480.webp": (480, 320), "480.jpg": (480, 320), "800.webp": (800, 533), "800.jpg": (800, 533),
        "1200.webp": (1200, 800), "1200.jpg": (1200, 800), "1600.webp": (1600, 1067), "1600.jpg": (1600, 1067),
        "card.jpg": (1200, 630),
    }  # fmt: skip
    html = (out / "2026/02/a/index.html").read_text("utf-8")
    [lead] = re.findall(r'<figure class="photo lead-photo">\s*(<picture>.*?</picture>)', html, re.S)
    assert '<source type="image/webp" srcset="/media/photo.' in lead and " 1600w" in lead and " 480w" in lead
    assert 'width="1600" height="1067"' in lead and 'fetchpriority="high"' in lead and "loading=" not in lead
    assert 'alt="Трибуна"' in lead
    body_picture = html.split('<div class="article-body">', 1)[1]
    assert 'loading="lazy"' in body_picture and "fetchpriority" not in body_picture


def test_images_are_never_enlarged_and_keep_transparency(make_site) -> None:
    site = photo_site(make_site, jpeg((600, 400)))
    out = build(site).out_dir
    assert variants(out, r"photo\..*") == {
        "480.webp": (480, 320), "480.jpg": (480, 320), "600.webp": (600, 400), "600.jpg": (600, 400),
        "card.jpg": (600, 315),
    }  # fmt: skip
    png = variants(out, r"media-photo\..*")
    assert set(png) == {"480.webp", "480.png", "800.webp", "800.png", "900.webp", "900.png", "card.jpg"}
    with Image.open(next((out / "media").glob("media-photo.*.900.png"))) as image:
        assert image.mode == "RGBA"


def test_images_exif_orientation_applied_and_metadata_stripped(make_site) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (50.0, 27.0, 1.5), 3: "E", 4: (30.0, 31.0, 2.5)}  # GPS: Kyiv
    source = jpeg((1800, 1200), exif=exif)
    with Image.open(io.BytesIO(source)) as original:
        assert original.getexif().get_ifd(0x8825)  # the input does carry a position
    out = build(photo_site(make_site, source)).out_dir
    sizes = variants(out, r"photo\..*")
    assert sizes["1200.jpg"] == (1200, 1800)  # portrait: turned upright
    for path in (out / "media").glob("photo.*"):
        data = path.read_bytes()
        assert b"SecretCam" not in data and b"Exif" not in data and b"GPS" not in data, path.name
        with Image.open(path) as image:
            assert not image.getexif() and "icc_profile" not in image.info, path.name


def test_images_come_from_the_cache_on_the_next_build(make_site) -> None:
    site = photo_site(make_site)
    config = load_config(site)
    from sitegen.build import load_site

    _, model = load_site(site, BuildOptions())
    first = ImagePreparer(config, workers=2)
    first.prepare(model)
    assert first.processed == 2
    again = ImagePreparer(config, workers=2)
    again.prepare(model)
    assert again.processed == 0
    out = build(site).out_dir
    before = tree_digest(out / "media")
    # a damaged entry is never trusted: it is made again, with the same bytes
    entry = next(p for p in image_cache_dir(site).iterdir() if (p / "800.jpg").exists())
    (entry / "800.jpg").write_bytes(b"\xff\xd8 half")
    third = ImagePreparer(config)
    third.prepare(model)
    assert third.processed == 1
    assert tree_digest(build(site).out_dir / "media") == before


def test_images_bad_files_are_all_reported_and_the_site_is_kept(make_site) -> None:
    body = "\n".join(
        [
            "Текст.",
            "",
            "![немає](missing.jpg)",
            "",
            "![текст](not-image.jpg)",
            "",
            "![обрізане](truncated.jpg)",
            "",
            "![бомба](bomb.png)",
            "",
            "![скрипт](script.svg)",
            "",
            "![далеко](https://example.com/x.jpg)",
            "",
            "![втеча](../../../../etc/passwd)",
        ]
    )
    good = jpeg((800, 600))
    site = photo_site(make_site)
    out = build(site).out_dir
    before = tree_digest(out)
    page = site / "seeds/2026/02/a.md"
    page.write_text(PAGE.replace("Перший абзац.", body), "utf-8")
    folder = page.parent
    (folder / "not-image.jpg").write_text("це текст, а не картинка", "utf-8")
    (folder / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (folder / "bomb.png").write_bytes(png_bomb())
    (folder / "script.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>', "utf-8"
    )
    with pytest.raises(SitegenError) as caught:
        build(site)
    messages = [e.format().split("\n")[0] for e in caught.value.errors]  # type: ignore[attr-defined]
    assert messages == [
        "seeds/2026/02/a.md:9: image: no image file missing.jpg (looked for seeds/2026/02/missing.jpg or "
        "media/missing.jpg) (check the file name, or add the file)",
        "seeds/2026/02/a.md:11: image: not-image.jpg: not an image file Pillow can read (JPEG, PNG, WebP, GIF, "
        "TIFF, BMP or SVG) (replace the file with a JPEG, PNG or WebP picture (or a safe SVG))",
        "seeds/2026/02/a.md:13: image: truncated.jpg: the file is truncated (it ends before the picture does) "
        "(replace the file with a JPEG, PNG or WebP picture (or a safe SVG))",
        "seeds/2026/02/a.md:15: image: bomb.png: the picture is too large to decode safely (over 80,000,000 "
        "pixels) (replace the file with a JPEG, PNG or WebP picture (or a safe SVG))",
        "seeds/2026/02/a.md:17: image: script.svg: the SVG contains <script>, which could run code; remove it "
        "(replace the file with a JPEG, PNG or WebP picture (or a safe SVG))",
        "seeds/2026/02/a.md:19: image: https://example.com/x.jpg is not a file of the site: images are processed "
        "at build time and served by the site itself (save the picture beside the page (or under media/) and "
        "write its file name)",
        "seeds/2026/02/a.md:21: image: ../../../../etc/passwd leads out of the site folder (keep images inside "
        "the site folder)",
    ]
    assert tree_digest(out) == before


def test_images_safe_svg_is_published_as_it_is(make_site) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><rect width="120" height="60"/></svg>'
    site = photo_site(make_site, page=PAGE.replace("media-photo.png", "chart.svg"))
    (site / "seeds/2026/02/chart.svg").write_bytes(svg)
    out = build(site).out_dir
    [published] = (out / "media").glob("chart.*.svg")
    assert published.read_bytes() == svg
    html = (out / "2026/02/a/index.html").read_text("utf-8")
    assert f'<img src="/media/{published.name}" alt="Друге фото" width="120" height="60" loading="lazy"' in html


def test_images_lead_photo_reaches_feeds_and_json_ld(make_site) -> None:
    out = build(photo_site(make_site, jpeg((1700, 1000)))).out_dir
    atom = (out / "feed.xml").read_text("utf-8")
    assert re.search(r'<media:content url="https://example.org/media/photo\.\w+\.1600\.jpg" medium="image" '
                     r'type="image/jpeg" width="1600" height="941" ?/>', atom)  # fmt: skip
    assert 'xmlns:media="http://search.yahoo.com/mrss/"' in atom
    import json

    item = json.loads((out / "feed.json").read_text("utf-8"))["items"][0]
    assert re.fullmatch(r"https://example.org/media/photo\.\w+\.1600\.jpg", item["image"])
    assert item["content_html"].startswith(f'<figure><img src="{item["image"]}" alt="Трибуна"')
    assert 'srcset="https://example.org/media/media-photo.' in item["content_html"]  # absolute in feeds
    html = (out / "2026/02/a/index.html").read_text("utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))  # type: ignore[union-attr]
    assert data["image"][0].endswith(".1600.jpg") and data["image"][1].endswith(".card.jpg")


def test_static_files_are_copied_and_a_collision_names_both(make_site) -> None:
    site = make_site("-- static/CNAME --\ndigest.example.org\n-- static/.well-known/security.txt --\nContact: x\n")
    (site / "static/files").mkdir()
    (site / "static/files/report.pdf").write_bytes(b"%PDF-1.4 \x00\x01 binary")
    out = build(site).out_dir
    assert (out / "CNAME").read_text("utf-8") == "digest.example.org\n"
    assert (out / ".well-known/security.txt").is_file()
    assert (out / "files/report.pdf").read_bytes() == b"%PDF-1.4 \x00\x01 binary"
    (site / "static/tags").mkdir()
    (site / "static/tags/index.html").write_text("<p>мій</p>", "utf-8")
    with pytest.raises(SitegenError) as caught:
        build(site)
    assert caught.value.format() == (
        "2 sources would write tags/index.html: tags, static/tags/index.html (rename or move the file in static/)"
    )
    assert (out / "CNAME").is_file()  # the previous site is still there


def test_images_without_alt_text_are_check_warnings(make_site) -> None:
    from sitegen.check import check_site

    page = PAGE.replace('alt: "Трибуна", ', "").replace("![Друге фото]", "![]")
    report = check_site(photo_site(make_site, page=page))
    assert report.ok
    assert [w.format() for w in report.warnings if "alt text" in w.message] == [
        'seeds/2026/02/a.md:5: image: photo.jpg has no alt text (describe the picture in `image: {alt: "…"}`)',
        "seeds/2026/02/a.md:9: image: media-photo.png has no alt text "
        "(describe the picture between the brackets: ![what it shows](photo.jpg))",
    ]


def test_images_serve_shows_a_new_photo_and_matches_a_clean_build(make_site, tmp_path: Path) -> None:
    """`serve`'s builder: a photo saved again (same name, new picture) is in the next build, as a clean build has it."""
    from sitegen.engine import Engine, EngineOptions
    from tests.test_builder import BASE, assert_same

    site = photo_site(make_site)
    builder = Engine(site, EngineOptions(base_url=BASE))
    first = builder.build_in_memory()
    photo = site / "seeds/2026/02/photo.jpg"
    photo.write_bytes(jpeg((1000, 800)))
    os.utime(photo, ns=(time.time_ns() - 5_000_000_000,) * 2)  # as old as a saved file gets: no racy re-read
    second = builder.build_in_memory([photo])
    assert any(p.startswith("media/photo.") for p in set(second.outputs) - set(first.outputs))
    article = second.outputs["2026/02/a/index.html"].decode()
    assert 'width="1000" height="800"' in article
    (site / "media/new.png").write_bytes(png_with_alpha((500, 500)))
    page = site / "seeds/2026/02/a.md"
    page.write_text(page.read_text("utf-8") + "\n![Нове](new.png)\n", "utf-8")
    assert_same(builder, site, tmp_path / "clean", [page, site / "media/new.png"])
