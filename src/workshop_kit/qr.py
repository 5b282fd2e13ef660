"""QR code encoding: a URL -> a matrix of modules. Writers draw the matrix.

The mask pattern is fixed. Choosing the mask by penalty score (what the
qrcode package does by default) costs about 8 ms a symbol, which dominates
the build of a large deck; any of the eight masks is valid by the standard,
and the tests decode every printed code with an independent decoder.

qrcode chooses each symbol's segments and version and sets up its
patterns, once a version; the codewords (qr_codewords) and their placement
are done here, on integers and byte strings (the data modules masked as
one integer and gathered into their places at once), under a tenth of a
millisecond a symbol where qrcode alone took half a millisecond. The
symbol of a URL never changes: the matrices known to a process are kept
by (URL, error-correction level), packed (`QRMatrix.packed`). A build
gives them the matrices of its last build (`remember`), and takes the
ones encoded since (`fresh`) to keep for the next; output/qr_cache.py
keeps them in the output folder.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Callable

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

from workshop_kit.qr_codewords import best_fit, codewords

QUIET_ZONE = 4  # modules of light margin on every side, as the standard requires
MASK = 4
LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q}  # from the least error correction
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
    mode_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)  # type: ignore[arg-type]  # the stub: int, not 4
    bits = util.BIT_LIMIT_TABLE[LEVELS[level]][version] - 4 - mode_bits
    return bits // 8


def levels_from(level: str) -> list[str]:
    """This error-correction level and every lower one, the highest first."""
    names = list(LEVELS)
    return names[:names.index(level) + 1][::-1]


def largest_version(modules: int) -> int:
    """The largest version with at most this many modules across (0 if none)."""
    return max(0, min(LARGEST_VERSION, (modules - 17) // 4))


@dataclass(frozen=True)
class QRMatrix:
    """A symbol's modules, without the quiet zone: each row a byte a
    module, 1 dark and 0 light (small to send to another process, and
    its dark runs are found by a regular expression)."""

    rows: tuple[bytes, ...]

    def __repr__(self) -> str:
        """Short, and the same for the same symbol: a face's digest is its repr."""
        return f"QRMatrix({self.version}, {self.packed.hex()})"

    @property
    def modules(self) -> int:
        """Modules across, without the quiet zone."""
        return len(self.rows)

    @property
    def modules_with_quiet_zone(self) -> int:
        return side(self.version)

    @property
    def version(self) -> int:
        return (self.modules - 17) // 4

    @property
    def packed(self) -> bytes:
        """The modules row by row, eight to a byte (the first the highest
        bit), each row starting on a new byte: what `unpack` reads."""
        fill, width = -self.modules % 8, (self.modules + 7) // 8
        return b"".join((int(row.translate(_DIGITS), 2) << fill).to_bytes(width, "big") for row in self.rows)

    @classmethod
    def unpack(cls, version: int, data: bytes) -> "QRMatrix":
        """The matrix of a symbol of this version from its `packed` bytes;
        ValueError if they are not as many as the version has."""
        modules = 17 + 4 * version
        width = (modules + 7) // 8
        if not 1 <= version <= LARGEST_VERSION or len(data) != modules * width:
            raise ValueError(f"{len(data)} bytes are no packed QR code of version {version}")
        return cls(tuple(b"".join(_BITS[byte] for byte in data[start:start + width])[:modules]
                         for start in range(0, len(data), width)))

    @cached_property
    def dark_runs(self) -> tuple[tuple[int, int, int], ...]:
        """(row, first column, length) of every horizontal run of dark modules:
        what the PDF and SVG writers fill, one rectangle a run."""
        runs = []
        for r, row in enumerate(self.rows):
            for run in _DARK_RUN.finditer(row):
                start, end = run.span()
                runs.append((r, start, end - start))
        return tuple(runs)


_DARK_RUN = re.compile(b"\x01+")
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_BITS = [bytes(byte >> (7 - i) & 1 for i in range(8)) for byte in range(256)]

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


def version_of(data: str, level: str = "M") -> int:
    """The version of the symbol of `data` at `level`, without making the
    symbol (a layout weighing levels asks for several); TooLong if none holds it."""
    found = _known.get((data, level))
    if found is not None:
        return found[0]
    return _version(data, level)


@lru_cache(maxsize=4096)
def _version(data: str, level: str) -> int:
    """The smallest version that holds `data` at `level` (asked by the
    layout, then by the encoding); TooLong if none does."""
    try:
        return best_fit(LEVELS[level], _chunks(data))
    except DataOverflowError:
        raise TooLong(len(data.encode("utf-8")), capacity(level)) from None


def side(version: int) -> int:
    """Modules across a symbol of this version, its quiet zone included."""
    return 17 + 4 * version + 2 * QUIET_ZONE


@lru_cache(maxsize=4096)
def _chunks(data: str) -> list:
    """The segments of the text as qrcode's QRCode.add_data makes them."""
    return list(util.optimal_data_chunks(data, minimum=20))


def _encode(data: str, level: str) -> QRMatrix:
    """qrcode chooses the segments (as QRCode.add_data does) and the
    version; qr_codewords makes the codewords, and the frame of that
    version places them (all the same as qrcode's own, which tests
    compare, several times faster)."""
    version = _version(data, level)
    return _frame(version, level).place(codewords(version, LEVELS[level], _chunks(data)))


@dataclass(frozen=True)
class _Frame:
    """A symbol of one version and level before its data: the modules
    qrcode sets first (finder, alignment and timing patterns, format and
    version information), each data module as the mask makes it when its
    bit is 0, and where each module of the symbol comes from when the
    data is placed (`gather`, over the frame's modules and then the data
    modules in the order the bits fill them)."""

    modules: int
    cells: bytes     # row by row, a byte a module
    masked: int      # the mask at each data module, as bits in their order (the first the highest)
    data: int        # how many data modules there are
    gather: Callable[[bytes], tuple[int, ...]]

    def place(self, words: list[int]) -> QRMatrix:
        """The symbol of these codewords (the remainder bits are 0): the
        data bits are masked all at once, as one integer, and the modules
        taken to their places in one gathering, not a module at a time."""
        bits = len(words) * 8
        value = (int.from_bytes(bytes(words), "big") << (self.data - bits)) ^ self.masked
        placed = self.gather(self.cells + format(value, f"0{self.data}b").encode("ascii").translate(_BIT_BYTES))
        n = self.modules
        whole = bytes(placed)
        return QRMatrix(tuple(whole[start:start + n] for start in range(0, n * n, n)))


_BIT_BYTES = bytes.maketrans(b"01", b"\x00\x01")


@lru_cache(maxsize=None)
def _frame(version: int, level: str) -> _Frame:
    """The frame of a version, set up by qrcode as QRCode.makeImpl does
    before it places the data (QRCode.map_data's order of the modules)."""
    code = qrcode.QRCode(version=version, error_correction=LEVELS[level], border=0, mask_pattern=MASK)
    n = code.modules_count = 4 * version + 17
    code.modules = [[None] * n for _ in range(n)]
    for row, col in ((0, 0), (n - 7, 0), (0, n - 7)):
        code.setup_position_probe_pattern(row, col)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(False, MASK)
    if version >= 7:
        code.setup_type_number(False)
    mask = util.mask_func(MASK)
    order: list[tuple[int, int]] = []
    upward = True
    for col in range(n - 1, 0, -2):  # pairs of columns from the right, skipping the vertical timing pattern
        if col <= 6:
            col -= 1
        for row in (range(n - 1, -1, -1) if upward else range(n)):
            order.extend((row, c) for c in (col, col - 1) if code.modules[row][c] is None)
        upward = not upward
    masked = [bool(mask(row, col)) for row, col in order]
    source = list(range(n * n))  # each module from the frame, but the data modules from the data
    for j, (row, col) in enumerate(order):
        source[row * n + col] = n * n + j
    return _Frame(n, bytes(bool(m) for row in code.modules for m in row),
                  int("".join("1" if m else "0" for m in masked) or "0", 2), len(order), itemgetter(*source))
