"""Atomic output: everything is staged first, then moved into place.

A build writes every file into a staging folder in the output folder.
Each file that cannot be made again from the others (not the thumbnails,
which a rebuild redraws when one is not whole) is made durable (fsync) by
a thread of its own as soon as it is staged, while the others are still
drawn. Only when all of them are on the disk is each moved
over its old version with os.replace (atomic on one file system: a reader
finds the old file or the new one, never none), the manifest last, and
the folders they went into are made durable. A crash
(power lost) leaves each file the old version or the whole new one. The old
versions wait in the staging folder until every new file is in place, and
go back if one cannot be moved, so a build that fails at any point leaves
the previous output exactly as it was. A file that cannot be written is
an OutputError that names it and says why, in a line.

A staging folder carries its process's id in its name
(`.staging-<pid>-<random>`); one whose process is gone (a build killed
with SIGKILL, or a machine that lost power) is removed by the next
Staging in that folder. Folders of builds still running are left alone.
"""

from __future__ import annotations

import errno
import os
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from workshop_kit.stop import finishing

PREFIX = ".staging-"
OWNER = ".owner"  # the name of the machine whose process stages there
PREVIOUS = ".previous"  # old versions of the files, until the new ones are all in place
WINDOWS = os.name == "nt"
OLD_STAGING_AGE = 24 * 3600  # seconds after which a staging folder without a process id is removed


class OutputError(Exception):
    """A file or folder of the output cannot be written."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}")

    def __reduce__(self):  # (raised in a worker process, it is sent to the build's)
        return OutputError, (self.path, self.reason)


def stage(folder: Path, out_dir: Path, name: str, data: bytes) -> None:
    """Write the file `name` into the staging `folder` of the output folder
    `out_dir`; an OutputError that names it there if it cannot be."""
    path = folder / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as error:
        raise output_error(error, out_dir / name) from None


def output_error(error: OSError, path: Path | str) -> OutputError:
    """An OSError met while writing `path`, as the user can act on it."""
    path = Path(path)
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        blocker = _file_in_the_way(path)
        if blocker is not None:
            return OutputError(path, "it is a file, not a folder" if blocker == path
                               else f"{blocker} is a file, not a folder")
    if isinstance(error, PermissionError) and WINDOWS and path.is_file():
        # Windows does not replace a file that a program (a PDF viewer) has open.
        held_by = "the PDF viewer" if path.suffix.lower() == ".pdf" else "the program that has it open"
        return OutputError(path, f"close {path.name} in {held_by} and build again")
    return OutputError(path, REASONS.get(error.errno) or error.strerror or str(error))


REASONS = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk is full",
    errno.EROFS: "the disk or folder is read-only",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EISDIR: "a folder is in the way",
}


def _file_in_the_way(path: Path) -> Path | None:
    """The path itself or the nearest folder above it that is a file."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


class Staging:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.names: list[str] = []
        self.durable: dict[str, Future] = {}  # the files made durable before they are moved, and each one's sync
        self._syncer: ThreadPoolExecutor | None = None
        try:
            with finishing():  # (a stop waits until the folder is made and named in self.dir)
                self.out_dir.mkdir(parents=True, exist_ok=True)
                remove_stale(self.out_dir)
                self.dir = Path(_tempfile().mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=self.out_dir))
                owner = self.dir / f"{OWNER}.new"  # the name is there complete or not at all
                owner.write_text(_host(), encoding="utf-8")
                os.replace(owner, self.dir / OWNER)
        except BaseException as error:
            if hasattr(self, "dir"):
                self.discard()
            if isinstance(error, OSError):
                raise output_error(error, self.out_dir) from None
            raise

    def write(self, name: str, data: bytes, durable: bool = True) -> Path:
        """Stage a file; `durable` False for one that can be made again (a
        thumbnail), which is not synced to the disk of its own."""
        stage(self.dir, self.out_dir, name, data)
        self.adopt(name, durable)
        return self.dir / name

    def adopt(self, name: str, durable: bool = True) -> None:
        """Take in a file that a worker wrote into the staging folder (`stage`)."""
        self.names.append(name)
        if durable:
            if self._syncer is None:
                self._syncer = ThreadPoolExecutor(1, thread_name_prefix="workshop-kit-sync")
            self.durable[name] = self._syncer.submit(_fsync, self.dir / name)

    def commit(self, last: str | None = None) -> None:
        """Move every staged file into the output folder, `last` at the end;
        OutputError, with every old file back in place, if one cannot be."""
        order = [n for n in self.names if n != last] + ([last] if last in self.names else [])
        with finishing(written=True):
            try:
                self._sync()
                self._check_places(order)
                moved: list[tuple[Path, Path | None]] = []
                for name in order:
                    target = self.out_dir / name
                    try:
                        old = None
                        if target.exists() or target.is_symlink():
                            old = self.dir / PREVIOUS / name
                            old.parent.mkdir(parents=True, exist_ok=True)
                            _keep(target, old)
                        moved.append((target, old))
                        os.replace(self.dir / name, target)
                    except OSError as error:
                        self._put_back(moved)
                        raise output_error(error, target) from None
                self._sync_folders()
            finally:
                self.discard()

    def _sync(self) -> None:
        """Wait until the durable files' bytes are on the disk, before any is moved."""
        for name, synced in self.durable.items():
            try:
                synced.result()
            except OSError as error:
                raise output_error(error, self.out_dir / name) from None

    def _sync_folders(self) -> None:
        """Make the moves of the durable files last (their folders' entries)."""
        if WINDOWS:  # pragma: no cover - a folder cannot be opened there, and a move is durable
            return
        for folder in dict.fromkeys((self.out_dir / name).parent for name in self.durable):
            try:
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError:
                pass  # every file is in place; only a crash in the next seconds could undo a move

    def _check_places(self, names: list[str]) -> None:
        """Make the folders the files go into; OutputError, before any file
        moves, when a file stands where a folder must go or a folder where a
        file must go."""
        for name in names:
            target = self.out_dir / name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise output_error(error, target.parent) from None
            if target.is_dir() and not target.is_symlink():
                raise OutputError(target, "a folder is in the way")

    @staticmethod
    def _put_back(moved: list[tuple[Path, Path | None]]) -> None:
        for target, old in reversed(moved):
            try:
                if old is None:
                    target.unlink(missing_ok=True)
                elif old.exists() or old.is_symlink():
                    os.replace(old, target)
            except OSError:
                pass  # what cannot go back stays in the staging folder's .previous

    def discard(self) -> None:
        with finishing():
            if self._syncer is not None:  # (no thread is left running: a build forks its workers)
                self._syncer.shutdown(cancel_futures=True)
                self._syncer = None
            _shutil().rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.discard()
        return False


def _keep(target: Path, old: Path) -> None:
    """Give the file at `target` a second name, `old`, to put it back by if
    the commit fails: it stays where it is until the new version replaces
    it, so that a reader (a PDF viewer that reloads the file a `watch`
    rewrites) never finds the file gone. On a disk without hard links it
    is moved there, as before."""
    try:
        os.link(target, old, follow_symlinks=False)
    except OSError:
        os.replace(target, old)


def _fsync(path: Path) -> None:
    with open(path, "r+b") as fh:
        os.fsync(fh.fileno())


def remove_stale(folder: Path) -> None:
    """Remove the staging folders in `folder` whose process is gone."""
    for path in folder.glob(f"{PREFIX}*"):
        if path.is_dir() and not path.is_symlink() and _stale(path):
            _shutil().rmtree(path, ignore_errors=True)


def _stale(path: Path) -> bool:
    if re.fullmatch(rf"{re.escape(PREFIX)}[a-z0-9_]{{8}}", path.name):  # made before they were named by process
        try:
            return time.time() - path.stat().st_mtime > OLD_STAGING_AGE
        except OSError:
            return False
    found = re.fullmatch(rf"{re.escape(PREFIX)}(\d+)-[a-z0-9_]{{8}}", path.name)
    if found is None:
        return False  # not a staging folder of workshop-kit
    try:
        host = (path / OWNER).read_text(encoding="utf-8")
    except OSError:
        host = None  # made by a process stopped (or still busy) before it wrote its name
    if host is not None and host != _host():
        return False  # a build on another machine (a shared folder), whose processes cannot be seen from here
    return not running(int(found.group(1)))


def running(pid: int) -> bool:
    """Whether a process with this id is running on this machine."""
    if pid == os.getpid():
        return True
    if WINDOWS:  # pragma: no cover - os.kill(pid, 0) would end the process there
        return _running_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    except OSError:
        return True
    return True


def _running_on_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]  # Windows only
    synchronize, query = 0x00100000, 0x1000
    handle = kernel32.OpenProcess(synchronize | query, False, pid)
    if not handle:
        return ctypes.get_last_error() == 5  # type: ignore[attr-defined,unused-ignore]  # Windows only; access denied: it runs, as another user
    try:
        return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: not ended
    finally:
        kernel32.CloseHandle(handle)


# Imported when needed: the cli imports this module for OutputError, and
# the answer "Up to date" should not wait for them.

def _host() -> str:
    import socket

    return socket.gethostname()


def _tempfile():
    import tempfile

    return tempfile


def _shutil():
    import shutil

    return shutil
