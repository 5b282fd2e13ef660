"""Saved changes to a kit's YAML files, as they happen.

The operating system tells of changes (inotify on Linux, through
watchfiles); only the files a build reads count, never the output folder,
so a build does not wake itself up.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path

from watchfiles import watch

from workshop_kit.fingerprints import KIT_PATTERNS

STEP_MS = 50  # how long the folder must be quiet before a batch of changes counts


class KitFiles:
    """A watchfiles filter that passes the kit's YAML files only."""

    def __init__(self, root: Path, out: Path):
        self.root = root.resolve()
        self.out = out.resolve()

    def __call__(self, change, path: str) -> bool:
        return self.relative(path) is not None

    def relative(self, path: str) -> str | None:
        full = Path(path).resolve()
        if full == self.out or self.out in full.parents:
            return None
        try:
            name = full.relative_to(self.root).as_posix()
        except ValueError:
            return None
        return name if any(fnmatch.fnmatchcase(name, p) for p in KIT_PATTERNS) else None


def changes(root: Path, out: Path) -> Iterator[list[str]]:
    """Each batch of saved changes, as the kit-relative names of the files.

    Ends quietly on Ctrl-C."""
    kit_files = KitFiles(root, out)
    for batch in watch(root, watch_filter=kit_files, step=STEP_MS, raise_interrupt=False):
        names = sorted({kit_files.relative(path) for _, path in batch} - {None})
        if names:
            yield names
