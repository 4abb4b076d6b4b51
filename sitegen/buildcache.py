"""The persistent build cache: `.sitegen-cache/build.cache`, the engine's state between `sitegen build` runs.

The file holds a header line (format, sitegen version, a key over everything the state does not
track itself: sitegen's own code, `sitegen.yaml`, the theme's files, the build options and output
folder, and the payload's length and checksum), then the pickled `EngineState` with the files of
the output folder it made. It is trusted only if all of that matches and every output file is still
as that build left it; anything else (another version, theme or config, a truncated or garbled
file, a folder deleted or edited since) means a clean build, never a wrong one. It is written
atomically (temp file, then rename) and removed before the output folder is swapped, so an
interrupted build never leaves a cache that describes another site.

The payload is a pickle: the cache is as trusted as the site folder it lives in (whoever can write
it can also change `sitegen.yaml` or the theme).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import pickle
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

from sitegen import __version__
from sitegen.config import CONFIG_NAME, SiteConfig
from sitegen.engine import EngineState
from sitegen.images.store import CACHE_DIR
from sitegen.output.staging import KeptFile
from sitegen.processes import process_alive

log = logging.getLogger(__name__)

CACHE_FILE = "build.cache"
FORMAT = 1
MAGIC = b"sitegen build cache\n"
HEADER_SIZE = 400
"""Bytes kept for the header line (JSON, padded with spaces): written before the payload, filled in after."""
SMALL_FILE = 1 << 20
"""Theme files up to this size are keyed by their bytes; larger ones (pictures) by size and mtime."""


def _mapping_proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _dataclass(cls: type, names: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    obj: Any = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        object.__setattr__(obj, name, value)
    return obj


class _Pickler(pickle.Pickler):
    """pickle, with the model's read-only mappings and a fast path for slotted dataclasses.

    The content model keeps its mappings read-only (`MappingProxyType`), which pickle cannot save by
    itself; and pickle's own way for a slotted dataclass calls `dataclasses.fields` for every object
    (over a second for a 5,000-page state).
    """

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls is MappingProxyType:
            return _mapping_proxy, (dict(obj),)
        names = _FIELDS.get(cls)
        if names is None:
            if not (dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__):
                return NotImplemented
            names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
        return _dataclass, (cls, names, tuple(getattr(obj, n) for n in names))


class _Checksummed:
    """A file being written that counts and checksums what goes through it (the pickle streams into it)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.length = 0
        self.crc = 0

    def write(self, data: bytes) -> int:
        self.length += len(data)
        self.crc = zlib.crc32(data, self.crc)
        return self.fh.write(data)


def _checksum(fh: BinaryIO) -> tuple[int, int]:
    """(length, CRC-32) of the rest of `fh`, read in chunks: the payload is never held twice."""
    length, crc = 0, 0
    while chunk := fh.read(1 << 20):
        length += len(chunk)
        crc = zlib.crc32(chunk, crc)
    return length, crc


@dataclass(slots=True)
class Saved:
    """What one build leaves for the next: the engine's state and the output files it made."""

    state: EngineState
    files: dict[str, KeptFile]


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


def read_cache(site_dir: Path, key: str) -> Saved | None:
    """The saved state for `key`, or `None` when there is none or it cannot be trusted (logged, never raised)."""
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
            start = fh.tell()
            if (header.get("length"), header.get("crc")) != _checksum(fh):
                return _ignored("truncated or damaged")
            fh.seek(start)
            try:
                saved = pickle.load(fh)
            except Exception as exc:  # noqa: BLE001 - a damaged pickle can raise almost anything; it is a cache
                return _ignored(f"cannot be loaded ({type(exc).__name__})")
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return _ignored(f"unreadable ({exc})")
    if not isinstance(saved, Saved) or not isinstance(saved.state, EngineState):
        return _ignored("holds something else")
    return saved


def _ignored(why: str) -> Saved | None:
    log.info("build cache ignored: %s; building from scratch", why)
    return None


def write_cache(site_dir: Path, key: str, saved: Saved) -> None:
    """Save `saved` atomically (temp file, then rename); a failure only costs the next build its speed."""
    path = cache_path(site_dir)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    _sweep_leftovers(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(MAGIC)
            at = fh.tell()
            fh.write(b" " * HEADER_SIZE + b"\n")  # filled in once the payload's length and checksum are known
            out = _Checksummed(fh)
            _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(saved)
            header = {"format": FORMAT, "version": __version__, "key": key, "length": out.length, "crc": out.crc}
            line = json.dumps(header).encode()
            assert len(line) <= HEADER_SIZE
            fh.seek(at)
            fh.write(line.ljust(HEADER_SIZE))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not save the build cache (%s); the next build starts from scratch", exc)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _sweep_leftovers(path: Path) -> None:
    """Remove the temp files of earlier builds killed while saving (SIGKILL skips their clean-up)."""
    for leftover in path.parent.glob(f".{path.name}.tmp-*"):
        pid = leftover.name.rpartition("-")[2]
        if pid.isdigit() and not process_alive(int(pid)):
            try:
                os.unlink(leftover)
            except OSError:
                pass


def remove_cache(site_dir: Path) -> None:
    """Forget the saved state (before the output folder it describes is replaced)."""
    try:
        os.unlink(cache_path(site_dir))
    except FileNotFoundError:
        pass
