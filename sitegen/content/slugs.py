"""ASCII slugs by the official Ukrainian transliteration (KMU 2010, via translitua).

The one place URLs get their words: article slugs, tag slugs and the importer's file names all
come from `slugify`, so a tag's URL and its lookups can never disagree (features.md §2.4).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import PurePosixPath

from translitua import RussianInternationalPassport, UkrainianKMU, translit

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LENGTH = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = str.maketrans("", "", "'’ʼ`")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def transliterate(text: str) -> str:
    """Latin letters for `text`: Ukrainian by KMU 2010, leftover Russian letters, accents dropped."""
    latin: str = translit(text.translate(_APOSTROPHES), UkrainianKMU)
    if _CYRILLIC.search(latin):  # ё, ы, э, ъ are not in the Ukrainian table
        latin = translit(latin, RussianInternationalPassport)
    decomposed = unicodedata.normalize("NFKD", latin)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1 << 16)  # pure; `serve` slugs the same titles and tags on every rebuild
def slugify(text: str, *, limit: int = MAX_LENGTH) -> str:
    """`Переговори з Кремлем?` -> `perehovory-z-kremlem`; empty when nothing is left."""
    slug = _NOT_SLUG.sub("-", transliterate(text).lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def is_valid_slug(slug: str) -> bool:
    """True for `[a-z0-9]` words joined by single hyphens: nothing that could leave a folder."""
    return bool(SLUG_PATTERN.match(slug)) and len(slug) <= 200


def file_slug(rel_path: str) -> str:
    """The slug a page's file name gives its URL: `…/perehovory-z-kremlem.md` -> `perehovory-z-kremlem`.

    A name that is not a slug already (`Новина дня.md`, `News.md`) is transliterated like a title;
    empty when nothing is left (`!!!.md`).
    """
    stem = PurePosixPath(rel_path).stem
    return stem if is_valid_slug(stem) else slugify(stem, limit=200)
