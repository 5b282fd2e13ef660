"""The codewords of a QR symbol: its data and the Reed-Solomon error
correction, in the order they are placed. The same list as the qrcode
package's util.create_data, which qr.py gives qrcode to place (it does
the rest of the encoding): qrcode divides polynomials of Python lists, a
list a step, which took over half of the time of a symbol; here each
byte of data is one shift and one table look-up on an integer of all the
error-correction bytes, about ten times faster; and the data bits are
written to an integer, not a list a bit at a time.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from qrcode import base, exceptions, util

# GF(256) with the QR code's polynomial x^8 + x^4 + x^3 + x^2 + 1.
EXP = [0] * 512
LOG = [0] * 256
_x = 1
for _i in range(255):
    EXP[_i] = EXP[_i + 255] = _x
    LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D


@lru_cache(maxsize=None)
def _products(ec: int) -> tuple[int, ...]:
    """For each byte b, b times the generator polynomial of `ec`
    error-correction codewords without its leading term, as one integer
    of `ec` bytes (the highest term first)."""
    generator = [1]
    for i in range(ec):  # (x - a^0)(x - a^1)...(x - a^(ec-1))
        product = generator + [0]
        for j, c in enumerate(generator):
            if c:
                product[j + 1] ^= EXP[LOG[c] + i]
        generator = product
    tail = generator[1:]
    return (0, *(int.from_bytes(bytes(EXP[LOG[b] + LOG[c]] if c else 0 for c in tail), "big")
                 for b in range(1, 256)))


def error_correction(data: list[int], ec: int) -> list[int]:
    """The `ec` error-correction codewords of a block of data codewords:
    the remainder of data(x) * x^ec divided by the generator."""
    products = _products(ec)
    shift, mask = 8 * (ec - 1), (1 << (8 * ec)) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & mask) ^ products[byte ^ (remainder >> shift)]
    return list(remainder.to_bytes(ec, "big"))


class _Bits:
    """A bit buffer held as one integer, which QRData.write can write to
    (qrcode's BitBuffer keeps a list and puts bits one at a time)."""

    __slots__ = ("value", "length")

    def __init__(self) -> None:
        self.value = self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def put_bit(self, bit: bool) -> None:
        self.put(int(bool(bit)), 1)

    def __len__(self) -> int:
        return self.length


def _segments(data_list: list) -> list[tuple[int, int, _Bits]]:
    """Each segment's mode, length in characters and data bits."""
    found = []
    for data in data_list:
        bits = _Bits()
        data.write(bits)
        found.append((data.mode, len(data), bits))
    return found


def _header_and_data(segments: list[tuple[int, int, _Bits]], version: int) -> _Bits:
    buffer = _Bits()
    sizes = util.mode_sizes_for_version(version)
    for mode, count, bits in segments:
        buffer.put(mode, 4)
        buffer.put(count, sizes[mode])  # type: ignore[index]  # the stub types a data's mode as int
        buffer.put(bits.value, bits.length)
    return buffer


def best_fit(level: int, data_list: list) -> int:
    """The smallest version that holds the data: what QRCode.best_fit finds;
    DataOverflowError when none does."""
    segments = _segments(data_list)
    start = 1
    while True:
        needed = len(_header_and_data(segments, start))
        version = bisect_left(util.BIT_LIMIT_TABLE[level], needed, start)
        if version > 40:
            raise exceptions.DataOverflowError(f"{needed} bits")
        if util.mode_sizes_for_version(version) is util.mode_sizes_for_version(start):
            return version
        start = version


def codewords(version: int, level: int, data_list: list) -> list[int]:
    """What util.create_data(version, level, data_list) returns: the data
    bits, terminated and padded, cut into blocks, each block's error
    correction, and all of them interleaved."""
    buffer = _header_and_data(_segments(data_list), version)
    blocks = base.rs_blocks(version, level)
    bit_limit = sum(block.data_count * 8 for block in blocks)
    if len(buffer) > bit_limit:
        raise exceptions.DataOverflowError(f"{len(buffer)} bits, {bit_limit} fit")
    buffer.put(0, min(bit_limit - len(buffer), 4))  # the terminator
    buffer.put(0, -len(buffer) % 8)
    data = buffer.value.to_bytes(len(buffer) // 8, "big") if len(buffer) else b""
    pads = (bit_limit - len(buffer)) // 8
    data += bytes((util.PAD0, util.PAD1)) * (pads // 2) + bytes((util.PAD0,)) * (pads % 2)

    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        words = list(data[offset:offset + block.data_count])
        offset += block.data_count
        data_blocks.append(words)
        ec_blocks.append(error_correction(words, block.total_count - block.data_count))
    placed: list[int] = []
    for grouped in (data_blocks, ec_blocks):
        for i in range(max(len(words) for words in grouped)):
            placed.extend(words[i] for words in grouped if i < len(words))
    return placed
