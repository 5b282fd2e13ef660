"""What the command line may draw on the terminal: colours, and a progress
line that redraws itself in place.

NO_COLOR (set to anything but the empty string, https://no-color.org) and
TERM=dumb turn colours off; TERM=dumb turns the progress line off too. The
progress line is drawn only when stderr is a terminal, so nothing of it
reaches a pipe or a log file. It is redrawn with a carriage return and
spaces, never with escape codes.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import TextIO

import click


def dumb_terminal() -> bool:
    return os.environ.get("TERM", "") == "dumb"


def colour() -> bool | None:
    """False when colours are turned off (NO_COLOR, TERM=dumb); None leaves
    it to click, which colours only what goes to a terminal."""
    return False if os.environ.get("NO_COLOR") or dumb_terminal() else None


def draws_progress(stream: TextIO) -> bool:
    """A progress line on this stream: a terminal that is not dumb."""
    try:
        return stream.isatty() and not dumb_terminal()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


def seconds_left(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


class ProgressLine:
    """"  400/1000 cards", then "  12/40 files, 3 s left", on one line of
    stderr, redrawn as the count grows, and wiped when the work ends (a
    `with` block). Each unit counts a step of the work of its own; the
    time left is told of the files, the last step."""

    def __init__(self, unit: str = "files", stream: TextIO | None = None):
        self.unit = unit
        self.stream = stream or sys.stderr
        self.shown = draws_progress(self.stream)
        self.started: float | None = None
        self.counting: str | None = None
        self.width = 0

    def __call__(self, done: int, total: int, unit: str | None = None) -> None:
        if not self.shown:
            return
        unit = unit or self.unit
        now = time.monotonic()
        if self.started is None or unit != self.counting:
            self.started, self.counting = now, unit
        text = f"  {done}/{total} {unit}"
        if unit == self.unit and 0 < done < total:
            text += f", {seconds_left((now - self.started) / done * (total - done))} left"
        self._draw(text.ljust(self.width))
        self.width = len(text)

    def clear(self) -> None:
        if self.width:
            self._draw(" " * self.width + "\r")
            self.width = 0

    def _draw(self, text: str) -> None:
        click.echo("\r" + text, nl=False, file=self.stream)
        self.stream.flush()

    def __enter__(self) -> "ProgressLine":
        return self

    def __exit__(self, *exc) -> None:
        self.clear()
