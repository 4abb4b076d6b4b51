"""`Staging`: the folder a build fills, output by output, as the render makes them.

Outputs are written as soon as they are made (in the render workers too), so a build never holds
every page in memory; the folder is swapped in for the output folder only once complete
(`writer.replace_dir`, `spare.replace_site`), so a failed or interrupted build leaves the previous
site as it was.

The folder is either fresh and empty (`--no-cache`), or the spare: the tree of the build before the
last one, kept beside the output folder (`spare.py`). Its files are trusted only as `base` records
them, and a file that is not what this build wants there is unlinked and made anew, never written
into: it may be a hard link of a file of the live site.

A file whose bytes equal the previous build's file at that path is hard-linked from it instead (or
left as it is, when the spare's file already is that very file): it keeps its bytes and its mtime
(hosts and rsync see no change), and costs no write. The previous files are trusted only as `Kept`
says: their (size, mtime, inode) as the last build left them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from sitegen.output.paths import out_file
from sitegen.output.writer import MARKER, MARKER_TEXT, copy_file
from sitegen.render.memory import release_freed
from sitegen.render.output import Output


class StaleOutputError(Exception):
    """A file of the previous build that the cache relies on is gone or changed: build again without the cache."""


class KeptFile(NamedTuple):
    """A file of a finished build, as it was left on disk (a named tuple: a cached build reads some 25,000 of them
    and compares 12,500, at C speed)."""

    digest: str
    size: int
    mtime_ns: int
    inode: int


Folders = Mapping[str, tuple[int, int]]
"""The folders of a tree below its root, by `/`-path: (mtime_ns, inode) as the build left them."""


def digest_of(data: bytes) -> str:
    """The name of an output's bytes (BLAKE2b, 128 bits: fast, and collisions are not a concern here)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def source_digest(path: Path) -> str:
    """The name of a file-backed output (a picture, a file of `static/`): its source file's identity.

    Never equal to a `digest_of` (it has a `:`); a source replaced, edited or touched gets another one.
    """
    st = os.stat(path)
    return f"file:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{path}"


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


def folders_of(out_paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of `out_paths`, at any depth (the root, `""`, left out)."""
    found: set[str] = set()
    for out_path in out_paths:
        folder = out_path.rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


class Staging:
    """Writes outputs into `root`, linking unchanged ones from `previous` (the live output folder).

    `root` is a fresh empty folder, or a spare holding the files and folders `base_files` and
    `base_folders` record (verified by the caller); after `finish` it holds exactly this build's outputs.
    """

    def __init__(
        self,
        root: Path,
        previous: Path,
        kept: Mapping[str, KeptFile],
        base_files: Mapping[str, KeptFile] | None = None,
        base_folders: Folders | None = None,
    ) -> None:
        self.root = root
        self.previous = previous
        self.kept = kept
        """Files of `previous` verified to be as the last build left them (`verified`)."""
        self.base_files: Mapping[str, KeptFile] = base_files or {}
        self.base_folders: Folders = base_folders or {}
        self.files: dict[str, KeptFile] = {}
        """Filled by `finish`: every file of the finished tree, as it is on disk."""
        self.folders: dict[str, tuple[int, int]] = {}
        """Filled by `finish`: the folders of the finished tree, as `Folders` says."""
        self._root = str(root)
        self._dirs: set[str] = {self._root} | {f"{self._root}/{folder}" for folder in self.base_folders}

    def stream(self, output: Output) -> Output:
        """Write `output` now; return it without its bytes (file-backed ones are copied by `finish`)."""
        if output.file is not None or output.digest is not None:
            return output
        digest = digest_of(output.data)
        self._place(output, digest)
        return Output(out_path=output.out_path, data=b"", source=output.source, digest=digest)

    def _target(self, output: Output) -> str:
        target = out_file(self._root, output.out_path, output.source)
        parent = target.rpartition("/")[0]
        if parent not in self._dirs:
            if self.base_files:
                self._clear_way(output.out_path)
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        return target

    def _clear_way(self, out_path: str) -> None:
        """Unlink the spare's files that stand where this output needs a folder (`a` for `a/index.html`)."""
        parts = out_path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            at = "/".join(parts[:depth])
            if at in self.base_files:
                try:
                    os.unlink(f"{self._root}/{at}")
                except (FileNotFoundError, IsADirectoryError):
                    pass

    def _make_room(self, out_path: str, target: str) -> None:
        """Take the spare's file or folder at `target` away: what is made there next is a new file."""
        if out_path in self.base_folders:
            shutil.rmtree(target, ignore_errors=True)
        elif out_path in self.base_files:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass

    def _place(self, output: Output, digest: str) -> None:
        target = self._target(output)
        kept = self.kept.get(output.out_path)
        if kept is not None and kept.digest == digest:
            base = self.base_files.get(output.out_path)
            if base is not None and base.inode == kept.inode:
                return  # the spare's file is the live site's file, hard-linked: it is already right
            if self._link(output.out_path, target):
                return
        self._make_room(output.out_path, target)
        try:
            with open(target, "xb") as fh:  # "x": two outputs of one path are reported by `find_duplicates`
                fh.write(output.data)
        except FileExistsError:
            pass

    def _link(self, out_path: str, target: str) -> bool:
        """Hard-link the previous build's file; `False` if that is not possible here (the caller writes)."""
        self._make_room(out_path, target)
        try:
            os.link(os.path.join(self.previous, out_path), target)
        except FileExistsError:
            return True
        except OSError:
            return False
        return True

    def _placed(self, out_path: str, target: str) -> os.stat_result | None:
        """The file this build put at `target` (streamed, linked or written), or `None` if it did not."""
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        base = self.base_files.get(out_path)
        if base is not None and (st.st_size, st.st_mtime_ns, st.st_ino) == (base.size, base.mtime_ns, base.inode):
            return None  # the spare's file, untouched
        return st

    def finish(self, outputs: Iterable[Output]) -> dict[str, KeptFile]:
        """Write what `stream` did not, drop what the spare held and this build does not, write the marker.

        Returns every file of the tree as it now is on disk (file-backed outputs named by `source_digest`),
        and fills `folders`. Raises `StaleOutputError` when an output kept from the previous build is no
        longer there.
        """
        release_freed()  # (the render's last steps: this grows a record of every file)
        files: dict[str, KeptFile] = {}
        touched: set[str] = set()  # the folders this build may have added a file to or removed one from
        for output in outputs:
            target = self._target(output)
            out_path = output.out_path
            if output.file is not None:
                digest = source_digest(output.file)
            elif output.digest is not None:
                digest = output.digest
            else:
                digest = digest_of(output.data)
                self._place(output, digest)
            kept = self.kept.get(out_path)
            if kept is not None and kept.digest != digest:
                kept = None
            base = self.base_files.get(out_path)
            if kept is not None and base is not None and base.inode == kept.inode:
                files[out_path] = kept  # the spare's file is the live site's: nothing was done, nothing to do
                continue
            touched.add(out_path.rpartition("/")[0])
            st = self._placed(out_path, target)
            if st is None:
                if kept is not None and self._link(out_path, target):
                    pass
                elif output.file is not None:
                    self._make_room(out_path, target)
                    with open(output.file, "rb") as src, open(target, "xb") as dst:
                        copy_file(src, dst)
                else:  # rendered by an earlier build: its file is in the previous output, or nowhere
                    raise StaleOutputError(out_path)
                st = os.lstat(target)
            files[out_path] = KeptFile(digest, st.st_size, st.st_mtime_ns, st.st_ino)
        wanted = folders_of(files)
        touched |= self._drop_the_rest(files, wanted)
        for folder in wanted - self.base_folders.keys():  # made by this build: it and its parent changed
            touched |= {folder, folder.rpartition("/")[0]}
        marker = self.root / MARKER
        marker.unlink(missing_ok=True)  # (a file is never written into: unlinked, then made anew)
        marker.write_text(MARKER_TEXT, encoding="utf-8")
        self.folders = {}
        for folder in wanted:
            recorded = self.base_folders.get(folder)
            if recorded is None or folder in touched:
                st = os.lstat(f"{self._root}/{folder}")
                recorded = (st.st_mtime_ns, st.st_ino)
            self.folders[folder] = recorded
        self.files = files
        return files

    def _drop_the_rest(self, files: Mapping[str, KeptFile], wanted: set[str]) -> set[str]:
        """Remove the spare's files and folders that are not this build's (`wanted`: the folders it needs).

        Returns the folders this changed.
        """
        touched: set[str] = set()
        for out_path in self.base_files.keys() - files.keys():
            touched.add(out_path.rpartition("/")[0])
            try:
                os.unlink(f"{self._root}/{out_path}")
            except (FileNotFoundError, IsADirectoryError):  # gone, or a folder of this build now
                pass
        removed: list[str] = []
        for folder in sorted(self.base_folders.keys() - wanted):
            touched.add(folder.rpartition("/")[0])
            if any(folder.startswith(f"{gone}/") for gone in removed[-1:]):
                continue  # (sorted: a folder's subfolders follow it)
            path = f"{self._root}/{folder}"
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            removed.append(folder)
        return touched
