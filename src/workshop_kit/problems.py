"""Problems found in a kit's content, reported together and without tracebacks."""

from __future__ import annotations

import dataclasses
import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence


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
    unreadable: bool = dataclasses.field(default=False, compare=False)  # `field` is the attribute above

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


@dataclass(frozen=True)
class Shared:
    """One case of a problem caused by a setting that many cards, boards or
    templates share (a follow-up URL, a theme colour, the card size).
    `at` is the setting's place and what is wrong; ContentError shows all
    cases of one setting as one problem: the worst case's message of each
    kind, and what they were found on."""

    at: Problem
    kind: str                # cases of one kind at one setting are counted together
    found_on: tuple[str, str]  # ("card", "dilemmaer/x"), ("template", "dilemma")
    worst: float = 0.0       # the case with the largest value is the one shown


def _merged(cases: list[Shared]) -> list[Problem]:
    """One problem per setting: each kind's worst case, with what it affects."""
    by_place: dict[tuple, dict[str, list[Shared]]] = {}
    for case in cases:
        a = case.at
        by_place.setdefault((a.file, a.line, a.column, a.field), {}).setdefault(case.kind, []).append(case)
    merged = []
    for kinds in by_place.values():
        parts = []
        for group in kinds.values():
            worst = max(group, key=lambda c: c.worst)
            parts.append(worst.at.message + _affects(group))
        first = next(iter(kinds.values()))[0].at
        merged.append(Problem(first.file, first.line, first.column, first.field, "; ".join(parts)))
    return merged


def _affects(cases: list[Shared]) -> str:
    """" (on 108 cards: a, b, c, …)" for more than one thing."""
    things: dict[str, list[str]] = {}
    for case in cases:
        names = things.setdefault(case.found_on[0], [])
        if case.found_on[1] not in names:
            names.append(case.found_on[1])
    if sum(len(n) for n in things.values()) < 2:
        return ""
    counts = [f"{len(n)} {noun}s" if len(n) > 1 else f"1 {noun}" for noun, n in things.items()]
    listed = ", ".join(counts[:-1]) + " and " + counts[-1] if len(counts) > 1 else counts[0]
    shown = [name for names in things.values() for name in names]
    return f" (on {listed}: {', '.join(shown[:3])}{', …' if len(shown) > 3 else ''})"


class ContentError(Exception):
    """Raised with every problem of a run, so all of them are shown at once.
    Shared cases of one setting become one problem at that setting."""

    def __init__(self, problems: Sequence[Problem | Shared], held_back: int = 0):
        own = [p for p in problems if isinstance(p, Problem)]
        own += _merged([p for p in problems if isinstance(p, Shared)])
        self.problems = sorted(
            set(own),
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


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one, if any is close."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the closest known name, or nothing."""
    match = closest(name, known)
    return f"; did you mean '{match}'?" if match else ""
