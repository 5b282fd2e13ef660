"""Atomic output: everything is staged first, then moved into place.

A build writes every file into a staging folder beside the output folder.
Only when all of them exist is each moved over its old version with
os.replace (atomic on one file system), the manifest last. A build that
fails before that leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class Staging:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out_dir))
        self.names: list[str] = []

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.names.append(name)
        return path

    def commit(self, last: str | None = None) -> None:
        """Move every staged file into the output folder, `last` at the end."""
        order = [n for n in self.names if n != last] + ([last] if last in self.names else [])
        for name in order:
            target = self.out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.dir / name, target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.discard()
        return False
