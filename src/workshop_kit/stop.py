"""Ctrl-C and SIGTERM as an exception that ends a command cleanly.

While a command runs, both signals raise `Stopped` in the main thread, so
that the staging folder of its output is removed on the way out and the
command line can end with one line and exit code 128 + the signal's
number. Inside `finishing()` (files being moved into place, a staging
folder being removed) a signal waits until the block is done, so a build
is never left half moved.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """The command was stopped by a signal; `written` when it came while
    the new output was being put in place, which was finished first."""

    def __init__(self, signum: int, written: bool = False):
        super().__init__(signum)
        self.signum = signum
        self.written = written

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        if self.written:
            return "Stopped; the new output had been written in full first."
        return "Stopped; nothing was written and the previous output is unchanged."


_depth = 0  # nested finishing() blocks
_waiting: list[int] = []  # signals that came inside them


def _stop(signum: int, frame) -> None:
    if _depth:
        _waiting.append(signum)
        return
    raise Stopped(signum)


@contextmanager
def stopping() -> Iterator[None]:
    """Raise Stopped on SIGINT and SIGTERM inside the block (in the main
    thread; elsewhere signals cannot be caught, and nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, _stop) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@contextmanager
def held() -> Iterator[None]:
    """Keep SIGINT and SIGTERM from this process inside the block (they come
    after it), for code that must not be interrupted by an exception at
    all, such as starting worker processes: a process forked inside starts
    with them held too, until ignore_in_worker."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def finishing(written: bool = False) -> Iterator[None]:
    """Let a signal that comes inside the block wait until it is done, then
    raise Stopped (`written`: the block put the new output in place)."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        came = [] if _depth else _waiting[:]
        if not _depth:
            _waiting.clear()
    if came:  # (an error on the way out goes first)
        raise Stopped(came[0], written)


def ignore_in_worker() -> None:
    """A worker process leaves Ctrl-C and SIGTERM to its parent: it leaves
    the process group that a terminal's Ctrl-C or `kill -- -PGID` signals
    (a worker killed at any point could die holding its pool's lock, and
    the pool could then not be ended), ignores Ctrl-C, and dies quietly on
    the SIGTERM with which its pool ends it when the parent is stopped."""
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
