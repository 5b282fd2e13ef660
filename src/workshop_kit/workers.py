"""Independent jobs spread over the machine's cores by worker processes.

On Linux the workers are forked: a worker reads everything the parent has
already prepared (the laid-out faces, registered fonts) without copying
it through pickles; only each job's argument and result cross the process
boundary. Where forking a process is unsafe (macOS, whose system
libraries may not survive a fork) or impossible (Windows), the workers
start fresh, by 'forkserver' or 'spawn': the job function is pickled once
for each worker, so it must be a module-level function or a
functools.partial of one. WORKSHOP_KIT_START_METHOD names another start
method, or 'none' to run every job in the process itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from typing import Callable, Literal, Sequence, TypeVar, overload

from workshop_kit.stop import held, ignore_in_worker

A = TypeVar("A")
R = TypeVar("R")
START_METHOD = "WORKSHOP_KIT_START_METHOD"

_job: Callable | None = None


def _call(indexed):
    index, arg = indexed
    assert _job is not None  # set before the fork, or by _start in each worker
    return index, _job(arg)


def _start(job: Callable | None) -> None:
    """Set up a worker: signals, and (unless forked) the job it runs. A
    worker lives for one build step and makes little cyclic garbage, so
    the cyclic garbage collector is off there: its passes over the objects
    the worker inherited took time and made the pages that hold them
    copies of the parent's."""
    global _job
    gc.disable()
    ignore_in_worker()
    if job is not None:
        _job = job


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def start_method() -> str | None:
    """How worker processes start here; None to use none."""
    wanted = os.environ.get(START_METHOD, "").strip().lower()
    if wanted:
        return None if wanted == "none" else wanted
    if sys.platform.startswith("linux"):
        return "fork"  # the quickest, and safe: nothing here runs threads when it forks
    if sys.platform == "win32":  # pragma: no cover - not on Linux
        return "spawn"
    return "forkserver"  # pragma: no cover - macOS and the BSDs


@overload
def fork_map(fn: Callable[[A], R], args: Sequence[A], finished: Callable[[int, R], None] | None = None,
             parallel: bool = True, keep: Literal[True] = True,
             meanwhile: Callable[[], None] | None = None) -> list[R]: ...
@overload
def fork_map(fn: Callable[[A], R], args: Sequence[A], finished: Callable[[int, R], None] | None = None,
             parallel: bool = True, *, keep: Literal[False],
             meanwhile: Callable[[], None] | None = None) -> list[None]: ...


def fork_map(fn: Callable[[A], R], args: Sequence[A],
             finished: Callable[[int, R], None] | None = None, parallel: bool = True,
             keep: bool = True, meanwhile: Callable[[], None] | None = None) -> list[R] | list[None]:
    """[fn(a) for a in args], on several cores where that can help (and
    `parallel`: False runs them here, where starting workers costs more
    than the work); `finished(i, result)` is called as soon as the i-th
    result is in, in the order they come in. With `keep` False the results
    are not kept (the list is all None): `finished` takes each one.
    `meanwhile()` is called here once the workers have started (or first,
    where there are none): work of this process that need not wait for
    theirs."""
    global _job
    workers = min(len(args), cores())
    method = start_method()
    results: list = [None] * len(args)
    if workers < 2 or method is None or not parallel:
        if meanwhile:
            meanwhile()
        for index, arg in enumerate(args):
            result = fn(arg)
            if finished:
                finished(index, result)
            results[index] = result if keep else None
        return results
    context = multiprocessing.get_context(method)
    forked = method == "fork"
    _job = fn
    pool = None
    try:
        # Ctrl-C and SIGTERM wait while the workers start: an exception in
        # the middle of a fork would be lost, and a worker not yet set up
        # would not die of its pool's SIGTERM.
        with held():
            gc.freeze()  # what the parent has made is not collected in the workers, nor touched
            pool = context.Pool(workers, initializer=_start, initargs=(None if forked else fn,))
        found = pool.imap_unordered(_call, enumerate(args), chunksize=1)
        if meanwhile:
            meanwhile()
        for index, result in found:
            if finished:
                finished(index, result)
            results[index] = result if keep else None
        return results
    finally:
        _job = None
        gc.unfreeze()
        if pool is not None:
            with held():
                pool.terminate()
