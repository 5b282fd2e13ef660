"""QR code encoding: a URL -> a matrix of modules. Writers draw the matrix.

The mask pattern is fixed. Choosing the mask by penalty score (what the
qrcode package does by default) costs about 8 ms a symbol, which dominates
the build of a large deck; any of the eight masks is valid by the standard,
and the tests decode every printed code with an independent decoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of light margin on every side, as the standard requires
MASK = 4
LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q}
LARGEST_VERSION = 40


class TooLong(ValueError):
    """The text does not fit even the largest QR code."""

    def __init__(self, length: int, limit: int):
        super().__init__(f"{length} bytes, a QR code holds at most {limit}")
        self.length, self.limit = length, limit


def capacity(level: str = "M", version: int = LARGEST_VERSION) -> int:
    """Bytes of text (8-bit mode) that a QR code of this version holds: the
    longest URL that surely fits it."""
    if version < 1:
        return 0
    bits = util.BIT_LIMIT_TABLE[LEVELS[level]][version] - 4 - util.length_in_bits(util.MODE_8BIT_BYTE, version)
    return bits // 8


def largest_version(modules: int) -> int:
    """The largest version with at most this many modules across (0 if none)."""
    return max(0, min(LARGEST_VERSION, (modules - 17) // 4))


@dataclass(frozen=True)
class QRMatrix:
    rows: tuple[tuple[bool, ...], ...]

    @property
    def modules(self) -> int:
        """Modules across, without the quiet zone."""
        return len(self.rows)

    @property
    def modules_with_quiet_zone(self) -> int:
        return self.modules + 2 * QUIET_ZONE

    @cached_property
    def dark_runs(self) -> tuple[tuple[int, int, int], ...]:
        """(row, first column, length) of every horizontal run of dark modules:
        what the PDF and SVG writers fill, one rectangle a run."""
        runs = []
        for r, row in enumerate(self.rows):
            c, n = 0, len(row)
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    runs.append((r, start, c - start))
                else:
                    c += 1
        return tuple(runs)


@lru_cache(maxsize=4096)
def encode(data: str, level: str = "M") -> QRMatrix:
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0, mask_pattern=MASK)
    code.add_data(data)
    try:
        code.make(fit=True)
    except ValueError:  # qrcode: "Invalid version (was 41, expected 1 to 40)"
        raise TooLong(len(data.encode("utf-8")), capacity(level)) from None
    return QRMatrix(tuple(tuple(bool(m) for m in row) for row in code.get_matrix()))
