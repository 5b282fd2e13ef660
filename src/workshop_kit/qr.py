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
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of light margin on every side, as the standard requires
MASK = 4
LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q}


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
    code.make(fit=True)
    return QRMatrix(tuple(tuple(bool(m) for m in row) for row in code.get_matrix()))
