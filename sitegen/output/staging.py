"""`Staging`: the sibling temp folder a build fills, output by output, as the render makes them.

Outputs are written as soon as they are made (in the render workers too), so a build never holds
every page in memory; the folder is swapped in for the output folder only once complete
(`writer.replace_dir`), so a failed or interrupted build leaves the previous site as it was.

A file whose bytes equal the previous build's file at that path is hard-linked from it instead:
it keeps its bytes and its mtime (hosts and rsync see no change), and costs no write. The previous
files are trusted only as `Kept` says: their (size, mtime, inode) as the last build left them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.output.paths import resolve_out_path
from sitegen.output.writer import MARKER, MARKER_TEXT, copy_file
from sitegen.render.output import Output


class StaleOutputError(Exception):
    """A file of the previous build that the cache relies on is gone or changed: build again without the cache."""


@dataclass(frozen=True, slots=True)
class KeptFile:
    """A file of a finished build, as it was left on disk."""

    digest: str
    size: int
    mtime_ns: int
    inode: int


def digest_of(data: bytes) -> str:
    """The name of an output's bytes (BLAKE2b, 128 bits: fast, and collisions are not a concern here)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def verified(out_dir: Path, files: Mapping[str, KeptFile]) -> bool:
    """Whether every file of `files` is in `out_dir` exactly as the build that made it left it."""
    for out_path, kept in files.items():
        try:
            st = os.lstat(os.path.join(out_dir, out_path))
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (kept.size, kept.mtime_ns, kept.inode):
            return False
    return True


class Staging:
    """Writes outputs into `root` (a fresh temp folder), linking unchanged ones from `previous`."""

    def __init__(self, root: Path, previous: Path, kept: Mapping[str, KeptFile]) -> None:
        self.root = root
        self.previous = previous
        self.kept = kept
        """Files of `previous` verified to be as the last build left them (`verified`)."""
        self._dirs: set[str] = set()

    def stream(self, output: Output) -> Output:
        """Write `output` now; return it without its bytes (file-backed ones are copied by `finish`)."""
        if output.file is not None or output.digest is not None:
            return output
        digest = digest_of(output.data)
        self._place(output, digest)
        return Output(out_path=output.out_path, data=b"", source=output.source, digest=digest)

    def _target(self, output: Output) -> Path:
        target = resolve_out_path(self.root, output.out_path, output.source)
        parent = str(target.parent)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        return target

    def _place(self, output: Output, digest: str) -> None:
        target = self._target(output)
        kept = self.kept.get(output.out_path)
        if kept is not None and kept.digest == digest and self._link(output.out_path, target):
            return
        try:
            with open(target, "xb") as fh:  # "x": two outputs of one path are reported by `find_duplicates`
                fh.write(output.data)
        except FileExistsError:
            pass

    def _link(self, out_path: str, target: Path) -> bool:
        """Hard-link the previous build's file; `False` if that is not possible here (the caller writes)."""
        try:
            os.link(os.path.join(self.previous, out_path), target)
        except FileExistsError:
            return True
        except OSError:
            return False
        return True

    def finish(self, outputs: Iterable[Output]) -> dict[str, KeptFile]:
        """Write what `stream` did not, and the marker; return every streamed file as it now is on disk.

        Raises `StaleOutputError` when an output kept from the previous build is no longer there.
        """
        files: dict[str, KeptFile] = {}
        for output in outputs:
            target = self._target(output)
            if output.file is not None:
                if not os.path.lexists(target):
                    with open(output.file, "rb") as src, open(target, "xb") as dst:
                        copy_file(src, dst)
                continue
            digest = output.digest
            if not os.path.lexists(target):
                if digest is not None:  # rendered by an earlier build: its file is in the previous output
                    kept = self.kept.get(output.out_path)
                    if kept is None or kept.digest != digest or not self._link(output.out_path, target):
                        raise StaleOutputError(output.out_path)
                else:
                    digest = digest_of(output.data)
                    self._place(output, digest)
            assert digest is not None
            st = os.lstat(target)
            files[output.out_path] = KeptFile(digest, st.st_size, st.st_mtime_ns, st.st_ino)
        (self.root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return files
