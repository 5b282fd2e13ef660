"""Crop marks: short lines in the margin that continue the cut lines."""

from __future__ import annotations

from workshop_kit.impose.plan import Segment


def grid_marks(xs: list[float], ys: list[float], offset: float, length: float,
               limit_x: tuple[float, float], limit_y: tuple[float, float]) -> list[Segment]:
    """Marks for a grid of cut lines at xs (vertical) and ys (horizontal).

    The marks stand outside the block of cards, starting `offset` from it and
    never reaching past the limits (the printable area of the sheet)."""
    left, right = min(xs), max(xs)
    bottom, top = min(ys), max(ys)
    marks: list[Segment] = []
    for x in xs:
        marks.append(Segment(x, bottom - offset, x, max(bottom - offset - length, limit_y[0])))
        marks.append(Segment(x, top + offset, x, min(top + offset + length, limit_y[1])))
    for y in ys:
        marks.append(Segment(left - offset, y, max(left - offset - length, limit_x[0]), y))
        marks.append(Segment(right + offset, y, min(right + offset + length, limit_x[1]), y))
    return marks


def corner_marks(x: float, y: float, width: float, height: float,
                 offset: float, length: float) -> list[Segment]:
    """The eight marks around one trim rectangle."""
    return grid_marks([x, x + width], [y, y + height], offset, length,
                      (float("-inf"), float("inf")), (float("-inf"), float("inf")))
