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

from workshop_kit.fingerprints import KIT_PATTERNS, kit_files

STEP_MS = 50  # how long the folder must be quiet before a batch of changes counts
QUIET_MS = 200  # how often the watch looks up when nothing happens


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


class KitChanges:
    """Each batch of saved changes to the kit's files, as their kit-relative
    names, until Ctrl-C.

    Made before the first build, it remembers how the files were then, so a
    file saved while that build ran, before the operating system's watch
    began, still counts as changed."""

    def __init__(self, root: Path, out: Path):
        self.root = root
        self.kit_files = KitFiles(root, out)
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        states = {}
        for path in kit_files(self.root):
            stat = path.stat()
            states[path.relative_to(self.root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
        return states

    def __iter__(self) -> Iterator[list[str]]:
        first = True
        for batch in watch(self.root, watch_filter=self.kit_files, step=STEP_MS, raise_interrupt=False,
                           yield_on_timeout=True, rust_timeout=QUIET_MS):
            names = {name for _, path in batch if (name := self.kit_files.relative(path)) is not None}
            if first:  # the watch is on now: what changed while it started?
                now = self.snapshot()
                names |= {name for name in now.keys() | self.before.keys()
                          if now.get(name) != self.before.get(name)}
                first = False
            if names:
                yield sorted(names)
