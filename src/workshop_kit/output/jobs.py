"""A build job: files made together by one worker, and what the manifest
says of them. Build jobs run on worker processes (workers.fork_map); only
their bytes come back, and the manifest is written in the parent. A job's
`make` is a functools.partial of a module-level function, so that it
pickles for workers that do not start by fork."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

from workshop_kit.fonts import family
from workshop_kit.output.manifest import Manifest


@dataclass
class Job:
    """`make` returns the files' bytes by name; `record` adds their entries to
    the manifest once they are made (some entries depend on the bytes);
    `files`: how many files `make` returns, for the progress of a build."""

    make: Callable[[], dict[str, bytes]]
    record: Callable[[Manifest, dict[str, bytes]], None]
    files: int = 1


def file_job(name: str, make: Callable[[], bytes], **entry) -> Job:
    """A job for one file whose manifest entry is known in advance."""
    return Job(partial(_named, name, make), lambda manifest, _: manifest.add_file(path=name, **entry))


def _named(name: str, make: Callable[[], bytes]) -> dict[str, bytes]:
    return {name: make()}


def run_job(font: str, makes: list[Callable[[], dict[str, bytes]]], i: int) -> dict[str, bytes]:
    """The files of job i, in a worker; the kit's font is registered first
    (by name, as the faces name it), since a worker that did not start by
    fork has no font registered."""
    family(font)
    return makes[i]()
