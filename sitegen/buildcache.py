"""The persistent build cache: the engine's state between `sitegen build` runs, in `.sitegen-cache/`, in pieces.

The state is cut into pieces (`_split`): each shard of the pages (a page's loaded entry, its file stamp,
its `Page`, its render version and its rendered article, all under one page id), each kind of other
render output, the related stories, the output files, and the rest of the model. Each piece is one
pickle in `build.pieces/`, under a new random name (a piece file is never written over); the index,
`build.cache`, names the pieces of one build, with each one's size and CRC-32 (what a read checks), and is
written last. Every file is written as `atomic.write_atomic` writes (temp file, then rename; a piece is pickled
straight into its temp file), without `fsync`s: each is checked when read. So a build writes only the
pieces whose objects are not the very ones it read (a body edit: one shard, the search index and the
small rest), and the pieces of two builds are never mixed: an index names exactly the bytes it was
written with. The search pieces hold each article's search entry and fragment as a reference to the
page shard that holds it (`_RefPickler`): they were two thirds of the bytes, read and written again
after every body edit; a piece is kept only while each reference still names the very object it did.
`PendingCache` works out which pieces changed as soon as the state is rendered; on a large site a forked child
writes them while the build swaps its output in, and the output files' piece and the index follow the swap.

The index holds a header line (format, sitegen version, a key over everything the state does not
track itself: sitegen's own code, `sitegen.yaml`, the theme's files, the build options and output
folder, and the length and checksum of the piece table). The state is trusted only if all of that
matches, every piece named is there with the size and CRC-32 the index gives it, and every output file is still as
that build left it; anything else (another version, theme or config, a truncated, garbled or missing
index or piece, a folder deleted or edited since) means a clean build, never a wrong one. The index
is removed before the output folder is swapped, so an interrupted build never leaves a cache that
describes another site; pieces no index names are removed when the next index is written.

The pieces are pickles: the cache is as trusted as the site folder it lives in (whoever can write
it can also change `sitegen.yaml` or the theme).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import json
import logging
import operator
import os
import pickle
import secrets
import sys
import zlib
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PosixPath
from types import MappingProxyType
from typing import Any

from sitegen import __version__
from sitegen.atomic import TEMP_SUFFIX, remove_dead_temps, temp_file_of, write_atomic
from sitegen.config import CONFIG_NAME, SiteConfig
from sitegen.content.load import LoadCache
from sitegen.content.model import Page
from sitegen.engine import EngineState
from sitegen.images.store import CACHE_DIR
from sitegen.output.staging import KeptFile
from sitegen.render.cache import RenderCache
from sitegen.render.search_files import Reuse
from sitegen.source.files import child_path
from sitegen.workers import Forked

log = logging.getLogger(__name__)

CACHE_FILE = "build.cache"
"""The index: which pieces make the state of the last build."""
PIECES_DIR = "build.pieces"
"""The pieces, each under a random name of its own."""
FORMAT = 3
MAGIC = b"sitegen build cache\n"
SMALL_FILE = 1 << 20
"""Theme files up to this size are keyed by their bytes; larger ones (pictures) by size and mtime."""
SHARDS = 64
"""Pages are kept in this many pieces (by a hash of their id): a one-page edit rewrites one."""
FILES_PIECE = "files"
"""The piece of the output files (`Saved.files`)."""


def _mapping_proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


def _array(typecode: str, data: bytearray) -> array[Any]:
    """An `array` as `_Pickler` saved it: its typecode and its bytes (this machine's, as the cache is)."""
    return array(typecode, data)


_REDUCERS: dict[type, Any] = {}


def _reducer(cls: type) -> Any:
    """How `_Pickler` saves a slotted dataclass: its class and field values, remade by calling the class."""
    fields = dataclasses.fields(cls)
    if not all(f.init and not f.kw_only for f in fields) or hasattr(cls, "__post_init__"):
        return NotImplemented
    names = [f.name for f in fields]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


class _Pickler(pickle.Pickler):
    """pickle, with the model's read-only mappings and a fast path for slotted dataclasses and paths.

    The content model keeps its mappings read-only (`MappingProxyType`), which pickle cannot save by
    itself; and pickle's own way for a slotted dataclass calls `dataclasses.fields` for every object
    (over a second for a 5,000-page state). A dataclass is saved as its field values and made again by
    calling its class (its generated `__init__`: no `__post_init__`, every field an argument). A path
    (each page's source file) is saved as its folder, one object for all its files, and its name: pathlib
    parses each part of a path it makes from parts, 0.1 s for the 5,000 of a 5,000-page state.
    """

    def __init__(self, file: Any, protocol: int | None = None) -> None:
        super().__init__(file, protocol=protocol)
        self._folders: dict[str, PosixPath] = {}
        self._folder_ids: set[int] = set()

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        reduce = _REDUCERS.get(cls)
        if reduce is None:
            if cls is MappingProxyType:
                return _mapping_proxy, (dict(obj),)
            if cls is array:  # its own reduce makes a `bytes` copy, which the memo holds until the dump ends
                return _array, (obj.typecode, pickle.PickleBuffer(obj))  # (written from the array itself)
            if cls is PosixPath:
                return self._path(obj)
            if not (dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__):
                return NotImplemented
            reduce = _REDUCERS[cls] = _reducer(cls)
        if reduce is NotImplemented:
            return NotImplemented
        return reduce(obj)

    def _path(self, path: PosixPath) -> Any:
        name = path.name
        if id(path) in self._folder_ids or not name or name in (".", ".."):
            return NotImplemented  # (pathlib's own reduction: its parts)
        key = str(path.parent)
        folder = self._folders.get(key)
        if folder is None:
            folder = self._folders[key] = path.parent
            self._folder_ids.add(id(folder))
        return child_path, (folder, name)


Ref = tuple[str, str]
"""A reference from one piece to an object another piece holds: ("search", page id) is that article's
`RenderedArticle.search` (its search entry, which `Reuse.groups` names its fragment by too)."""


class _RefPickler(_Pickler):
    """`_Pickler` that saves the objects of `refs` (by `id`) as references to them, not again (`_referred`).

    The search pieces (the search output's key, the kept index's entries and fragment groups) hold every
    article's `SearchEntry` and fragment, which the page shards hold already: saved in full they were
    two thirds of the cache's bytes, read and written again after every body edit. A `SearchEntry` is seen by
    `reducer_override`; a fragment (exact `bytes`, which pickle never shows it) only as a key of
    `Reuse.groups`, which is saved with its fragments as references. (`persistent_id` would see every
    object: a Python call for each of some 350,000, a second under the profiler at 5,000 articles.)
    """

    def __init__(self, file: Any, refs: Mapping[int, Ref]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.refs = refs

    def reducer_override(self, obj: Any) -> Any:
        ref = self.refs.get(id(obj))
        if ref is not None:
            return _referred, (ref,)
        if type(obj) is Reuse:
            refs = self.refs
            groups = [
                (start, tuple(refs.get(id(data), data) for data in batch), group)
                for (start, batch), group in obj.groups.items()
            ]
            return _reuse, (obj.terms, obj.shards, groups)
        return super().reducer_override(obj)


class _Resolving:
    """What `_referred` resolves references in while `read_cache` loads a piece, and what it resolved there."""

    targets: Mapping[Ref, Any] = MappingProxyType({})
    used: dict[Ref, Any] = {}  # noqa: RUF012 - replaced for each piece


def _referred(ref: Ref) -> Any:
    """The object a reference names (in the page shards already read); `KeyError` when none: not trusted."""
    target = _Resolving.targets[ref]
    _Resolving.used[ref] = target
    return target


def _reuse(terms: Any, shards: Any, groups: list[tuple[int, tuple[Any, ...], Any]]) -> Reuse:
    """A `Reuse` as `_RefPickler` saved it (its fragments as references)."""
    return Reuse(
        terms=terms,
        shards=shards,
        groups={
            (start, tuple(_referred(item) if type(item) is tuple else item for item in batch)): group
            for start, batch, group in groups
        },
    )


def _ref_targets(outputs: Mapping[tuple[str, str], Any]) -> dict[Ref, Any]:
    """What references may name: each rendered article's search entry."""
    targets: dict[Ref, Any] = {}
    for (kind, name), entry in outputs.items():
        if kind == "article":
            search = getattr(entry[1], "search", None)
            if search is not None:
                targets[("search", name)] = search
    return targets


@dataclass(slots=True)
class Saved:
    """What one build leaves for the next: the engine's state and the output files it made."""

    state: EngineState
    files: dict[str, KeptFile]


@dataclass(frozen=True, slots=True)
class _Read:
    """One piece as the build read it: its file, and the objects it held (a piece of the same objects is kept)."""

    file: str
    size: int
    crc: int
    items: tuple[Any, ...]
    used: Mapping[Ref, Any] = dataclasses.field(default_factory=dict)
    """The references it was read with, and what they named then."""


def cache_path(site_dir: Path) -> Path:
    """Where the build cache of a site is kept."""
    return site_dir / CACHE_DIR / CACHE_FILE


def cache_key(config: SiteConfig, theme_dirs: tuple[Path, ...], options: tuple[object, ...], out_dir: Path) -> str:
    """Everything a saved state depends on that the engine does not compare itself."""
    h = hashlib.sha256()
    h.update(repr((FORMAT, __version__, sys.version, options, str(out_dir))).encode())
    h.update(_code_fingerprint().encode())
    h.update((config.site_dir / CONFIG_NAME).read_bytes() if (config.site_dir / CONFIG_NAME).is_file() else b"")
    h.update(repr(config).encode())
    for folder in theme_dirs:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                    h.update(f"{path}\0{st.st_size}\0".encode())
                    if st.st_size <= SMALL_FILE:
                        with open(path, "rb") as fh:
                            h.update(fh.read())
                    else:
                        h.update(str(st.st_mtime_ns).encode())
                except OSError:
                    h.update(f"{path}\0gone".encode())
    return h.hexdigest()


def _code_fingerprint() -> str:
    """sitegen's own source files by (path, size, mtime): a changed sitegen is another version."""
    root = Path(__file__).resolve().parent
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                found.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(found)


def _shard(page_id: str) -> str:
    return f"pages-{zlib.crc32(page_id.encode()) % SHARDS:02d}"


def _split(state: EngineState) -> dict[str, tuple[Any, ...]]:
    """The state as pieces by name, each a tuple of plain items (see the module's docstring); the output files'
    piece is `PendingCache.finish`'s."""
    loads = state.loads.__getstate__()
    render = state.render.__getstate__()
    entries: dict[str, Any] = loads["entries"]  # type: ignore[assignment]
    stats: dict[str, Any] = loads["stats"]  # type: ignore[assignment]
    versions: dict[str, Any] = render["versions"]
    outputs: dict[tuple[str, str], Any] = render["entries"]
    last: Any = loads["last"]
    site_pages: Mapping[str, Any] = last[1].pages if last is not None else {}
    if last is not None and not all(entries.get(it.source.rel_path, (0, None))[1] is it for it in last[0].loaded):
        last, site_pages = None, {}  # (not one object per page: kept without the last model, which is only a shortcut)
    ids = {*entries, *stats, *versions, *site_pages, *(name for kind, name in outputs if kind == "article")}
    shards: dict[str, list[tuple[Any, ...]]] = {}
    for page_id in sorted(ids):
        record = (
            page_id,
            entries.get(page_id),
            stats.get(page_id),
            site_pages.get(page_id),
            versions.get(page_id),
            outputs.get(("article", page_id)),
        )
        shards.setdefault(_shard(page_id), []).append(record)
    pieces: dict[str, tuple[Any, ...]] = {name: tuple(records) for name, records in shards.items()}
    by_kind: dict[str, list[Any]] = {}
    for (kind, name), entry in outputs.items():
        if kind != "article":
            by_kind.setdefault(f"outputs-{kind}", []).append(((kind, name), entry))
    pieces.update((name, tuple(items)) for name, items in by_kind.items())
    related: dict[str, Any] = loads["related"]  # type: ignore[assignment]
    pieces["related"] = tuple(sorted(related.items()))
    model = None
    if last is not None:
        inputs, site = last
        model = (
            dataclasses.replace(inputs, loaded=[]),
            tuple(it.source.rel_path for it in inputs.loaded),
            dataclasses.replace(site, pages=MappingProxyType({})),
            tuple(site.pages),
        )
    pieces["model"] = (loads["timezone"], model, render["site_key"], render["counter"])
    return pieces


def _join(pieces: dict[str, tuple[Any, ...]]) -> Saved:
    """`_split` undone; raises (`KeyError`, `ValueError`, ...) when the pieces do not fit together."""
    entries: dict[str, Any] = {}
    stats: dict[str, Any] = {}
    pages: dict[str, Any] = {}
    versions: dict[str, Any] = {}
    outputs: dict[tuple[str, str], Any] = {}
    for name, items in pieces.items():
        if name.startswith("pages-"):
            for page_id, entry, seen, page, version, article in items:
                if entry is not None:
                    entries[page_id] = entry
                if seen is not None:
                    stats[page_id] = seen
                if page is not None:
                    pages[page_id] = page
                if version is not None:
                    versions[page_id] = version
                if article is not None:
                    outputs[("article", page_id)] = article
        elif name.startswith("outputs-"):
            outputs.update(items)
    timezone, model, site_key, counter = pieces["model"]
    last = None
    if model is not None:
        inputs, loaded_ids, site, page_ids = model
        last = (
            dataclasses.replace(inputs, loaded=[entries[i][1] for i in loaded_ids]),
            dataclasses.replace(site, pages=MappingProxyType({i: pages[i] for i in page_ids})),
        )
    loads = LoadCache()
    loads.__setstate__(
        {"entries": entries, "timezone": timezone, "related": dict(pieces["related"]), "last": last, "stats": stats}
    )
    render = RenderCache()
    render.__setstate__({"site_key": site_key, "versions": versions, "counter": counter, "entries": outputs})
    files = {row[0]: KeptFile._make(row[1:]) for row in pieces[FILES_PIECE]}
    return Saved(EngineState(loads, render), files)


def _same(new: Any, old: Any) -> bool:
    """Whether `new` pickles as `old` did: the very objects, or tuples of them, or equal strings, numbers or pages
    (a page made again equal, with the same body: a title edit makes every `Page` again)."""
    if new is old:
        return True
    kind = type(new)
    if kind is not type(old):
        return False
    if kind is tuple:  # (the very objects, told apart at C speed first: most of an unchanged shard's records)
        return len(new) == len(old) and (all(map(operator.is_, new, old)) or all(map(_same, new, old)))
    if kind in (str, int):
        return bool(new == old)
    if kind is Page:
        return bool(new == old) and new.body_source is old.body_source and new.key_lines == old.key_lines
    return False


def read_cache(site_dir: Path, key: str) -> Saved | None:
    """The saved state for `key`, or `None` when there is none or it cannot be trusted (logged, never raised).

    The cyclic garbage collector waits meanwhile, and what was read is then frozen (`gc.freeze`) until the
    caller's `thaw`: the state is hundreds of thousands of new objects and no garbage, which the collector
    walked again and again as the heap grew from nothing, and again in each older generation after.
    """
    with frozen():
        return _read_cache(site_dir, key)


@contextmanager
def frozen() -> Iterator[None]:
    """The cyclic garbage collector waits while the block runs; then what exists is frozen (`gc.freeze`) until
    `thaw`: for what a build reads and keeps to its end (the build cache's state, the spare's records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def thaw() -> None:
    """Let the collector see again what `frozen` froze (at the end of the build that read it)."""
    gc.unfreeze()


def _read_cache(site_dir: Path, key: str) -> Saved | None:
    path = cache_path(site_dir)
    try:
        with open(path, "rb") as fh:
            if fh.readline() != MAGIC:
                return _ignored("not a sitegen build cache")
            header = json.loads(fh.readline())
            if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != __version__:
                return _ignored("written by another sitegen version")
            if header.get("key") != key:
                return _ignored("made with another config, theme, sitegen or output folder")
            table = fh.read()
        if (header.get("length"), header.get("crc")) != (len(table), zlib.crc32(table)):
            return _ignored("truncated or damaged")
        named = json.loads(table)["pieces"]
        folder = path.parent / PIECES_DIR
        read: dict[str, _Read] = {}
        targets: dict[Ref, Any] = {}
        # Every piece is read into one buffer, as large as the largest: not a new `bytes` of each piece's size
        # (60 MB at 5,000 articles, each allocated, faulted in and freed again).
        buffer = memoryview(bytearray(max((row[2] for row in named), default=0)))
        # The page shards first: the other pieces refer to the articles they hold (`_RefPickler`).
        for name, file, size, crc in sorted(named, key=lambda row: not row[0].startswith("pages-")):
            if not targets and not name.startswith("pages-"):
                targets = _ref_targets({("article", r[0]): r[5] for n in read for r in read[n].items if r[5]})
            data = buffer[:size]
            with open(folder / file, "rb", buffering=0) as fh:
                whole = os.fstat(fh.fileno()).st_size == size and _read_into(fh, data)
            if not whole or zlib.crc32(data) != crc:
                return _ignored(f"piece {name} is truncated or damaged")
            _Resolving.targets, _Resolving.used = targets, {}
            try:
                items = pickle.loads(data)
            except Exception as exc:  # noqa: BLE001 - a damaged pickle can raise almost anything; it is a cache
                return _ignored(f"cannot be loaded ({type(exc).__name__})")
            finally:
                used, _Resolving.targets, _Resolving.used = _Resolving.used, MappingProxyType({}), {}
            del data
            if not isinstance(items, tuple):
                return _ignored("holds something else")
            read[name] = _Read(file, size, crc, items, used)
        try:
            saved = _join({name: r.items for name, r in read.items()})
        except Exception as exc:  # noqa: BLE001 - pieces that do not fit: the same
            return _ignored(f"its pieces do not fit together ({type(exc).__name__})")
    except FileNotFoundError:
        return None if not path.exists() else _ignored("a piece is missing")
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return _ignored(f"unreadable ({exc})")
    saved.state.origin = read
    return saved


def _read_into(fh: Any, data: memoryview) -> bool:
    """Fill `data` from the unbuffered file `fh`; whether it held that many bytes."""
    done = 0
    while done < len(data):
        got = fh.readinto(data[done:])
        if not got:
            return False
        done += got
    return True


def _ignored(why: str) -> Saved | None:
    log.info("build cache ignored: %s; building from scratch", why)
    return None


def write_cache(site_dir: Path, key: str, saved: Saved) -> None:
    """Save `saved`: the pieces that changed, then the index naming them (atomically); then drop unnamed pieces.

    A failure only costs the next build its speed.
    """
    with PendingCache(site_dir, key, saved.state, fork=False) as pending:
        pending.finish(saved.files)


Row = tuple[str, str, int, int]
"""A piece as the index names it: (its name, its file's name, size, CRC-32)."""
Todo = tuple[str, tuple[Any, ...], Mapping[int, Ref]]
"""A piece to write: its name, its items, and the objects it saves as references (`_RefPickler`)."""


class PendingCache:
    """A build cache being written: the state's pieces from the start, the output files' piece and the index when
    `finish` is given the files (`build` knows them only once its output is swapped in).

    Which pieces changed is worked out here, at once; with `fork`, a forked child (`workers.Forked`) pickles and
    writes those while this process goes on: it reads a copy-on-write image of the state, whose changed pieces
    (the search scores' arrays, after a body edit) are few objects, so few pages are copied. Leaving the `with`
    block without `finish` (an error, Ctrl-C) kills a child that still runs; pieces written then are named by no
    index, and removed when the next index is written. A failure only costs the next build its speed.
    """

    def __init__(self, site_dir: Path, key: str, state: EngineState, *, fork: bool) -> None:
        self.path = cache_path(site_dir)
        self.folder = self.path.parent / PIECES_DIR
        self.key = key
        self.read: dict[str, _Read] = state.origin if isinstance(state.origin, dict) else {}
        self._child: Forked[list[Row]] | None = None
        self._kept: list[Row] = []
        self._written: list[Row] | OSError = []
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._written = exc
            return
        self._kept, todo = _changed(self.folder, state, self.read)
        if fork and todo:
            try:
                self._child = Forked(functools.partial(_write_pieces, self.folder, todo), "sitegen-cache")
                return
            except OSError as exc:  # (no fork: no memory or processes left for one) written here instead
                log.info("could not fork to write the build cache (%s)", exc)
        try:
            self._written = _write_pieces(self.folder, todo)
        except OSError as exc:
            self._written = exc

    def finish(self, files: Mapping[str, KeptFile]) -> None:
        """Write the piece of `files` and the index naming every piece; then remove the pieces no index names."""
        try:
            written = self._child.result() if self._child is not None else self._written
            if isinstance(written, OSError):
                raise written
            items = tuple((p, f.digest, f.size, f.mtime_ns, f.inode) for p, f in files.items())
            kept, todo = _kept_or_todo(self.folder, FILES_PIECE, items, self.read.get(FILES_PIECE), {}, {})
            named = [*self._kept, *kept, *written, *_write_pieces(self.folder, todo)]
            remove_dead_temps(self.path.parent, CACHE_FILE)  # (the index's, of builds killed while saving)
            table = json.dumps({"pieces": named}).encode()
            header = {
                "format": FORMAT,
                "version": __version__,
                "key": self.key,
                "length": len(table),
                "crc": zlib.crc32(table),
            }
            write_atomic(self.path, MAGIC + json.dumps(header).encode() + b"\n" + table, durable=False)
            _drop_unnamed(self.folder, {row[1] for row in named})
            log.info("build cache: %d of %d pieces written", len(named) - len(self._kept) - len(kept), len(named))
        except OSError as exc:
            log.warning("could not save the build cache (%s); the next build starts from scratch", exc)

    def close(self) -> None:
        """Kill the child if it still runs (what it wrote stays unnamed)."""
        if self._child is not None:
            self._child.close()

    def __enter__(self) -> PendingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _changed(folder: Path, state: EngineState, read: Mapping[str, _Read]) -> tuple[list[Row], list[Todo]]:
    """The state's pieces (all but the output files'): the rows of those `read` holds as they are, and the rest."""
    targets = _ref_targets(state.render.__getstate__()["entries"])
    refs = {id(target): ref for ref, target in targets.items()}
    kept: list[Row] = []
    todo: list[Todo] = []
    for name, items in _split(state).items():
        rows, more = _kept_or_todo(
            folder, name, items, read.get(name), targets, {} if name.startswith("pages-") else refs
        )
        kept += rows
        todo += more
    return kept, todo


def _kept_or_todo(
    folder: Path,
    name: str,
    items: tuple[Any, ...],
    before: _Read | None,
    targets: Mapping[Ref, Any],
    refs: Mapping[int, Ref],
) -> tuple[list[Row], list[Todo]]:
    """Piece `name`: its row as read, if it holds the very objects it was read with (and its references still
    name theirs) and its file is still there; else it is to be written."""
    if (
        before is not None
        and _same(items, before.items)
        and all(targets.get(ref) is target for ref, target in before.used.items())
        and _has(folder / before.file, before.size)
    ):
        return [(name, before.file, before.size, before.crc)], []
    return [], [(name, items, refs)]


def _write_pieces(folder: Path, todo: list[Todo]) -> list[Row]:
    """Write these pieces (`_write_piece`); their rows. Raises `OSError`."""
    return [(name, *_write_piece(folder, items, refs)) for name, items, refs in todo]


def _has(path: Path, size: int) -> bool:
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False


def _write_piece(folder: Path, items: tuple[Any, ...], refs: Mapping[int, Ref]) -> tuple[str, int, int]:
    """Pickle `items` into a new file of `folder`, the objects of `refs` as references; (its name, size, CRC-32).
    Not synced to disk: a piece is checked against its size and CRC when read. The name is random, not a digest
    of the bytes (25 MB hashed after each body edit): a new file, so no index ever names other bytes under it.

    The pickle goes to a temp file as it is made, then is renamed: the bytes of a piece (the search scores: 4.4 KB
    an article at 5,000) are never held in memory beside the state they copy."""
    name = secrets.token_hex(16)
    tmp = folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}{TEMP_SUFFIX}"  # (a `write_atomic` temp name)
    try:
        with open(tmp, "wb") as raw:
            out = _Checksumming(raw)
            (_RefPickler(out, refs) if refs else _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)).dump(items)
        os.replace(tmp, folder / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return name, out.size, out.crc


class _Checksumming:
    """A file that `pickle` writes to, counting and checksumming (CRC-32) what it writes (`_write_piece`)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.crc = 0
        self.size = 0

    def write(self, data: Any) -> int:
        self.crc = zlib.crc32(data, self.crc)
        written: int = self.raw.write(data)
        self.size += written
        return written


def _drop_unnamed(folder: Path, named: set[str]) -> None:
    """Remove pieces the index does not name, and temp files of builds killed while saving."""
    for entry in os.scandir(folder):
        temp = temp_file_of(entry.name)
        if entry.name in named or temp is not None and temp[1]:  # (a temp file of a build saving now)
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def remove_cache(site_dir: Path) -> None:
    """Forget the saved state (before the output folder it describes is replaced): its index; the pieces wait
    for the next index to be written."""
    try:
        os.unlink(cache_path(site_dir))
    except FileNotFoundError:
        pass
