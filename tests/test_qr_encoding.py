"""QR symbols are placed by the qrcode package from codewords computed by
qr_codewords (faster than qrcode's own): they must be the very codewords
qrcode computes, for every version and level, and the symbols the very
symbols qrcode makes alone. (Every printed code is also decoded with
zxing-cpp by the tests of the PDFs and of the QR cache.)"""

from __future__ import annotations

import random

import pytest
import qrcode
from qrcode import util

from workshop_kit.qr import LARGEST_VERSION, LEVELS, MASK, QRMatrix, TooLong, _encode, capacity, encode, version_of
from workshop_kit.qr_codewords import codewords


def texts(level: str) -> list[str]:
    """For each version, a text that just fills it, and a shorter one; URLs
    with letters beyond ASCII and digits, which qrcode encodes in segments."""
    pick = random.Random(f"qr-{level}")
    letters = "abcdefghijklmnopqrstuvwxyzæøå0123456789/-_.ABC"
    found = []
    for version in range(1, LARGEST_VERSION + 1):
        for length in (capacity(level, version), capacity(level, version) - 3):
            text = "https://example.org/f/" + "".join(pick.choice(letters) for _ in range(length))
            while len(text.encode("utf-8")) > length:
                text = text[:-1]
            found.append(text)
    return found + ["https://example.org/f/temadag/1234567890123456789012345678901234567890"]


@pytest.mark.parametrize("level", ["L", "M", "Q"])
def test_codewords_are_those_qrcode_computes_for_every_version(level):
    versions = set()
    for text in texts(level):
        code = qrcode.QRCode(error_correction=LEVELS[level], border=0, mask_pattern=MASK)
        code.add_data(text)
        version = code.best_fit()
        versions.add(version)
        assert codewords(version, code.error_correction, code.data_list) == \
            util.create_data(version, code.error_correction, code.data_list), (level, version)
    assert versions == set(range(1, LARGEST_VERSION + 1))


@pytest.mark.parametrize("level", ["L", "M", "Q"])
def test_symbols_are_those_qrcode_makes_alone(level):
    for text in texts(level)[::3]:
        code = qrcode.QRCode(error_correction=LEVELS[level], border=0, mask_pattern=MASK)
        code.add_data(text)
        code.make(fit=True)
        assert _encode(text, level) == QRMatrix(tuple(bytes(bool(m) for m in row) for row in code.get_matrix()))


@pytest.mark.parametrize("level", ["L", "M", "Q"])
def test_the_version_weighed_before_encoding_is_the_symbol_s(level):
    """A layout choosing between levels asks for versions, not symbols."""
    for text in texts(level)[::3]:
        assert version_of(text, level) == _encode(text, level).version, (level, len(text))
    with pytest.raises(TooLong):
        version_of("x" * (capacity(level) + 1), level)


def test_a_text_too_long_for_any_symbol_is_too_long():
    with pytest.raises(TooLong) as raised:
        encode("x" * (capacity("M") + 1))
    assert raised.value.limit == capacity("M")
