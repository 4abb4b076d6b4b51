"""Draws the example digest's pictures with Pillow (no photo agency, no network): run it to make them again.

    .venv/bin/python tools/draw_example_images.py

Writes two illustrations beside their articles in `seeds/2026/02/` and the site's sharing card
`media/digest-card.png` (named by `image:` in `sitegen.yaml`). They are flat editorial
illustrations, not photographs, and say so in their captions; the drawing code is deterministic,
so the files change only when this script does. License: the project's (MIT), like the code.
The card's lettering uses DejaVu Serif (Debian `fonts-dejavu-core`), if it is installed.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SCALE = 2
"""Drawn at twice the size, then reduced: smooth edges without an anti-aliasing renderer."""
NAVY = (18, 38, 74)
BLUE = (0, 87, 183)
YELLOW = (255, 215, 0)
PAPER = (246, 242, 232)


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    w, h = size
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(1, h - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return column.resize((w, h))


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: tuple[int, int, int]) -> None:
    """A four-pointed compass star (a generic emblem, not any organisation's logo)."""
    points = []
    for i in range(8):
        angle = math.pi / 4 * i - math.pi / 2
        radius = r if i % 2 == 0 else r * 0.22
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _flag(draw: ImageDraw.ImageDraw, x: float, y: float, w: float, colours: list[tuple[int, int, int]]) -> None:
    """A flag on a pole: horizontal bands of `colours`, a gentle wave."""
    draw.rectangle([x - w * 0.02, y, x + w * 0.02, y + w * 2.6], fill=(200, 200, 205))
    band = w * 0.62 / len(colours)
    for i, colour in enumerate(colours):
        top = y + w * 0.08 + i * band
        wave = [(x + w * 0.03 + dx, top + math.sin(dx / w * math.pi * 1.5) * w * 0.05) for dx in range(0, int(w), 4)]
        lower = [(px, py + band) for px, py in reversed(wave)]
        draw.polygon(wave + lower, fill=colour)


def press_conference(size: tuple[int, int] = (1800, 1200)) -> Image.Image:
    """A lectern with microphones before a blue backdrop and a row of flags: a press conference."""
    w, h = size[0] * SCALE, size[1] * SCALE
    image = _gradient((w, h), (24, 52, 98), (8, 20, 44))
    draw = ImageDraw.Draw(image)
    # backdrop panels with a soft compass-star pattern
    for col in range(6):
        x0 = col * w / 6
        draw.rectangle([x0 + 6, 0, x0 + w / 6 - 6, h * 0.72], fill=(30, 64, 120) if col % 2 else (26, 58, 110))
        _star(draw, x0 + w / 12, h * 0.22, w * 0.035, (58, 98, 160))
    # flags to the left and right
    alliance = [(0, 51, 141), (0, 51, 141)]  # a plain blue flag; its star is drawn on it below
    for i in range(3):
        ukraine = [BLUE, YELLOW]
        for x0, colours in ((0.06, ukraine if i != 1 else alliance), (0.74, alliance if i != 1 else ukraine)):
            x = w * (x0 + i * 0.07)
            _flag(draw, x, h * 0.18, w * 0.06, colours)
            if colours is alliance:
                _star(draw, x + w * 0.033, h * 0.18 + w * 0.038, w * 0.016, (255, 255, 255))
    # stage and lectern
    draw.rectangle([0, h * 0.72, w, h], fill=(14, 26, 48))
    draw.polygon([(w * 0.39, h * 0.52), (w * 0.61, h * 0.52), (w * 0.58, h * 0.95), (w * 0.42, h * 0.95)], fill=PAPER)
    draw.rectangle([w * 0.38, h * 0.5, w * 0.62, h * 0.545], fill=(225, 220, 208))
    _star(draw, w * 0.5, h * 0.71, w * 0.05, BLUE)
    # microphones
    for dx in (-0.03, -0.01, 0.01, 0.03):
        x = w * (0.5 + dx)
        draw.line([(w * 0.5 + dx * w * 0.3, h * 0.5), (x, h * 0.43)], fill=(60, 60, 66), width=int(3 * SCALE))
        draw.rounded_rectangle(
            [x - 7 * SCALE, h * 0.43 - 26 * SCALE, x + 7 * SCALE, h * 0.43 + 2 * SCALE],
            radius=7 * SCALE,
            fill=(28, 28, 32),
        )
    # camera flashes in the foreground: a press pack, out of focus
    rng = random.Random(12)
    glow = Image.new("RGB", (w, h), (0, 0, 0))
    gdraw = ImageDraw.Draw(glow)
    for _ in range(9):
        x, y, r = rng.uniform(0, w), rng.uniform(h * 0.78, h), rng.uniform(30, 90) * SCALE
        gdraw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 244, 214))
    glow = glow.filter(ImageFilter.GaussianBlur(40 * SCALE))
    image = Image.blend(image, Image.composite(glow, image, glow.convert("L")), 0.35)
    return image.resize(size, Image.Resampling.LANCZOS)


def round_table(size: tuple[int, int] = (1800, 1200)) -> Image.Image:
    """A meeting table seen from above: delegations, name plates, small flags; blue and yellow in the middle."""
    w, h = size[0] * SCALE, size[1] * SCALE
    image = _gradient((w, h), (236, 231, 220), (214, 206, 190))
    draw = ImageDraw.Draw(image)
    cx, cy, rx, ry = w / 2, h / 2, w * 0.34, h * 0.3
    draw.ellipse([cx - rx - 60, cy - ry - 60, cx + rx + 60, cy + ry + 60], fill=(190, 180, 160))
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=(112, 74, 48))
    draw.ellipse([cx - rx * 0.62, cy - ry * 0.55, cx + rx * 0.62, cy + ry * 0.55], fill=(226, 232, 238))
    # the centre: a blue-and-yellow rosette between two compass stars
    draw.pieslice([cx - 90 * SCALE, cy - 90 * SCALE, cx + 90 * SCALE, cy + 90 * SCALE], 180, 360, fill=BLUE)
    draw.pieslice([cx - 90 * SCALE, cy - 90 * SCALE, cx + 90 * SCALE, cy + 90 * SCALE], 0, 180, fill=YELLOW)
    _star(draw, cx - rx * 0.42, cy, 60 * SCALE, NAVY)
    _star(draw, cx + rx * 0.42, cy, 60 * SCALE, NAVY)
    rng = random.Random(7)
    colours = [(52, 84, 140), (120, 40, 40), (40, 100, 70), (90, 90, 96), (140, 110, 40), (30, 30, 36)]
    seats = 16
    for i in range(seats):
        a = 2 * math.pi * i / seats
        sx, sy = cx + (rx + 95 * SCALE) * math.cos(a), cy + (ry + 95 * SCALE) * math.sin(a)
        draw.ellipse([sx - 52 * SCALE, sy - 52 * SCALE, sx + 52 * SCALE, sy + 52 * SCALE], fill=rng.choice(colours))
        draw.ellipse([sx - 22 * SCALE, sy - 22 * SCALE, sx + 22 * SCALE, sy + 22 * SCALE], fill=(60, 44, 36))
        px, py = cx + (rx - 70 * SCALE) * math.cos(a), cy + (ry - 55 * SCALE) * math.sin(a)
        draw.rectangle([px - 34 * SCALE, py - 12 * SCALE, px + 34 * SCALE, py + 12 * SCALE], fill=PAPER)
        draw.rectangle([px - 26 * SCALE, py - 4 * SCALE, px + 10 * SCALE, py + 4 * SCALE], fill=(150, 150, 150))
        fx, fy = cx + (rx - 140 * SCALE) * math.cos(a), cy + (ry - 110 * SCALE) * math.sin(a)
        top, bottom = (BLUE, YELLOW) if i % 4 == 0 else (rng.choice(colours), (240, 240, 240))
        draw.rectangle([fx - 16 * SCALE, fy - 20 * SCALE, fx + 16 * SCALE, fy], fill=top)
        draw.rectangle([fx - 16 * SCALE, fy, fx + 16 * SCALE, fy + 20 * SCALE], fill=bottom)
    shadow = image.filter(ImageFilter.GaussianBlur(3 * SCALE))
    image = Image.blend(image, shadow, 0.25)
    return image.resize(size, Image.Resampling.LANCZOS)


def site_card(title: str, subtitle: str, size: tuple[int, int] = (1200, 630)) -> Image.Image:
    """The site's sharing card: its name on a navy field with a blue-and-yellow rule."""
    w, h = size[0] * SCALE, size[1] * SCALE
    image = _gradient((w, h), (22, 46, 88), NAVY)
    draw = ImageDraw.Draw(image)
    _star(draw, w * 0.9, h * 0.8, h * 0.14, (44, 78, 132))
    draw.rectangle([w * 0.08, h * 0.62, w * 0.3, h * 0.64], fill=BLUE)
    draw.rectangle([w * 0.3, h * 0.62, w * 0.52, h * 0.64], fill=YELLOW)
    serif = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
    sans = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if serif.exists() and sans.exists():
        draw.text((w * 0.08, h * 0.3), title, font=ImageFont.truetype(str(serif), 64 * SCALE), fill=PAPER)
        draw.text((w * 0.08, h * 0.7), subtitle, font=ImageFont.truetype(str(sans), 30 * SCALE), fill=(200, 210, 228))
    return image.resize(size, Image.Resampling.LANCZOS)


def main() -> None:
    folder = ROOT / "seeds" / "2026" / "02"
    press_conference().save(folder / "rutte-presskonferentsiia.jpg", quality=84, optimize=True, progressive=True)
    round_table().save(folder / "zustrich-u-briusseli.jpg", quality=84, optimize=True, progressive=True)
    (ROOT / "media").mkdir(exist_ok=True)
    site_card("Дайджест: Україна і світ", "Щотижневий добір новин із коментарями редактора").save(
        ROOT / "media" / "digest-card.png", optimize=True
    )
    print("wrote the two illustrations in", folder, "and", ROOT / "media/digest-card.png")


if __name__ == "__main__":
    main()
