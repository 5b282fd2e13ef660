"""A box filled with a colour role; a fill that touches a trim edge runs
on into the bleed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Fill
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.registry import register


class FillElement(ElementSpec):
    """A coloured box, e.g. a card's header band."""

    kind: Literal["fill"] = Field(description="A box filled with a colour.")
    fill: str = Field(description="Colour role of the fill.")

    def layer(self) -> str | None:
        return self.fill


def lay_out(builder, element: FillElement, box: Box, subject, problems, face_size) -> list:
    return [Fill(box, subject.palette[element.fill], _edges(box, *face_size))]


def _edges(box: Box, width: float, height: float, eps: float = 1e-6) -> tuple[str, ...]:
    """The edges of the face that the box lies on, in a fixed order."""
    return tuple(edge for edge, on in (("left", box.x <= eps), ("bottom", box.y <= eps),
                                       ("right", box.right >= width - eps), ("top", box.top >= height - eps))
                 if on)


register(FillElement, lay_out, cards=True, backdrop=True)
