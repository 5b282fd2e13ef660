"""The four markers near a board's corners, by which workshop-kit
capture finds the board on a photo and straightens it (see marker.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Group
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.marker import CELLS, QUIET_CELLS, marker
from workshop_kit.layout.elements.registry import register

CORNER_NAMES = ("top left", "top right", "bottom right", "bottom left")  # in the order of their ids


class CornerMarkersElement(ElementSpec):
    """The board's four corner markers, in the corners of the box."""

    kind: Literal["corners"] = Field(description="Markers in the four corners of the box, by which "
                                                        "workshop-kit capture finds the board on a photo.")
    size: float = Field(8, ge=5, le=40, description="The black square of each marker (mm, on the "
                                                     "template's paper); a white margin of a sixth of it "
                                                     "lies around it, inside the box.")
    first: int = Field(0, ge=0, le=96, description="The marker id of the top-left corner; the others, "
                                                   "clockwise, count on from it (ids 0-99).")


def corner_squares(element: CornerMarkersElement, box: Box, scale: float) -> dict[int, Box]:
    """The black square of each corner marker by id, in the face's mm."""
    size = element.size * scale
    quiet = size / CELLS * QUIET_CELLS
    left, right = box.x + quiet, box.right - quiet - size
    bottom, top = box.y + quiet, box.top - quiet - size
    boxes = (Box(left, top, size, size), Box(right, top, size, size), Box(right, bottom, size, size),
             Box(left, bottom, size, size))
    return {element.first + k: box for k, box in enumerate(boxes)}


def lay_out_corners(builder, element: CornerMarkersElement, box: Box, subject, problems,
                    face_size=None) -> list:
    return [Group("corner-markers", tuple(marker(i, b.x, b.y, b.width, f"corner-marker-{i}")
                                          for i, b in corner_squares(element, box, subject.scale).items()))]


register(CornerMarkersElement, lay_out_corners, cards=False)
