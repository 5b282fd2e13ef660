"""The follow-up URL as a QR code, square in the box's bottom-right
corner, its modules large enough to read in poor light
(READABLE_MODULE_MM): the code grows with the card, and a long URL grows
it further, up to the template's max_size; where that is not enough, a
lower error correction (a smaller symbol) keeps the modules large, and
only then do they shrink, never below MIN_MODULE_MM."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, QRSymbol
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.face import MIN_MODULE_MM, READABLE_MODULE_MM, too_long
from workshop_kit.qr import QUIET_ZONE, TooLong, capacity, encode, largest_version, levels_from, side, version_of


class QRElement(ElementSpec):
    """The QR code of the card's or board's follow-up URL."""

    kind: Literal["qr"] = Field(description="The QR code of the follow-up URL.")
    level: Literal["M", "Q"] = Field("M", description=(
        "QR error correction; a lower one (down to L) only where this one's larger symbol would not "
        f"keep modules of {READABLE_MODULE_MM} mm within max_size."))
    max_size: float | None = Field(
        None, gt=0, le=1000, description="The largest the code may grow (mm, on the template's design card; "
        "larger cards scale it), left and up from the box's bottom-right corner (down from its top-right "
        f"corner in the top half of the face), to keep its modules {READABLE_MODULE_MM} mm for a long "
        "follow-up URL; by default the box's size. The elements it reaches give way.")


def lay_out(builder, element: QRElement, box: Box, subject, problems, face_size=None) -> list:
    if not subject.url:
        return []
    noun, name = subject.found_on
    of = f" of {noun} {name}" if name else ""
    length = len(subject.url.encode("utf-8"))
    # a card larger than its template's design card has a larger code
    usual = min(box.width, box.height) * subject.growth
    largest = max(usual, (element.max_size or 0) * subject.scale * subject.growth)
    try:
        level = _readable(subject.url, element.level, largest)
        matrix = encode(subject.url, level)
    except TooLong as exc:
        problems.append(subject.shared("url", "qr-too-long", length,
            too_long(of, length, exc.limit), ("qr_url",)))
        return []
    size = min(largest, max(usual, matrix.modules_with_quiet_zone * READABLE_MODULE_MM))
    symbol = QRSymbol(_grown(box, size, face_size), matrix, subject.palette["ink"], subject.palette["paper"])
    if symbol.module_mm < MIN_MODULE_MM - 1e-9:
        modules = math.floor(size / MIN_MODULE_MM + 1e-9) - 2 * QUIET_ZONE
        limit = capacity(level, largest_version(modules))
        message = (f"the QR code's modules would be {symbol.module_mm:.2f} mm, below {MIN_MODULE_MM} mm, "
                   f"and would not scan from arm's length: ")
        if limit == 0:
            problems.append(subject.problem(("qr_url",), message +
                f"the QR box of {size:g} mm is too small for any QR code; enlarge it in the template"))
        else:
            problems.append(subject.shared("url", "qr-dense", length,
                message + f"the follow-up URL{of} has {length} characters, and the {size:g} mm QR box "
                f"holds at most {limit} at {MIN_MODULE_MM} mm a module; shorten it by at least "
                f"{length - limit} characters, or set follow_up.links: short in kit.yaml (a short link "
                f"to a form anywhere, through workshop-kit serve), or enlarge the QR box in the template",
                ("qr_url",)))
    return [symbol]


def _readable(url: str, level: str, largest: float) -> str:
    """`level` if its symbol's modules can be READABLE_MODULE_MM within
    `largest`; else the first lower level whose smaller symbol's can; else
    the lowest, the smallest symbol, whose modules are then the largest.
    TooLong if the URL does not fit a symbol at `level`."""
    for lower in levels_from(level):
        if side(version_of(url, lower)) * READABLE_MODULE_MM <= largest + 1e-9:
            break
    return lower


def _grown(box: Box, size: float, face_size) -> Box:
    """The code's square of `size` in the box's bottom-right corner, grown
    left and up; down from the top-right corner when the box lies in the
    top half of the face, so that it stays on the face."""
    x = max(0.0, box.right - size)
    if size > min(box.width, box.height) and face_size and box.y + box.height / 2 > face_size[1] / 2:
        return Box(x, box.top - size, size, size)
    return Box(x, box.y, size, size)


register(QRElement, lay_out, cards=True, grows=True)
