"""`build()`: read -> model -> render -> write. The one entry point for build, serve, publish and check."""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from sitegen.buildcache import PendingCache, cache_key, frozen, read_cache, thaw
from sitegen.buildcache import remove_cache as remove_saved_cache
from sitegen.config import CONFIG_NAME, DEFAULT_LANGUAGE, SiteConfig, load_config
from sitegen.content.load import build_site
from sitegen.content.model import Site
from sitegen.engine import Engine, EngineOptions, EngineState, Rendered
from sitegen.errors import OutputError, SitegenError
from sitegen.images.store import CACHE_DIR
from sitegen.output.spare import RECORD, Spare, read_spare, replace_site
from sitegen.output.staging import KeptFile, Staging, StaleOutputError, verified
from sitegen.output.writer import check_out_dir, spare_path, sweep_leftovers, what_to_do, write_failure
from sitegen.render.strings import Strings
from sitegen.render.theme import COMPILED_DIR, builtin_strings, builtin_theme_dir, keep_compiled, load_theme
from sitegen.source.files import read_sources
from sitegen.workers import Forked, available_cores, fork_pays

log = logging.getLogger(__name__)

CACHE_CHILD_ARTICLES = 2500
"""From this many articles, the build cache's changed pieces are written by a forked child while the output is
swapped in: at 5,000 articles the build's own CPU is 0.05–0.1 s less, the child's 0.1–0.2 s more (at 1,000 the
two were even: it is not done there)."""
SPARE_CHILD_BYTES = 2 << 20
"""A spare whose record has this many bytes (about 2,500 articles: 0.87 MB at 1,000, 3.75 MB at 5,000) is checked by a
forked child while this process reads the build cache: an `lstat` of every file and folder of both trees, 0.15–0.2
CPU s at 5,000 articles, taken off the build's own path (at 1,000 articles the fork gained nothing: it is not done)."""


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
    phase: Callable[[str], None] | None = None
    """Called with the name of each step as it begins (`loading`, `rendering`): the progress bar's label."""
    cache: bool = False
    """Reuse and update the build cache in `.sitegen-cache/` (`sitegen build` without `--no-cache`)."""


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
    reused: int = 0
    """Outputs taken from the build cache instead of rendered again (0 for a build from scratch)."""


def load_site(site_dir: Path, options: BuildOptions, *, related: bool = True) -> tuple[SiteConfig, Site]:
    """Config and content model, with every source problem raised at once; nothing is written."""
    config = _load_config(site_dir, options)
    return config, _load_model(config, options, related=related)


def _load_config(site_dir: Path, options: BuildOptions) -> SiteConfig:
    config = load_config(site_dir)
    return config.with_base_url(options.base_url) if options.base_url else config


def _load_model(config: SiteConfig, options: BuildOptions, *, related: bool = True) -> Site:
    sources, problems = read_sources(config.site_dir, config.seeds_dir)
    log.info("found %d source files in %s", len(sources), config.seeds_dir)
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
    """Build the site in `site_dir`; raise `SitegenError` on user errors, leaving the old output as it was.

    With `options.cache`, the engine's state of the last build is read from `.sitegen-cache/` and
    only what changed is rendered again (`buildcache.py` says when it is not trusted); the result is
    the same bytes either way.
    """
    try:
        return _build(site_dir, options)
    finally:
        thaw()  # (what `read_cache` and the spare's records froze for the garbage collector)


def _build(site_dir: Path, options: BuildOptions | None) -> BuildResult:
    options = options or BuildOptions()
    started = time.perf_counter()
    engine_options = EngineOptions(
        drafts=options.drafts,
        future=options.future,
        base_url=options.base_url,
        progress=options.progress,
        lean=True,
        compiled_templates=site_dir / CACHE_DIR / COMPILED_DIR if options.cache else None,
    )
    engine = Engine(site_dir, engine_options, clock=lambda: options.now)
    config = engine.load_config()
    out_dir = (options.out_dir or config.output_path).resolve()
    # Before anything can fail: a build killed between its two renames left the previous site
    # aside, and it must be back even if this build stops at a bad page (issue 17, fault 8).
    sweep_leftovers(out_dir)
    key = None
    spare = None
    if options.cache:
        key = cache_key(config, theme_dirs(config), (options.drafts, options.future, options.base_url), out_dir)
        with _spare_meanwhile(out_dir) as spare_of:  # (it checks the output folder too: `verified` need not)
            saved = read_cache(config.site_dir, key)
            with frozen():  # (25,000 records at 5k, kept to the end: the collector walked them at every full pass)
                spare = spare_of()
        if saved is not None and (
            spare.live is not None and spare.live.files == saved.files or verified(out_dir, saved.files)
        ):
            engine = Engine(site_dir, engine_options, clock=lambda: options.now, state=saved.state)
            kept = saved.files
        else:
            kept = {}
        del saved
    else:
        kept = {}
    _begin(options, "loading")
    site = engine.load(config=config)
    check_out_dir(out_dir, config)
    log.info("rendering %d articles, %d tags with theme %s", len(site.pages), len(site.tags), config.theme)
    _begin(options, "rendering")
    save = None
    if key is not None:
        fork = fork_pays(len(site.pages), CACHE_CHILD_ARTICLES) and idle_core()
        save = functools.partial(PendingCache, config.site_dir, key, fork=fork)
    try:
        rendered, files, pending = _render_into(engine, site, out_dir, kept, options, spare, save)
    except StaleOutputError as exc:  # the previous site changed under this build: start again without the cache
        log.info("%s of the previous build is gone; building from scratch", exc)
        engine = Engine(site_dir, engine_options, clock=lambda: options.now)
        spare = read_spare(out_dir) if options.cache else None
        rendered, files, pending = _render_into(engine, engine.load(config=config), out_dir, {}, options, spare, save)
    if pending is not None:
        with pending:
            pending.finish(files)
        keep_compiled(engine.theme)
    outputs = rendered.outputs
    return BuildResult(
        out_dir=out_dir,
        articles=len(site.pages),
        tags=len(site.tags),
        feeds=sum(1 for o in outputs if o.out_path.endswith(("feed.xml", "feed.json"))),
        files=len(outputs) + 1,
        bytes=sum(f.size for f in files.values()),
        seconds=time.perf_counter() - started,
        site=site,
        reused=engine.state.render.hits,
    )


@contextmanager
def _spare_meanwhile(out_dir: Path) -> Iterator[Callable[[], Spare]]:
    """`read_spare(out_dir)`, in a forked child while the block runs when the spare is large; the block calls what
    this yields for it. Whatever ends the block, the child is not left running."""
    try:
        size = os.stat(spare_path(out_dir) / RECORD).st_size
    except OSError:
        size = 0
    if size < SPARE_CHILD_BYTES or not fork_pays(2, 2) or not idle_core():
        spare = read_spare(out_dir)
        yield lambda: spare
        return
    with Forked(lambda: read_spare(out_dir), "sitegen-spare") as child:
        yield child.result


def idle_core() -> bool:
    """Whether a core is idle (the last minute's load average leaves one): then a forked child's work shortens the
    build, where on a busy machine it only adds CPU (5k body edit at load 3 on two cores, medians of 6: 1.90 s wall
    and 1.83 CPU s with the spare and cache children, 1.55 and 1.50 without)."""
    try:
        return os.getloadavg()[0] <= available_cores() - 1
    except OSError:  # (no load average on this system)
        return False


def _begin(options: BuildOptions, phase: str) -> None:
    if options.phase is not None:
        options.phase(phase)


def _render_into(
    engine: Engine,
    site: Site,
    out_dir: Path,
    kept: Mapping[str, KeptFile],
    options: BuildOptions,
    spare: Spare | None,
    save: Callable[[EngineState], PendingCache] | None,
) -> tuple[Rendered, dict[str, KeptFile], PendingCache | None]:
    """Render `site` straight into a staging folder (the spare, with one) and swap it in for `out_dir`.

    With `save`, the engine's state goes to it as soon as it is rendered (writing the files changes none of it):
    the build cache's changed pieces are written, by a forked child on a large site, while the files are staged
    and swapped in; the caller finishes the cache with the files."""
    result: list[Rendered] = []
    pending: list[PendingCache] = []

    def fill(staging: Staging) -> None:
        rendered = engine.render(site, sink=staging.stream)
        if save is not None:
            pending.append(save(engine.state))
        log.info("writing %d files to %s", len(rendered.outputs), out_dir)
        _begin(options, "writing")
        staging.finish(rendered.outputs)
        if options.cache:  # the saved state describes the folder about to be replaced
            remove_saved_cache(site.config.site_dir)
        result.append(rendered)

    try:
        files = replace_site(out_dir, kept, spare, fill)
    except BaseException as exc:
        for unfinished in pending:
            unfinished.close()
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot write the site to {out_dir}: {write_failure(exc, out_dir)}",
                hint=f"the previous site was left as it was; {what_to_do(exc, 'build')}",
            ) from exc
        raise
    return result[0], files, pending[0] if pending else None


def theme_dirs(config: SiteConfig) -> tuple[Path, ...]:
    """The folders a site's look is read from (`Theme.dirs`), without loading the theme."""
    found = [config.templates_dir, config.static_dir, config.themes_dir / config.theme, builtin_theme_dir()]
    return tuple(d.resolve() for d in found if d.is_dir())


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


def load_all_pages(site_dir: Path, now: datetime) -> Site:
    """The content model with drafts and future-dated pages kept: what `check` looks for in the output.

    Without related stories: `check` reads titles, URLs and text of this model, and related stories
    are the costliest part of loading a large site (2.5 s of 4 at 5,000 articles).
    """
    _, site = load_site(site_dir, BuildOptions(drafts=True, future=True, now=now), related=False)
    return site
