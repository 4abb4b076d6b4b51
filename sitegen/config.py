"""Reads and validates `sitegen.yaml` into a frozen `SiteConfig`: every error at once, with lines.

Unknown keys are errors with a "did you mean" hint (Zola's `deny_unknown_fields`); cross-field
checks run after the field checks (MkDocs `post_validation`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from sitegen.errors import ConfigError, SitegenError, did_you_mean, raise_all
from sitegen.textio import decode_text
from sitegen.yaml_mapping import parse_yaml_mapping

CONFIG_NAME = "sitegen.yaml"
SEEDS_DIR = "seeds"
THEMES_DIR = "themes"
TEMPLATES_DIR = "templates"
"""A site's own templates: each file overrides the theme's template of that name."""
STATIC_DIR = "static"
"""A site's own static files; one at a path the theme has replaces that theme file."""
EDITION_PERIODS = ("weekly", "daily")
DEFAULT_LANGUAGE = "uk"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated settings of one site."""

    site_dir: Path
    """Absolute folder that holds `sitegen.yaml`, `seeds/` and `themes/`."""
    title: str
    """Site title, shown in every page header and in feeds."""
    base_url: str
    """Absolute URL of the site, always ending in `/`; its path prefixes every link."""
    description: str = ""
    """One sentence about the site: home page meta description and feed subtitle."""
    language: str = DEFAULT_LANGUAGE
    """Default page language (BCP 47), used when a page has no `lang`."""
    timezone: str = "Europe/Kyiv"
    """IANA time zone for URLs (`/<yyyy>/<mm>/`), archives and shown dates."""
    theme: str = "default"
    """A folder under `themes/`; missing templates fall back to the built-in default theme."""
    per_page: int = 20
    """Articles per list page (home, tags)."""
    feed_limit: int = 20
    """Entries of the site feed (`feed.xml`, `feed.json`)."""
    group_feed_limit: int = 10
    """Entries of each tag, rubric and author feed (their newest articles). An edition's feed has all of its own."""
    author: str = ""
    """Publisher name for feeds and JSON-LD (defaults to the title)."""
    output_dir: str = "site"
    """Build output folder, relative to the site folder."""
    editions: str = "weekly"
    """`weekly` (ISO weeks, `/editions/<yyyy>-w<ww>/`) or `daily` (`/editions/<yyyy>-<mm>-<dd>/`)."""
    extra_css: tuple[str, ...] = ()
    """Stylesheets linked after the theme's, each a path under the site's `static/` (or the theme's)."""
    image: str | None = None
    """The site's sharing image (a file relative to the site folder, e.g. `media/card.png`): the Open Graph and
    Twitter card picture of every page that has no photo of its own."""
    file_base_url: str = ""
    """`base_url` as `sitegen.yaml` has it, once `--base-url` or `serve` replaced it (else empty): old URLs
    in `aliases:` are read against it, so a preview writes its redirect pages where the site does."""
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Line of each key in `sitegen.yaml`, for errors found later (an unknown theme)."""

    @property
    def seeds_dir(self) -> Path:
        return self.site_dir / SEEDS_DIR

    @property
    def themes_dir(self) -> Path:
        return self.site_dir / THEMES_DIR

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / TEMPLATES_DIR

    @property
    def static_dir(self) -> Path:
        return self.site_dir / STATIC_DIR

    @property
    def output_path(self) -> Path:
        return (self.site_dir / self.output_dir).resolve()

    @property
    def base_path(self) -> str:
        """`/digest/` for `https://example.org/digest/`."""
        return urlsplit(self.base_url).path or "/"

    @property
    def publisher(self) -> str:
        return self.author or self.title

    def with_base_url(self, base_url: str) -> SiteConfig:
        """A copy with another base URL (`--base-url`, `serve`), validated like the file's."""
        problem = _check_base_url(base_url)
        if problem:
            raise ConfigError(f"--base-url: {problem}")
        return replace(self, base_url=_normalise_base_url(base_url), file_base_url=self.file_base_url or self.base_url)


_Check = Callable[[Any], "str | None"]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else f"expected text, got {_kind(value)}"


def _optional_text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected text, got {_kind(value)}"


def _positive_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return f"expected a whole number of at least 1, got {value!r}"
    return None


def _language(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a language code such as 'uk', got {_kind(value)}"
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        hint = " (the code for Ukrainian is 'uk')" if value.lower() == "ua" else ""
        return f"unknown language {value!r}{hint}"
    return None


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a time zone such as 'Europe/Kyiv', got {_kind(value)}"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r} (use an IANA name such as 'Europe/Kyiv')"
    return None


def _check_base_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a URL such as 'https://example.org/', got {_kind(value)}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"expected an absolute http(s) URL such as 'https://example.org/digest/', got {value!r}"
    if parts.query or parts.fragment:
        return "a base URL has no query or fragment"
    return None


def _output_dir(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"expected a folder name, got {_kind(value)}"
    return None


def _editions(value: Any) -> str | None:
    if value not in EDITION_PERIODS:
        return f"expected one of {', '.join(EDITION_PERIODS)}, got {value!r}"
    return None


def _stylesheets(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"expected a list of stylesheet paths such as [css/extra.css], got {_kind(value)}"
    for item in value:
        if not isinstance(item, str) or not item.strip():
            return f"expected a path such as css/extra.css, got {_kind(item)}"
        parts = item.strip().split("/")
        if item.startswith("/") or "://" in item or ".." in parts or "\\" in item:
            return f"{item!r}: give a path inside the site's static/ folder, such as css/extra.css"
    return None


FIELDS: Mapping[str, tuple[bool, _Check]] = {
    # key: (required, check)
    "title": (True, _text),
    "base_url": (True, _check_base_url),
    "description": (False, _optional_text),
    "language": (False, _language),
    "timezone": (False, _timezone),
    "theme": (False, _text),
    "per_page": (False, _positive_int),
    "feed_limit": (False, _positive_int),
    "group_feed_limit": (False, _positive_int),
    "author": (False, _optional_text),
    "output_dir": (False, _output_dir),
    "editions": (False, _editions),
    "extra_css": (False, _stylesheets),
    "image": (False, _text),
}


def load_config(site_dir: Path) -> SiteConfig:
    """Read `<site_dir>/sitegen.yaml`; raise every problem in it at once."""
    site_dir = site_dir.resolve()
    path = site_dir / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"no {CONFIG_NAME} in {site_dir}",
            hint="run sitegen in the site folder, or pass --site DIR",
        )
    text, problem = decode_text(path.read_bytes(), CONFIG_NAME)
    if problem:
        raise ConfigError(problem.message, path=CONFIG_NAME, line=problem.line, hint=problem.hint)
    data, key_lines = parse_yaml_mapping(text, CONFIG_NAME, first_line=1, error_type=ConfigError)
    return build_config(site_dir, data, key_lines, text.split("\n"))


def build_config(site_dir: Path, data: Mapping[str, Any], key_lines: Mapping[str, int], lines: list[str]) -> SiteConfig:
    """Validate parsed `sitegen.yaml` values into a `SiteConfig`."""
    problems: list[SitegenError] = []

    def problem(message: str, key: str | None, hint: str | None = None) -> None:
        line = key_lines.get(key) if key else None
        src = lines[line - 1] if line and line - 1 < len(lines) else None
        problems.append(ConfigError(message, path=CONFIG_NAME, line=line, hint=hint, source_line=src))

    for key in data:
        if key not in FIELDS:
            hint = did_you_mean(key, FIELDS) or "known keys: " + ", ".join(FIELDS)
            problem(f"unknown key '{key}'", key, hint)
    for key, (required, check) in FIELDS.items():
        if key not in data:
            if required:
                problem(f"'{key}' is required", None, f"add a line `{key}: …`")
            continue
        message = check(data[key])
        if message:
            problem(f"{key}: {message}", key)

    values = {k: v for k, v in data.items() if k in FIELDS}
    if not problems:
        out = (site_dir / values.get("output_dir", "site")).resolve()
        for name in (SEEDS_DIR, THEMES_DIR, TEMPLATES_DIR, STATIC_DIR):
            src = (site_dir / name).resolve()
            if out == site_dir or out.is_relative_to(src) or src.is_relative_to(out):
                problem(f"output_dir: {values.get('output_dir')!r} would overwrite {name}/", "output_dir")
                break
    raise_all(problems)
    values["base_url"] = _normalise_base_url(values["base_url"])
    if "extra_css" in values:
        values["extra_css"] = tuple(item.strip() for item in values["extra_css"])
    return SiteConfig(site_dir=site_dir, key_lines=dict(key_lines), **values)


def _normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a yes/no value ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text"
    return f"{type(value).__name__}"
