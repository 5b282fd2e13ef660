"""QR code encoding: a URL -> a matrix of modules. Writers draw the matrix.

The mask pattern is fixed. Choosing the mask by penalty score (what the
qrcode package does by default) costs about 8 ms a symbol, which dominates
the build of a large deck; any of the eight masks is valid by the standard,
and the tests decode every printed code with an independent decoder.

Encoding a symbol still takes most of a millisecond, and the symbol of a
URL never changes: the matrices known to a process are kept by (URL,
error-correction level), packed (`QRMatrix.packed`). A build gives them
the matrices of its last build (`remember`), and takes the ones encoded
since (`fresh`) to keep for the next; output/qr_cache.py keeps them in
the output folder.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property, lru_cache

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

from workshop_kit.qr_codewords import codewords

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

    @property
    def version(self) -> int:
        return (self.modules - 17) // 4

    @property
    def packed(self) -> bytes:
        """The modules row by row, eight to a byte (the first the highest
        bit), each row starting on a new byte: what `unpack` reads."""
        fill = (False,) * (-self.modules % 8)
        out = bytearray()
        for row in self.rows:
            row += fill
            out.extend(_BYTE[row[i:i + 8]] for i in range(0, len(row), 8))
        return bytes(out)

    @classmethod
    def unpack(cls, version: int, data: bytes) -> "QRMatrix":
        """The matrix of a symbol of this version from its `packed` bytes;
        ValueError if they are not as many as the version has."""
        modules = 17 + 4 * version
        width = (modules + 7) // 8
        if not 1 <= version <= LARGEST_VERSION or len(data) != modules * width:
            raise ValueError(f"{len(data)} bytes are no packed QR code of version {version}")
        rows = []
        for start in range(0, len(data), width):
            bits = []
            for byte in data[start:start + width]:
                bits.extend(_BITS[byte])
            rows.append(tuple(bits[:modules]))
        return cls(tuple(rows))

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


_BITS = [tuple(bool(byte >> (7 - i) & 1) for i in range(8)) for byte in range(256)]
_BYTE = {bits: byte for byte, bits in enumerate(_BITS)}

Packed = tuple[int, bytes]  # (version, QRMatrix.packed)
_known: dict[tuple[str, str], Packed] = {}  # (data, level) -> the symbol, of the last build or encoded here
_fresh: dict[tuple[str, str], Packed] = {}  # those encoded here since `fresh()` was last asked
KNOWN_AT_MOST = 100_000  # symbols a process keeps (a watch runs for hours)


def remember(known: dict[tuple[str, str], Packed]) -> None:
    """Use these symbols instead of encoding them again."""
    if known is not _known:
        if len(_known) + len(known) > KNOWN_AT_MOST:
            _known.clear()
        _known.update(known)


def known() -> dict[tuple[str, str], Packed]:
    """Every symbol this process knows, by (data, level)."""
    return _known


def fresh() -> dict[tuple[str, str], Packed]:
    """The symbols encoded by this process since the last call."""
    found = dict(_fresh)
    _fresh.clear()
    return found


@lru_cache(maxsize=4096)
def encode(data: str, level: str = "M") -> QRMatrix:
    """The symbol of `data` at error-correction `level`; TooLong if it does not fit."""
    key = (data, level)
    found = _known.get(key)
    if found is not None:
        with suppress(ValueError):
            return QRMatrix.unpack(*found)
    matrix = _encode(data, level)
    if len(_known) >= KNOWN_AT_MOST:
        _known.clear()
        _fresh.clear()
    _known[key] = _fresh[key] = (matrix.version, matrix.packed)
    return matrix


def _encode(data: str, level: str) -> QRMatrix:
    """qrcode places the symbol, given the codewords from qr_codewords
    (the same as its own, computed faster)."""
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0, mask_pattern=MASK)
    code.add_data(data)
    try:
        code.best_fit()
        code.data_cache = codewords(code.version, code.error_correction, code.data_list)
    except (ValueError, DataOverflowError):  # qrcode: "Invalid version (was 41, expected 1 to 40)"
        raise TooLong(len(data.encode("utf-8")), capacity(level)) from None
    code.make(fit=False)
    return QRMatrix(tuple(map(tuple, code.get_matrix())))
