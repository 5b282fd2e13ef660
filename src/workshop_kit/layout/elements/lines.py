"""Ruled lines to write on."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Group, Stroke
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.face import FaceBuilder, Subject


class LinesElement(ElementSpec):
    """Lines 9 mm apart, from the top of the box down."""

    kind: Literal["lines"] = Field(description="Ruled lines to write on.")
    fill: str = Field("rule", description="Colour role of the lines.")


def lay_out(builder: FaceBuilder, element: LinesElement, box: Box, subject: Subject, problems,
            face_size=None) -> list:
    """Ruled lines to write on."""
    s = subject.scale
    rule = subject.palette[element.fill]
    step = 9 * s
    out, y = [], box.top - step
    while y >= box.y - 1e-6:
        out.append(Stroke(((box.x, y), (box.right, y)), rule, 0.3 * s))
        y -= step
    return [Group("lines", tuple(out))]


register(LinesElement, lay_out, cards=False)
