"""The follow-up URL as a QR code, square in the box's bottom-right
corner, its modules large enough to scan from arm's length: a long URL
grows the code, up to the template's max_size, rather than shrink its
modules."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, QRSymbol
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.face import MIN_MODULE_MM, too_long
from workshop_kit.qr import QUIET_ZONE, TooLong, capacity, encode, largest_version


class QRElement(ElementSpec):
    """The QR code of the card's or board's follow-up URL."""

    kind: Literal["qr"] = Field(description="The QR code of the follow-up URL.")
    level: Literal["M", "Q"] = Field("M", description="QR error correction.")
    max_size: float | None = Field(
        None, gt=0, le=1000, description="The largest the code may grow (mm), left and up from the box's "
        "bottom-right corner (down from its top-right corner in the top half of the face), when a long "
        "follow-up URL would make its modules smaller than 0.4 mm in the box; by default the box's size.")


def lay_out(builder, element: QRElement, box: Box, subject, problems, face_size=None) -> list:
    if not subject.url:
        return []
    noun, name = subject.found_on
    of = f" of {noun} {name}" if name else ""
    length = len(subject.url.encode("utf-8"))
    try:
        matrix = encode(subject.url, element.level)
    except TooLong as exc:
        problems.append(subject.shared("url", "qr-too-long", length,
            too_long(of, length, exc.limit), ("qr_url",)))
        return []
    usual = min(box.width, box.height)
    largest = max(usual, element.max_size or usual)
    size = min(largest, max(usual, matrix.modules_with_quiet_zone * MIN_MODULE_MM))
    symbol = QRSymbol(_grown(box, size, face_size), matrix, subject.palette["ink"], subject.palette["paper"])
    if symbol.module_mm < MIN_MODULE_MM - 1e-9:
        modules = math.floor(size / MIN_MODULE_MM + 1e-9) - 2 * QUIET_ZONE
        limit = capacity(element.level, largest_version(modules))
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


def _grown(box: Box, size: float, face_size) -> Box:
    """The code's square of `size` in the box's bottom-right corner, grown
    left and up; down from the top-right corner when the box lies in the
    top half of the face, so that it stays on the face."""
    x = max(0.0, box.right - size)
    if size > min(box.width, box.height) and face_size and box.y + box.height / 2 > face_size[1] / 2:
        return Box(x, box.top - size, size, size)
    return Box(x, box.y, size, size)


register(QRElement, lay_out, cards=True)
