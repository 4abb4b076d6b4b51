"""`Engine`: the one incremental build of a site, used by `build` (state kept in `.sitegen-cache/`) and `serve`
(state kept in memory).

A build is load -> render: sources are read again only when their stat changes (`SourceCache`),
front matter is parsed again only when a file's text changes (`LoadCache`), and an output is
rendered again only when the inputs it declares change (`RenderCache`: each output is stored under
a key made of everything it reads, see `render/cache.py`). A theme or `sitegen.yaml` change starts
from scratch. Whatever the state, the outputs are the bytes a clean build would make
(tests/test_builder.py, tests/test_build_cache.py).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import STATIC_DIR, SiteConfig, load_config
from sitegen.content.load import LoadCache, build_site
from sitegen.content.model import Site
from sitegen.errors import SitegenError, raise_all
from sitegen.images import ImagePreparer
from sitegen.output.writer import find_duplicates
from sitegen.render.cache import RenderCache
from sitegen.render.output import Output
from sitegen.render.pipeline import Progress, render_site
from sitegen.render.theme import Theme, load_theme
from sitegen.source.files import SourceCache, SourceFile, SourceStream, read_sources
from sitegen.source.static import StaticFile, read_static

log = logging.getLogger(__name__)

Sink = Callable[[Output], Output]
"""Takes an output as soon as it is made (`build` writes it to the staging folder) and returns what to keep."""

DEFERRABLE = frozenset({"search"})
"""Render-cache kinds `serve` may publish stale for a moment: slow to make and read by one page only
(the search index, which lunr builds in seconds on a large site). `Engine.build_in_memory(defer=True)`
reuses the previous one and says so; the caller then builds again without deferring."""


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What the engine builds: drafts or not, scheduled pages or not, under which base URL."""

    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    progress: Progress | None = None
    lean: bool = False
    """Keep no article bodies in memory: read each source once to load it, and its body again to render it
    (`sitegen build`: bounded memory on a large site; `serve` keeps texts to skip unchanged files)."""
    compiled_templates: Path | None = None
    """A folder to keep compiled templates in between processes (`sitegen build` with its cache)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """One run of the engine: the model and every output (streamed ones without their bytes)."""

    site: Site
    outputs: list[Output]
    full: bool
    """Theme or config changed (or first run): nothing was reused."""
    deferred: bool


@dataclass(frozen=True, slots=True)
class MemoryBuild:
    """One build held in memory (`serve`): every output file by its path, and what the build did."""

    outputs: Mapping[str, bytes]
    """By `out_path` (`2026/02/x/index.html`), the same files `build()` writes (without its marker)."""
    articles: int
    tags: int
    changed: tuple[str, ...]
    """Output paths added, removed or different since the previous build of this `Engine`."""
    full: bool
    """Theme or config changed (or first build): nothing was reused."""
    seconds: float
    deferred: bool = False
    """Some outputs (the search index) are last build's: build again without `defer` to finish."""
    site: Site | None = None
    """The content model it rendered."""


@dataclass(slots=True)
class EngineState:
    """What an engine keeps between runs; `build` pickles it into `.sitegen-cache/` (`engine_store.py`)."""

    loads: LoadCache
    render: RenderCache
    origin: object = None
    """What `buildcache.read_cache` read this state from (its pieces are kept where their objects still are)."""


class Engine:
    """Builds one site again and again, reusing what did not change."""

    def __init__(
        self,
        site_dir: Path,
        options: EngineOptions | None = None,
        clock: Callable[[], datetime] | None = None,
        state: EngineState | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.options = options or EngineOptions()
        self.clock = clock or (lambda: datetime.now(UTC))
        """What decides which scheduled pages are out: read at every build."""
        self._sources = SourceCache()
        self.state = state or EngineState(LoadCache(), RenderCache())
        self._config: SiteConfig | None = None
        self._theme: tuple[Theme, tuple[tuple[str, int, int], ...]] | None = None
        self._outputs: dict[str, bytes] = {}
        self._images: ImagePreparer | None = None
        self._files: dict[Path, tuple[tuple[int, int, int], bytes]] = {}
        self._full = True
        self._restored = state is not None
        """A state from disk: its render cache is valid for the config and theme it was saved with (the store's key)."""

    def load_config(self) -> SiteConfig:
        """`sitegen.yaml`, with the base URL of the options."""
        config = load_config(self.site_dir)
        return config.with_base_url(self.options.base_url) if self.options.base_url else config

    def load(self, changed: Iterable[Path] = (), config: SiteConfig | None = None) -> Site:
        """The content model; `changed` names files the caller saw change. Raises `SitegenError` at once for all."""
        changed = list(changed)
        self._sources.forget({Path(p) for p in changed})  # (both spellings: as given and resolved)
        self._sources.forget({Path(p).resolve() for p in changed})
        config = config or self.load_config()
        problems: list[SitegenError] = []
        sources: SourceStream | list[SourceFile]
        if self.options.lean:  # each file is read as the model takes it in
            known = self.state.loads.known(config.timezone)  # files whose stamp is the one read last build
            sources = SourceStream(config.site_dir, config.seeds_dir, problems, known)
        else:
            sources, problems = read_sources(config.site_dir, config.seeds_dir, self._sources)
        log.info("found %d source files in %s", len(sources), config.seeds_dir)
        site = build_site(
            config,
            sources,
            drafts=self.options.drafts,
            future=self.options.future,
            now=self.clock(),
            read_problems=problems,
            cache=self.state.loads,
            lean=self.options.lean,
        )
        self._check_theme(config, changed)
        return site

    def _check_theme(self, config: SiteConfig, changed: list[Path]) -> None:
        changed_paths = [Path(p).resolve() for p in changed]
        if self._restored:  # the store checked config and theme: keep the render cache
            theme = load_theme(config, self.options.compiled_templates)
            self._theme = (theme, theme_fingerprint(theme.dirs))
            self._config = config
            self._restored = False
            self._full = False
            return
        if (
            self._theme is None
            or config != self._config
            or any(p.is_relative_to(d) for p in changed_paths for d in self._theme[0].dirs)
            or theme_fingerprint(self._theme[0].dirs) != self._theme[1]
        ):
            theme = load_theme(config, self.options.compiled_templates)
            self._theme = (theme, theme_fingerprint(theme.dirs))
            self.state.render = RenderCache()
            self._config = config
            self._full = True
        else:
            self._full = False

    @property
    def theme(self) -> Theme:
        """The theme of the last `load`."""
        assert self._theme is not None, "load() first"
        return self._theme[0]

    def render(self, site: Site, *, defer: bool = False, sink: Sink | None = None) -> Rendered:
        """Every output of `site` (the last `load`'s), rendered again only where its inputs changed.

        With a `sink`, each output goes to it as soon as it is made and the cache keeps what it returns.
        """
        config = site.config
        if self._images is None or self._images.site_dir != config.site_dir:
            self._images = ImagePreparer(config)
        static_files, static_problems = read_static(config.site_dir)
        images = self._images.prepare(site)
        cache = self.state.render
        cache.deferrable = DEFERRABLE if defer else frozenset()
        cache.sink = sink
        try:
            outputs = render_site(
                site, self.theme, self.options.progress, cache=cache, images=images, problems=static_problems
            )
        finally:
            cache.sink = None
        outputs += static_outputs(static_files)
        if len({o.out_path.casefold() for o in outputs}) != len(outputs):  # (one set first: most builds have none)
            raise_all(find_duplicates(outputs))
        return Rendered(site=site, outputs=outputs, full=self._full, deferred=cache.deferred)

    def build_in_memory(self, changed: Iterable[Path] = (), *, defer: bool = False) -> MemoryBuild:
        """Build again, every output held in memory (`serve`). Raises `SitegenError` like `build()`.

        With `defer`, outputs of a `DEFERRABLE` kind may be last build's (`MemoryBuild.deferred`).
        """
        started = time.perf_counter()
        rendered = self.render(self.load(changed), defer=defer)
        new = {o.out_path: self._bytes(o) for o in rendered.outputs}
        old = self._outputs
        diff = [path for path, data in new.items() if old.get(path) is not data and old.get(path) != data]
        diff += [path for path in old if path not in new]
        self._outputs = new
        return MemoryBuild(
            outputs=new,
            articles=len(rendered.site.pages),
            tags=len(rendered.site.tags),
            changed=tuple(sorted(diff)),
            full=rendered.full,
            seconds=time.perf_counter() - started,
            deferred=rendered.deferred,
            site=rendered.site,
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


def static_outputs(files: Iterable[StaticFile]) -> list[Output]:
    """The files of `static/`, published as they are (copied by the writer, never read into memory)."""
    return [Output(out_path=f.out_path, data=b"", source=f"{STATIC_DIR}/{f.out_path}", file=f.src_path) for f in files]


def theme_fingerprint(dirs: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
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
