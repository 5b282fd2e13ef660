"""Python's cyclic garbage collector, held off while a build runs.

A build makes hundreds of thousands of objects that live until it ends
(the content model, the laid-out faces, the pages) and next to no cyclic
garbage, but the collector's full passes walked all of them again and
again as they were made: in a build of 1000 cards, 0.15 s of 2.2 s, in
the build process alone (the workers run without it, workers.py). So a
build runs with the collector off, and a `watch`, which runs for hours,
turns it on again between its rebuilds. Python collects once more as it
exits, walking everything still there; a one-off command that is done
hands what it made to the exit uncollected (`leave_to_exit`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off in the block (and on again after it, if it was on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def leave_to_exit() -> None:
    """Nothing made so far is collected again, not even as Python exits:
    for a command that has done its work, before the collector is on
    again (which would begin with a full pass)."""
    gc.freeze()
