"""Independent jobs spread over the machine's cores by forked workers.

Forking lets a worker read everything the parent has already prepared
(the laid-out faces, registered fonts) without copying it through pickles;
only each job's argument and result cross the process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Sequence, TypeVar

from workshop_kit.stop import held, ignore_in_worker

A = TypeVar("A")
R = TypeVar("R")

_job: Callable | None = None


def _call(arg):
    return _job(arg)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def fork_map(fn: Callable[[A], R], args: Sequence[A]) -> list[R]:
    """[fn(a) for a in args], on several cores where that can help."""
    global _job
    workers = min(len(args), cores())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(a) for a in args]
    _job = fn
    pool = None
    try:
        # Ctrl-C and SIGTERM wait while the workers start: an exception in
        # the middle of a fork would be lost, and a worker not yet set up
        # would not die of its pool's SIGTERM.
        with held():
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=ignore_in_worker)
        return pool.map(_call, args, chunksize=1)
    finally:
        _job = None
        if pool is not None:
            with held():
                pool.terminate()
