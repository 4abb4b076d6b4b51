"""The theme: its folder chain, Jinja environment, strings and fingerprinted static files.

Templates resolve through the site's own `templates/`, then the site's theme, then the built-in
default theme (MkDocs' `Theme.dirs`, Zola's site templates over its theme's). Each theme's
templates are also reachable by a namespaced name, so an override can extend the file it replaces:
`{% extends "default/article.html" %}` (Pelican's `!simple/base.html`). A file in the site's
`static/` at a path the theme has replaces that theme file; `extra_css` names stylesheets of the
site's `static/` (or the theme's) linked after the theme's own. A theme may be static files only.
Autoescape is on and undefined variables are errors (reliability.md §1).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup

from sitegen import __version__
from sitegen.atomic import remove_dead_temps, write_atomic
from sitegen.config import CONFIG_NAME, SiteConfig
from sitegen.errors import ConfigError, TemplateError, site_relative
from sitegen.render.output import Output
from sitegen.render.strings import Strings
from sitegen.source.files import is_ignored_name
from sitegen.textio import decode_text
from sitegen.yaml_mapping import parse_yaml_mapping

ASSETS_DIR = "assets"


class _CompiledTemplates(BytecodeCache):
    """Templates compiled by earlier builds of this process (`serve`'s rebuilds, tests), by file and source.

    Jinja keys each template by its name and file and checks the SHA-1 of its source, so an edited
    template is compiled again. Every environment here is made with the same options (`load_theme`).
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()

COMPILED_DIR = "build.templates"
"""Where a cached build keeps the compiled templates, in the build cache's folder (`load_theme(compiled=…)`)."""


class _KeptTemplates(BytecodeCache):
    """`_COMPILED`, and on disk for the next process: `sitegen build` compiled every template on every run.

    Each file is Jinja's own bucket (its magic holds Jinja's bytecode version and Python's, and the SHA-1 of the
    template's source, checked on load), named by Jinja's key (template name and file) and by sitegen's and
    Jinja's versions (the options every environment is made with are sitegen's). What this process compiled is
    written by `keep_compiled`, once the build has succeeded (a failed build leaves nothing new), each file to a
    temp file, then renamed (the next build removes the temp files of one killed meanwhile); a file that does not
    load is compiled again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.prefix = hashlib.sha1(f"{__version__} {jinja2.__version__}".encode()).hexdigest()[:12]
        self.compiled: dict[str, bytes] = {}
        """By file name: what this process compiled and the folder does not hold yet."""

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{self.prefix}-{bucket.key}"

    def load_bytecode(self, bucket: Bucket) -> None:
        _COMPILED.load_bytecode(bucket)
        if bucket.code is not None:
            if not self._path(bucket).exists():  # (compiled by an earlier build of this process, for another site)
                self.compiled[self._path(bucket).name] = bucket.bytecode_to_string()
            return
        try:
            with open(self._path(bucket), "rb") as fh:
                bucket.load_bytecode(fh)
        except Exception:  # noqa: BLE001 - none, or a damaged file (marshal and pickle raise many kinds): compiled again
            bucket.reset()
        if bucket.code is not None:
            _COMPILED.dump_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        _COMPILED.dump_bytecode(bucket)
        self.compiled[self._path(bucket).name] = bucket.bytecode_to_string()

    def save(self) -> None:
        remove_dead_temps(self.folder)  # (of builds killed while saving here)
        for name, code in self.compiled.items():
            try:
                write_atomic(self.folder / name, code, durable=False)
            except OSError:
                return  # (only the next build's speed)
        self.compiled.clear()


def keep_compiled(theme: Theme) -> None:
    """Write the templates `theme` compiled to its folder for the next process (`load_theme(compiled=…)`)."""
    kept = theme.env.bytecode_cache
    if isinstance(kept, _KeptTemplates):
        kept.save()


def builtin_theme_dir() -> Path:
    """The default theme shipped with sitegen (inside the wheel, or beside the package in a checkout)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "themes" / "default", package.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise ConfigError("the built-in default theme is missing from this installation", hint="reinstall sitegen")


@dataclass(frozen=True, slots=True)
class Theme:
    """A loaded theme: templates, strings per language and static files with fingerprinted URLs."""

    dirs: tuple[Path, ...]
    """Every folder the theme is read from, most specific first: the site's `templates/` and `static/`,
    the site's theme, the built-in theme. A change in any of them re-renders everything."""
    env: Environment
    strings: Mapping[str, Mapping[str, Any]]
    assets: Mapping[str, Output]
    """By the theme-relative path (`css/style.css`): the fingerprinted output."""
    site_dir: Path
    teasers: dict[tuple[Any, ...], Markup] = field(default_factory=dict, compare=False, repr=False)
    """The list items `teaser()` rendered (`partials/teaser.html`), by article, date text, heading level and page
    language; emptied by each render of a site (`render_site`), for which they hold."""
    _strings_made: dict[str, Strings] = field(default_factory=dict, compare=False, repr=False)
    """`strings_for`'s results: one `Strings` per language, so what is memoised per `Strings` is shared."""

    def template(self, name: str) -> Template:
        """A compiled template, or a `TemplateError` naming its file and line."""
        try:
            return self.env.get_template(name)
        except TemplateSyntaxError as exc:
            raise TemplateError(
                exc.message or "syntax error",
                path=self.display_path(exc.filename),
                line=exc.lineno,
                source_line=exc.source.split("\n")[exc.lineno - 1] if exc.source and exc.lineno else None,
            ) from exc

    def strings_for(self, lang: str) -> Strings:
        """The theme's strings for `lang` (`uk-UA` -> `uk`), else English."""
        made = self._strings_made.get(lang)
        if made is not None:
            return made
        for key in (lang, lang.split("-")[0], "en"):
            if key in self.strings:
                made = Strings(key if key != "en" else lang, self.strings[key], f"theme strings/{key}.yaml")
                self._strings_made[lang] = made
                return made
        raise ConfigError(f"the theme has no strings for language '{lang}' (and no English fallback)")

    def display_path(self, filename: str | None) -> str:
        """A template path as the user knows it: relative to the site, or `<default theme>/…`."""
        if not filename:
            return "<template>"
        path = Path(filename).resolve()
        builtin = builtin_theme_dir().resolve()
        if path.is_relative_to(builtin) and not path.is_relative_to(self.site_dir):
            return "themes/default/" + path.relative_to(builtin).as_posix()
        return site_relative(path, self.site_dir)


def load_theme(config: SiteConfig, compiled: Path | None = None) -> Theme:
    """The theme `sitegen.yaml` names, under the site's own templates and static files; `compiled`: a folder to
    keep the compiled templates in for the next process (`_KeptTemplates`).

    An unknown theme name, or an `extra_css` file that does not exist, is a config error with its line.
    """
    builtin = builtin_theme_dir()
    own = config.themes_dir / config.theme
    if own.is_dir():
        themes = (own.resolve(),) if own.resolve() == builtin.resolve() else (own.resolve(), builtin)
    elif config.theme == "default":
        themes = (builtin,)
    else:
        available = (
            sorted(p.name for p in config.themes_dir.iterdir() if p.is_dir()) if config.themes_dir.is_dir() else []
        )
        raise ConfigError(
            f"theme: no theme '{config.theme}': themes/{config.theme}/ does not exist",
            path=CONFIG_NAME,
            line=config.key_lines.get("theme"),
            hint="available: " + ", ".join(["default", *[a for a in available if a != "default"]]),
        )
    site_templates = [config.templates_dir.resolve()] if config.templates_dir.is_dir() else []
    template_dirs = [*site_templates, *(d / "templates" for d in themes if (d / "templates").is_dir())]
    # `default/…` is always the built-in theme; `<name>/…` the site's theme of that name.
    namespaces: dict[str, BaseLoader] = {"default": _FlushLeftLoader(str(builtin / "templates"))}
    if themes[0] != builtin and (themes[0] / "templates").is_dir() and config.theme != "default":
        namespaces[config.theme] = FileSystemLoader(str(themes[0] / "templates"))
    env = _Environment(
        loader=ChoiceLoader([_FlushLeftLoader([str(d) for d in template_dirs]), PrefixLoader(namespaces)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_COMPILED if compiled is None else _KeptTemplates(compiled),
    )
    # `|tojson` (the JSON-LD of every page) writes letters as UTF-8, not `\uXXXX` escapes: a Cyrillic headline
    # took three times its bytes (issue 18). `<`, `>`, `&` and `'` are still escaped by Jinja.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    site_static = config.static_dir.resolve() if config.static_dir.is_dir() else None
    assets = _read_assets(themes, site_static, config)
    env.globals["asset"] = _asset_url_function(config, assets)
    env.globals["site_card"] = None  # the site's sharing picture, set by each render (`render_site`)
    teasers: dict[tuple[Any, ...], Markup] = {}
    env.globals["teaser"] = _teaser_function(env, teasers)
    dirs = (*site_templates, *([site_static] if site_static else []), *themes)
    return Theme(
        dirs=dirs,
        env=env,
        strings=_read_strings(themes, config),
        assets=assets,
        site_dir=config.site_dir,
        teasers=teasers,
    )


TEASER_TEMPLATE = "partials/teaser.html"


def _teaser_function(env: Environment, teasers: dict[tuple[Any, ...], Markup]) -> Any:
    @pass_context
    def teaser(context: Context, article: Mapping[str, Any], level: int) -> Markup:
        """`{{ teaser(a, 3) }}`: an article as a list shows it, with an `<h3>` heading (`partials/teaser.html`).

        An article is listed on some ten pages (home, tags, rubric, author, month, 404): its item is rendered
        once per heading level and reused, byte for byte the same (issue 18). Within one render an article's
        summary is the same on every page but for its date text (a time under a day heading of the archive).
        """
        lang, strings = context.resolve("lang"), context.resolve("s")
        key = (article["url"], article["date_text"], level, lang, strings)
        html = teasers.get(key)
        if html is None:
            html = teasers[key] = Markup(
                env.get_template(TEASER_TEMPLATE).render(a=article, level=level, lang=lang, s=strings)
            )
        return html

    return teaser


_DICT_ATTRIBUTES = frozenset(dir(dict))
"""What `getattr` finds on a plain `dict`: its methods (`items`, `get`, …) and the attributes of every object."""


class _Environment(Environment):
    """Jinja's environment, with `a.title` on a plain dict looked up without raising an exception first.

    Every view a page gets is a dict (`views.py`). Jinja's `getattr` tries the attribute first and the key
    after its `AttributeError`: some 170 raised and caught exceptions per page (a tenth of a list page's time,
    issue 18). A plain dict has an attribute only for a name of `dict` itself, so the key is looked up at
    once for any other name; the result, the undefined value included, is the one Jinja gives.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class _FlushLeftLoader(FileSystemLoader):
    """Templates from folders; the built-in theme's lose the indentation of their lines.

    The theme's templates are indented for their readers; a page needs none of it, and it was some
    60 bytes of every list item and 1 KB of every page (issue 18). Line numbers stay as they were.
    None of the built-in templates holds `<pre>` or `<textarea>`; a site's own templates are kept as written.
    """

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if Path(filename).resolve().is_relative_to(builtin_theme_dir().resolve()):
            source = _INDENT.sub("", source)
        return source, filename, uptodate


_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def builtin_strings(lang: str) -> Strings:
    """The built-in theme's strings for `lang` (else English), when the site's own theme cannot be loaded."""
    builtin = builtin_theme_dir()
    table = _read_strings((builtin,), SiteConfig(site_dir=builtin, title="", base_url="http://localhost/"))
    for key in (lang, lang.split("-")[0], "en"):
        if key in table:
            return Strings(key, table[key], f"theme strings/{key}.yaml")
    raise ConfigError("the built-in default theme has no English strings", hint="reinstall sitegen")


def _read_strings(dirs: tuple[Path, ...], config: SiteConfig) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for theme_dir in reversed(dirs):  # the site's theme overrides the default's strings
        folder = theme_dir / "strings"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            rel = site_relative(path, config.site_dir)
            text, problem = decode_text(path.read_bytes(), rel)
            if problem:
                raise ConfigError(problem.message, path=rel, line=problem.line)
            data, _ = parse_yaml_mapping(text, rel, first_line=1, error_type=ConfigError)
            table.setdefault(path.stem, {}).update(data)
    return table


def _read_assets(themes: tuple[Path, ...], site_static: Path | None, config: SiteConfig) -> dict[str, Output]:
    """The theme's static files, fingerprinted: the built-in's, then the site theme's, then the site's replacements.

    Of the site's `static/`, only files at a path the theme has and the `extra_css` stylesheets
    become fingerprinted assets; the folder itself is copied into the site as it is.
    """
    found: dict[str, Path] = {}
    for theme_dir in reversed(themes):
        found.update(_static_files(theme_dir / "static"))
    own = _static_files(site_static) if site_static else {}
    found.update({rel: path for rel, path in own.items() if rel in found or rel in config.extra_css})
    missing = [rel for rel in config.extra_css if rel not in found]
    if missing:
        raise ConfigError(
            f"extra_css: no file {', '.join(f'static/{rel}' for rel in missing)}",
            path=CONFIG_NAME,
            line=config.key_lines.get("extra_css"),
            hint="put the stylesheet in the site's static/ folder and name it by its path there, e.g. css/extra.css",
        )
    assets: dict[str, Output] = {}
    for rel, path in sorted(found.items()):
        data = path.read_bytes()
        stem, dot, ext = rel.rpartition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        name = f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{rel}.{digest}"
        assets[rel] = Output(out_path=f"{ASSETS_DIR}/{name}", data=data, source=f"theme:{rel}")
    return assets


def _static_files(static: Path) -> dict[str, Path]:
    """Every file under a `static/` folder by its relative path (hidden and editor temp files left out)."""
    if not static.is_dir():
        return {}
    return {
        path.relative_to(static).as_posix(): path
        for path in sorted(static.rglob("*"))
        if path.is_file() and not any(is_ignored_name(part) for part in path.relative_to(static).parts)
    }


def _asset_url_function(config: SiteConfig, assets: Mapping[str, Output]) -> Any:
    def asset(rel: str) -> str:
        """The fingerprinted URL of a theme static file: `asset('css/style.css')`."""
        try:
            return config.base_path + assets[rel].out_path
        except KeyError:
            raise KeyError(f"no static file '{rel}' in the theme") from None

    return asset
