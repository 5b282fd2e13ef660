"""A build job: files made together by one worker, and what the manifest
says of them. Build jobs run on forked workers (workers.fork_map); only
their bytes come back, and the manifest is written in the parent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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
    return Job(lambda: {name: make()}, lambda manifest, _: manifest.add_file(path=name, **entry))
