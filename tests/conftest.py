"""Shared test helpers: inline mini-sites (Hugo txtar style), CLI runs, tree digests, `--update-golden`."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

import sitegen.workers
from sitegen.images.store import image_cache_dir
from sitegen.serve.server import DevHTTPServer

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Bytecode caches on for this run, its xdist workers and every `python -m sitegen` it starts, even when the
# caller's environment sets PYTHONDONTWRITEBYTECODE: without them each worker compiled and assertion-rewrote
# every test module anew (6.7 CPU s of collection per worker, 2.7 s with them) and each child process compiled
# the sitegen modules it imports (about 0.3 CPU s a process). The caches go to the `__pycache__/` folders
# that .gitignore ignores.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
    sys.dont_write_bytecode = False

# Ctrl-C as a terminal sends it, for this run and every process it starts, even when the run itself was started
# with SIGINT ignored (a shell's background job, `cmd &`, starts with SIGINT and SIGQUIT ignored, and an ignored
# signal stays ignored across exec): the tests that interrupt `sitegen build`, `serve` and the importer with
# SIGINT would otherwise see it have no effect. A handled signal is reset to the default by exec, so children
# get Python's own KeyboardInterrupt handler.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _ram_temp_root(shm: Path = Path("/dev/shm"), room: int = 4 << 30) -> Path | None:
    """A folder of ours on the RAM file system, if the machine has one with `room` bytes free, else `None`."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            if not any(line.split()[1:3] == [str(shm), "tmpfs"] for line in mounts):
                return None
        free = os.statvfs(shm)
        if free.f_bavail * free.f_frsize < room:
            return None
        folder = shm / f"sitegen-tests-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return folder


# Temp folders (pytest's tmp_path, and TMPDIR for this run, its workers and children: publish's temp builds,
# Chromium's profiles) on the RAM file system when there is one with room and the caller chose no temp folder:
# a run leaves some 40,000 files (270 MB) there and its builds write and delete more, and on this machine's
# ext4 disk (mounted with `discard`) creating and unlinking them waited on the disk. Passed tests' folders
# are removed at once (pyproject: tmp_path_retention_policy), so a run holds little memory; a failed test's
# stays for a look.
if "TMPDIR" not in os.environ and "PYTEST_DEBUG_TEMPROOT" not in os.environ and (_ram := _ram_temp_root()):
    os.environ["TMPDIR"] = os.environ["PYTEST_DEBUG_TEMPROOT"] = str(_ram)
    tempfile.tempdir = None  # (gettempdir() caches its answer)

MINIMAL_CONFIG = """\
title: "Тестовий дайджест"
base_url: "https://example.org/"
language: uk
timezone: Europe/Kyiv
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


SHARED_FIXTURE_MODULES = frozenset(
    {"test_archive.py", "test_groups.py", "test_outputs.py", "test_sharing.py", "test_sites_invalid.py"}
)
"""Test files whose tests share a site built once per test process (a module or session fixture): each is one
`xdist_group`, so that site is built on one worker, not on each worker that runs one of its tests."""


def group_of(path: Path) -> str | None:
    """The `xdist_group` a test file's tests get without a mark of their own, or `None` (spread over the workers).

    The browser tests are two groups: `sitegen serve`'s (tests/browser/test_serve.py, its own server and tabs)
    and all the others, which share one Chromium, the example digest served (`served_site`) and their files'
    fixture sites and tabs. Spread over both workers, each worker launched Chromium, built the example digest and
    each file's sites, and loaded their pages; the two groups keep both workers busy (the largest groups start
    first: `--dist loadgroup` orders its units by size).
    """
    if path.parent.name == "browser":
        return "served" if path.name == "test_serve.py" else "browser"
    return path.stem if path.name in SHARED_FIXTURE_MODULES else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup` on pytest 9.2: send the tests of one `xdist_group` to one worker again.

    pytest-xdist (3.8) groups them by appending `@group` to each test's id through `item._nodeid`,
    which pytest 9.2 no longer reads (ids live in `item._id`): the groups were silently split, so the
    600-page site of tests/test_cli.py was built, and one `sitegen serve` started, on every worker.
    Tests without a group of their own get their file's (`group_of`).
    """
    if not getattr(config.option, "loadgroup", False):  # (set by xdist on its workers for --dist loadgroup)
        return
    from _pytest.nodeid import NodeId

    for item in items:
        if item.get_closest_marker("xdist_group") is None and (group := group_of(item.path)) is not None:
            item.add_marker(pytest.mark.xdist_group(group))
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})  # fmt: skip
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)  # type: ignore[attr-defined]


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def write_tree(root: Path, txtar: str) -> Path:
    """Write `-- path --` sections of `txtar` under `root`; a missing sitegen.yaml gets a minimal one."""
    txtar = textwrap.dedent(txtar)
    current: str | None = None
    chunks: dict[str, list[str]] = {}
    for line in txtar.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("-- ") and stripped.endswith(" --") and len(stripped) > 6:
            current = stripped[3:-3].strip()
            chunks[current] = []
        elif current is not None:
            chunks[current].append(line)
    for rel, lines in chunks.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(lines), encoding="utf-8")
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "sitegen.yaml").exists():
        (root / "sitegen.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "seeds").mkdir(exist_ok=True)
    return root


@pytest.fixture
def make_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`make_site(txtar)` -> site folder with those files (Hugo txtar-style inline mini-sites)."""

    def make(txtar: str = "", name: str = "site") -> Path:
        return write_tree(tmp_path / name, txtar)

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Put the root logger's handlers and level back after each test: a test that calls `cli.main` itself sets
    them up as a run of `sitegen` does (`-q`: level ERROR, its own handler), and the next test in that process
    would lose its warnings (caplog's handler gone, or warnings below the level)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def run_main(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """`sitegen ARGS` in this process, as `run_cli` but without starting an interpreter (a tenth of the time).

    For everything but what needs a process of its own (signals, a terminal, a server, the
    console script): `cli.main` gets the arguments, the environment and the folder given, and
    prints into buffers; the logging set-up it changes is put back.
    """
    from sitegen.cli import main

    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    saved_env = {key: os.environ.get(key) for key in env or {}}
    saved_cwd = Path.cwd()
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, bad usage
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    finally:
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        root.handlers[:] = handlers
        root.setLevel(level)
    return Run(code, out.getvalue(), err.getvalue())


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """Run `python -m sitegen ARGS` in a subprocess, as a user would (with a time limit: a hang fails)."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def run_interrupted(phase: str, sig: signal.Signals, group: bool, *args: str, timeout: float = 60) -> Run:
    """`sitegen ARGS` in a process of its own, sent `sig` at a fixed point of `phase` (tests/interrupt_build.py).

    `group` sends it to the whole process group, as Ctrl-C in a terminal does (workers included); the
    child always gets a session of its own, so a group signal never reaches pytest. Its pipes are read
    on threads and every wait has a time limit (issue 17, fault 9: a test that read the pipe before its
    `wait(60)` hung for 12 minutes when the build did); a child still running then is killed.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    target = "group" if group else "self"
    command = [sys.executable, "-m", "tests.interrupt_build", phase, sig.name.removeprefix("SIG"), target, *args]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, start_new_session=True
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        out, err = LineReader(proc.stdout), LineReader(proc.stderr)
        try:
            code = proc.wait(timeout)
        finally:
            if proc.poll() is None:  # hung: fail with what it said, and leave no process behind
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        return Run(code, out.text(10), err.text(10))


def finish(proc: subprocess.Popen[Any], timeout: float = 60) -> tuple[Any, Any]:
    """`proc.communicate()` with a time limit; a child still running then is killed and the test fails.

    (`with Popen(...)` alone would wait for it with no limit on the way out.)
    """
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=10)
        raise AssertionError(f"{proc.args!r} still ran after {timeout} s; killed. stderr:\n{err}") from None


@contextlib.contextmanager
def serving(server: DevHTTPServer) -> Iterator[DevHTTPServer]:
    """`server` answering on a thread until the block ends; then its clients are woken and it is closed."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.state.stop()
        server.shutdown()
        server.server_close()


class LineReader:
    """Reads a child's text pipe on a thread, so the test waits on it only with a timeout (never blocks on it)."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float) -> bool:
        """True once a line containing `text` was read; False after `timeout` seconds or at the end of the pipe."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            if not self._thread.is_alive():
                return any(text in line for line in self.lines)
            time.sleep(0.002)
        return False

    def text(self, timeout: float) -> str:
        """Everything read, once the pipe ends (or `timeout` seconds passed)."""
        self._thread.join(timeout)
        return "".join(self.lines)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones too) -> sha256 of its bytes."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def copy_seed_site(dest: Path, *, pictures_cached: bool = True) -> Path:
    """A copy of the repo's example digest (config, seeds with their pictures, media/) to build in isolation.

    With `pictures_cached`, its image cache holds the processed pictures already (made once per test
    process): decoding and encoding the two photos took five sixths of each build of the example digest,
    and the cache gives the same bytes (tests/test_images.py tests the processing and the cache).
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "sitegen.yaml", dest / "sitegen.yaml")
    shutil.copytree(REPO / "seeds", dest / "seeds")
    shutil.copytree(REPO / "media", dest / "media")
    if pictures_cached:
        shutil.copytree(_seed_pictures(), image_cache_dir(dest))
    return dest


_SEED_PICTURES: list[Path] = []
_TEMP: list[pytest.TempPathFactory] = []


@pytest.fixture(scope="session", autouse=True)
def _session_temp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """This test process's temp folders, for helpers called without fixtures (`copy_seed_site`)."""
    _TEMP.append(tmp_path_factory)
    yield
    _TEMP.clear()
    _SEED_PICTURES.clear()


def _seed_pictures() -> Path:
    """The example digest's image cache after one build, made once per test run (not once per xdist worker:
    1.9 CPU s each, its forked image workers included).

    It is kept in pytest's temp folder (`tmp_path_factory`), which pytest itself prunes: an `atexit`
    hook and `tempfile.mkdtemp` before left a `sitegen-test-seed-pictures-*` folder in /tmp whenever
    a test process was ended without running those hooks (a worker killed, a run stopped). Under xdist it is
    in the run's folder, the parent of every worker's own: the first worker to need it builds it while holding
    a lock there, and moves it into place whole; the others wait for the lock and take it as it is.
    """
    if not _SEED_PICTURES:
        import fcntl

        from sitegen.build import BuildOptions, build

        assert _TEMP, "copy_seed_site(pictures_cached=True) runs inside a pytest session"
        own = _TEMP[0].getbasetemp()
        shared = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own
        ready = shared / "seed-pictures"
        with open(shared / "seed-pictures.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not ready.is_dir():
                root = _TEMP[0].mktemp("seed-pictures")
                site = copy_seed_site(root / "s", pictures_cached=False)
                build(site, BuildOptions(out_dir=root / "out"))
                image_cache_dir(site).rename(ready)
        _SEED_PICTURES.append(ready)
    return _SEED_PICTURES[0]


def many_pages(site: Path, count: int) -> Path:
    """A site with `count` generated articles (for progress and interruption tests), all in the past (2025)."""
    (site / "sitegen.yaml").parent.mkdir(parents=True, exist_ok=True)
    (site / "sitegen.yaml").write_text('title: "Великий дайджест"\nbase_url: "https://example.org/"\n', "utf-8")
    words = "Україна НАТО переговори безпека Брюссель делегація парламент гарантії війна мир".split()
    for i in range(count):
        month = 1 + i % 12
        folder = site / "seeds" / "2025" / f"{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        tags = ", ".join(words[(i + k) % len(words)] for k in range(3))
        body = "\n\n".join(" ".join(words[(i + k) % len(words)] for k in range(60)) for _ in range(6))
        (folder / f"a{i}.md").write_text(
            f'---\ntitle: "Новина номер {i}: {words[i % len(words)]}"\n'
            f"date: 2025-{month:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00+02:00\n"
            f'tags: [{tags}]\nsummary: "Короткий опис новини {i}."\n---\n{body}\n',
            "utf-8",
        )
    return site


def count_forks(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[int]:
    """Two cores (`workers.fork_pays`), and `module`'s `run_in_workers` spied on: how many workers each call forked."""
    forked: list[int] = []
    run_in_workers = module.run_in_workers

    def counted(*args: Any, **kwargs: Any) -> Any:
        forked.append(args[2])
        return run_in_workers(*args, **kwargs)

    monkeypatch.setattr(module, "run_in_workers", counted)
    monkeypatch.setattr(sitegen.workers, "available_cores", lambda: 2)
    return forked
