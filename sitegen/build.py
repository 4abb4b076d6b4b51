"""`build()`: read -> model -> render -> write. The one entry point for build, serve, publish and check."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from sitegen.config import CONFIG_NAME, DEFAULT_LANGUAGE, STATIC_DIR, SiteConfig, load_config
from sitegen.content.load import LoadCache, build_site
from sitegen.content.model import Site
from sitegen.errors import SitegenError, raise_all
from sitegen.images import ImagePreparer, prepare_images
from sitegen.output.writer import check_out_dir, find_duplicates, sweep_leftovers, write_site
from sitegen.render.cache import RenderCache
from sitegen.render.output import Output
from sitegen.render.pipeline import render_site
from sitegen.render.strings import Strings
from sitegen.render.theme import Theme, builtin_strings, load_theme
from sitegen.source.files import SourceCache, read_sources
from sitegen.source.static import StaticFile, read_static

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build: where to, with drafts or not, under which base URL."""

    out_dir: Path | None = None
    """Default: `output_dir` of `sitegen.yaml` (`site/`)."""
    drafts: bool = False
    future: bool = False
    """Keep pages dated after `now` (scheduled pages); by default they are left out."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The instant that decides what is published; aware. Tests freeze it."""
    base_url: str | None = None
    progress: Callable[[int, int], None] | None = None
    """Called with (done, total) while rendering."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What one build made."""

    out_dir: Path
    articles: int
    tags: int
    feeds: int
    files: int
    bytes: int
    seconds: float
    site: Site | None = None
    """The loaded content model the build rendered (for `check` and `publish`)."""


def load_site(site_dir: Path, options: BuildOptions, *, related: bool = True) -> tuple[SiteConfig, Site]:
    """Config and content model, with every source problem raised at once; nothing is written."""
    config = _load_config(site_dir, options)
    return config, _load_model(config, options, related=related)


def _load_config(site_dir: Path, options: BuildOptions) -> SiteConfig:
    config = load_config(site_dir)
    return config.with_base_url(options.base_url) if options.base_url else config


def _load_model(config: SiteConfig, options: BuildOptions, *, related: bool = True) -> Site:
    sources, problems = read_sources(config.site_dir, config.seeds_dir)
    log.info("read %d source files from %s", len(sources), config.seeds_dir)
    return build_site(
        config,
        sources,
        drafts=options.drafts,
        future=options.future,
        now=options.now,
        read_problems=problems,
        related=related,
    )


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    """Build the site in `site_dir`; raise `SitegenError` on user errors, leaving the old output as it was."""
    options = options or BuildOptions()
    started = time.perf_counter()
    config = _load_config(site_dir, options)
    out_dir = (options.out_dir or config.output_path).resolve()
    # Before anything can fail: a build killed between its two renames left the previous site
    # aside, and it must be back even if this build stops at a bad page (issue 17, fault 8).
    sweep_leftovers(out_dir)
    site = _load_model(config, options)
    check_out_dir(
        out_dir,
        protected=[config.site_dir, config.seeds_dir, config.themes_dir, config.templates_dir, config.static_dir],
    )
    theme = load_theme(config)
    static_files, static_problems = read_static(config.site_dir)
    images = prepare_images(site)
    log.info("rendering %d articles, %d tags with theme %s", len(site.pages), len(site.tags), config.theme)
    outputs = render_site(site, theme, options.progress, images=images, problems=static_problems)
    outputs += static_outputs(static_files)
    log.info("writing %d files to %s", len(outputs), out_dir)
    report = write_site(outputs, out_dir)
    return BuildResult(
        out_dir=report.out_dir,
        articles=len(site.pages),
        tags=len(site.tags),
        feeds=sum(1 for o in outputs if o.out_path.endswith(("feed.xml", "feed.json"))),
        files=report.files,
        bytes=report.bytes,
        seconds=time.perf_counter() - started,
        site=site,
    )


def interface_strings(site_dir: Path) -> Strings:
    """The theme's words in the site's language, whatever is broken (for `serve`'s error overlay).

    A theme that does not load falls back to the built-in one; a `sitegen.yaml` that does not
    validate still gives its `language` if it names one, else the default, `uk`.
    """
    try:
        config = load_config(site_dir)
    except SitegenError:
        language = _written_language(site_dir / CONFIG_NAME)
    else:
        try:
            return load_theme(config).strings_for(config.language)
        except SitegenError:
            language = config.language
    try:
        return builtin_strings(language)
    except (SitegenError, ValueError, LookupError):  # a language Babel does not know
        return builtin_strings(DEFAULT_LANGUAGE)


def _written_language(path: Path) -> str:
    """`language:` of a `sitegen.yaml` that does not validate, if it can be read at all."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return DEFAULT_LANGUAGE
    value = data.get("language") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else DEFAULT_LANGUAGE


def static_outputs(files: Iterable[StaticFile]) -> list[Output]:
    """The files of `static/`, published as they are (copied by the writer, never read into memory)."""
    return [Output(out_path=f.out_path, data=b"", source=f"{STATIC_DIR}/{f.out_path}", file=f.src_path) for f in files]


def load_all_pages(site_dir: Path, now: datetime) -> Site:
    """The content model with drafts and future-dated pages kept: what `check` looks for in the output.

    Without related stories: `check` reads titles, URLs and text of this model, and related stories
    are the costliest part of loading a large site (2.5 s of 4 at 5,000 articles).
    """
    _, site = load_site(site_dir, BuildOptions(drafts=True, future=True, now=now), related=False)
    return site


@dataclass(frozen=True, slots=True)
class MemoryBuild:
    """One build held in memory (`serve`): every output file by its path, and what the build did."""

    outputs: Mapping[str, bytes]
    """By `out_path` (`2026/02/x/index.html`), the same files `build()` writes (without its marker)."""
    articles: int
    tags: int
    changed: tuple[str, ...]
    """Output paths added, removed or different since the previous build of this `Builder`."""
    full: bool
    """Theme or config changed (or first build): nothing was reused."""
    seconds: float
    deferred: bool = False
    """Some outputs (the search index) are last build's: build again without `defer` to finish."""


DEFERRABLE = frozenset({"search"})
"""Render-cache kinds `serve` may publish stale for a moment: slow to make and read by one page only
(the search index, which lunr builds in seconds on a large site). `Builder.build(defer=True)`
reuses the previous one and says so; the caller then builds again without deferring."""


class Builder:
    """Builds one site again and again in memory, reusing what did not change (`serve`).

    Sources are read again only when their stat changes, front matter is parsed again only when
    a file's text changes, and outputs are rendered again only when their inputs change
    (`RenderCache`). A theme or `sitegen.yaml` change starts from scratch. The outputs are the
    bytes a clean `build()` with the same options would write (tests/test_builder.py).
    """

    def __init__(
        self, site_dir: Path, options: BuildOptions | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.site_dir = site_dir
        self.options = options or BuildOptions()
        self.clock = clock or (lambda: datetime.now(UTC))
        """What decides which scheduled pages are out: read at every build (`options.now` is ignored)."""
        self._sources = SourceCache()
        self._loads = LoadCache()
        self._render = RenderCache()
        self._config: SiteConfig | None = None
        self._theme: tuple[Theme, tuple[tuple[str, int, int], ...]] | None = None
        self._outputs: dict[str, bytes] = {}
        self._images: ImagePreparer | None = None
        self._files: dict[Path, tuple[tuple[int, int, int], bytes]] = {}

    def build(self, changed: Iterable[Path] = (), *, defer: bool = False) -> MemoryBuild:
        """Build again; `changed` names files the caller saw change. Raises `SitegenError` like `build()`.

        With `defer`, outputs of a `DEFERRABLE` kind may be last build's (`MemoryBuild.deferred`).
        """
        started = time.perf_counter()
        self._sources.forget({Path(p) for p in changed})  # (both spellings: as given and resolved)
        self._sources.forget({Path(p).resolve() for p in changed})
        config = load_config(self.site_dir)
        if self.options.base_url:
            config = config.with_base_url(self.options.base_url)
        sources, problems = read_sources(config.site_dir, config.seeds_dir, self._sources)
        site = build_site(
            config,
            sources,
            drafts=self.options.drafts,
            future=self.options.future,
            now=self.clock(),
            read_problems=problems,
            cache=self._loads,
        )
        changed_paths = [Path(p).resolve() for p in changed]
        full = False
        if (
            self._theme is None
            or config != self._config
            or any(p.is_relative_to(d) for p in changed_paths for d in self._theme[0].dirs)
            or _fingerprint(self._theme[0].dirs) != self._theme[1]
        ):
            theme = load_theme(config)
            self._theme = (theme, _fingerprint(theme.dirs))
            self._render = RenderCache()
            self._config = config
            full = True
        if self._images is None or self._images.site_dir != config.site_dir:
            self._images = ImagePreparer(config)
        static_files, static_problems = read_static(config.site_dir)
        images = self._images.prepare(site)
        self._render.deferrable = DEFERRABLE if defer else frozenset()
        outputs = render_site(
            site, self._theme[0], self.options.progress, cache=self._render, images=images, problems=static_problems
        )
        outputs += static_outputs(static_files)
        raise_all(find_duplicates(outputs))
        new = {o.out_path: self._bytes(o) for o in outputs}
        old = self._outputs
        diff = [path for path, data in new.items() if old.get(path) is not data and old.get(path) != data]
        diff += [path for path in old if path not in new]
        self._outputs = new
        return MemoryBuild(
            outputs=new,
            articles=len(site.pages),
            tags=len(site.tags),
            changed=tuple(sorted(diff)),
            full=full,
            seconds=time.perf_counter() - started,
            deferred=self._render.deferred,
        )

    def _bytes(self, output: Output) -> bytes:
        """An output's bytes; a file-backed one is read again only when its file changed."""
        if output.file is None:
            return output.data
        st = output.file.stat()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        held = self._files.get(output.file)
        if held is None or held[0] != stamp:
            held = self._files[output.file] = (stamp, output.file.read_bytes())
        return held[1]


def _fingerprint(dirs: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every file of the theme folders: any edit changes it."""
    found = []
    for folder in dirs:
        for dirpath, _, filenames in os.walk(folder):
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    continue
                found.append((path, st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))
