"""A build job: files made together by one worker, and what the manifest
says of them. Build jobs run on worker processes (workers.fork_map); only
their bytes come back, and the manifest is written in the parent. A job's
`make` is a functools.partial of a module-level function, so that it
pickles for workers that do not start by fork."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from workshop_kit.fonts import family
from workshop_kit.output.files import stage
from workshop_kit.output.manifest import Manifest
from workshop_kit.output.thumbnails import is_contact_sheet


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


class Staged(int):
    """A file that the worker staged itself, in place of its bytes: its size
    (len() of it)."""

    def __len__(self) -> int:
        return int(self)


def run_job(font: str, makes: list[Callable[[], dict[str, bytes]]], staging: tuple[Path, Path], i: int
            ) -> dict[str, bytes | Staged]:
    """The files of job i, in a worker; the kit's font is registered first
    (by name, as the faces name it), since a worker that did not start by
    fork has no font registered. The contact sheets of index.html (megabytes
    of pictures for a large deck) are written into the `staging` folder
    (that folder, the output folder) here, and only their sizes go back."""
    family(font)
    files: dict[str, bytes | Staged] = dict(makes[i]())
    for name, data in files.items():
        if is_contact_sheet(name):
            stage(*staging, name, data)  # type: ignore[arg-type]  # (bytes: nothing is staged twice)
            files[name] = Staged(len(data))
    return files
