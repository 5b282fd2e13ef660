"""Independent jobs spread over the machine's cores by forked workers.

Forking lets a worker read everything the parent has already prepared
(the laid-out faces, registered fonts) without copying it through pickles;
only each job's argument and result cross the process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Sequence, TypeVar

A = TypeVar("A")
R = TypeVar("R")

_job: Callable | None = None


def _call(indexed):
    index, arg = indexed
    return index, _job(arg)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def fork_map(fn: Callable[[A], R], args: Sequence[A],
             finished: Callable[[int], None] | None = None) -> list[R]:
    """[fn(a) for a in args], on several cores where that can help;
    `finished(i)` is called as soon as the i-th result is in."""
    global _job
    workers = min(len(args), cores())
    results: list = [None] * len(args)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for index, arg in enumerate(args):
            results[index] = fn(arg)
            if finished:
                finished(index)
        return results
    _job = fn
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for index, result in pool.imap_unordered(_call, enumerate(args), chunksize=1):
                results[index] = result
                if finished:
                    finished(index)
        return results
    finally:
        _job = None
