"""A build job: files made together by one worker, and what the manifest
says of them. Build jobs run on worker processes (workers.fork_map); the
worker writes the files into the staging folder, only their places come
back, and the manifest is written in the parent. A job's
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


@dataclass(frozen=True)
class Staged:
    """A file that the worker staged itself, in place of its bytes: where
    it lies in the staging folder and its size (len() of it)."""

    path: Path
    size: int

    def __len__(self) -> int:
        return self.size


Made = dict[str, "bytes | Staged"]  # a job's files as the build process gets them


@dataclass
class Job:
    """`make` returns the files' bytes by name; `record` adds their entries to
    the manifest once they are made (some entries depend on the bytes: see
    `content`);
    `files`: how many files `make` returns, for the progress of a build."""

    make: Callable[[], dict[str, bytes]]
    record: Callable[[Manifest, Made], None]
    files: int = 1


def file_job(name: str, make: Callable[[], bytes], **entry) -> Job:
    """A job for one file whose manifest entry is known in advance."""
    return Job(partial(_named, name, make), lambda manifest, _: manifest.add_file(path=name, **entry))


def _named(name: str, make: Callable[[], bytes]) -> dict[str, bytes]:
    return {name: make()}


PART = "\x00part "  # in the name of a part of a file drawn in parts (output/deck_parts.py); no file name has a NUL


def content(data: bytes | Staged) -> bytes:
    """The bytes of a file a job made, staged or not (a record that reads
    a picture's size or a PDF's pages reads them back from the disk)."""
    return data.path.read_bytes() if isinstance(data, Staged) else data


def run_job(font: str, makes: list[Callable[[], dict[str, bytes]]], staging: tuple[Path, Path], i: int) -> Made:
    """The files of job i, in a worker; the kit's font is registered first
    (by name, as the faces name it), since a worker that did not start by
    fork has no font registered. Each whole file is written into the
    `staging` folder (that folder, the output folder) here, and only its
    place and size go back: the build process does not take in megabytes
    of pictures and PDFs, and the next job starts sooner. The parts of a
    file drawn in parts go back, to be joined."""
    family(font)
    files: Made = dict(makes[i]())
    folder, out = staging
    for name, data in files.items():
        if PART not in name:
            stage(folder, out, name, data)  # type: ignore[arg-type]  # (bytes: nothing is staged twice)
            files[name] = Staged(folder / name, len(data))
    return files
