"""Problems found in a kit's content, reported together and without tracebacks."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, pointing at where it is."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    # The file could not be read at all: told first, and what only follows
    # from it (links into it, say) is held back.
    unreadable: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ContentError(Exception):
    """Raised with every problem of a run, so all of them are shown at once."""

    def __init__(self, problems: list[Problem], held_back: int = 0):
        self.problems = sorted(
            set(problems),
            key=lambda p: (not p.unreadable, p.file, p.line or 0, p.column or 0, p.field, p.message),
        )
        self.held_back = held_back  # problems left out because they follow from an unreadable file
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path) -> str:
    """A path as the user would type it: relative to the kit when inside it."""
    for inside, kit in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))),
                        (path.resolve(), root.resolve())):
        try:  # a link in the kit is named as it stands there, not as where it leads
            return inside.relative_to(kit).as_posix()
        except ValueError:
            pass
    return str(path)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the closest known name, or nothing."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""
