"""What every element of a face template takes: its box, measured from
the trim edges, and when it is drawn; and the lettering of the kinds that
set text. Each kind's own spec builds on these (see registry.py)."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workshop_kit.layout.boxes import Box

GROWTH = 1.3  # how much larger text may grow on a larger card, by default

Style = Literal["regular", "bold", "italic", "bold-italic"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inset(Strict):
    """Two of left, right and width fix the box across, two of top, bottom
    and height fix it down, in mm from the trim edges."""

    left: float | None = Field(None, description="Distance from the left trim edge (mm).")
    right: float | None = Field(None, description="Distance from the right trim edge (mm).")
    width: float | None = Field(None, gt=0, description="Width (mm).")
    top: float | None = Field(None, description="Distance from the top trim edge (mm).")
    bottom: float | None = Field(None, description="Distance from the bottom trim edge (mm).")
    height: float | None = Field(None, gt=0, description="Height (mm).")

    @model_validator(mode="after")
    def _two_of_each(self):
        across = [v for v in (self.left, self.right, self.width) if v is not None]
        down = [v for v in (self.top, self.bottom, self.height) if v is not None]
        if len(across) != 2:
            raise ValueError("give exactly two of left, right and width")
        if len(down) != 2:
            raise ValueError("give exactly two of top, bottom and height")
        return self

    def resolve(self, width: float, height: float) -> Box:
        """The box in face coordinates: origin bottom-left, y up."""
        left, right, top, bottom = self.left, self.right, self.top, self.bottom
        if self.width is None:
            assert left is not None and right is not None  # two of each (_two_of_each)
            x, w = left, width - left - right
        elif left is None:
            assert right is not None
            x, w = width - right - self.width, self.width
        else:
            x, w = left, self.width
        if self.height is None:
            assert top is not None and bottom is not None
            h = height - top - bottom
        elif top is None:
            assert bottom is not None
            h = self.height
            top = height - bottom - h
        else:
            h = self.height
        return Box(x, height - top - h, w, h)


class ElementSpec(Strict):
    """An element of a face: its kind (a Literal in each kind's spec), box and when."""

    kind: str
    box: Inset = Field(description="Where the element goes: two of left/right/width, two of top/bottom/height (mm).")
    when: Literal["always", "qr"] = Field("always", description="'qr': only on cards with a QR code.")

    def colour_roles(self) -> dict[str, str]:
        """field -> the colour role it names, for the template checks."""
        return {name: role for name in ("fill", "colour", "label_colour")
                if isinstance(role := getattr(self, name, None), str)}

    def layer(self) -> str | None:
        """The colour role this element paints its box with, under what follows."""
        return None

    def text_colours(self) -> set[str]:
        """The colour roles of the text it sets, checked against what lies behind."""
        return set()

    def check(self, kit, source, at: tuple, surface: str) -> list:
        """Problems of the kind's own fields against the kit, at `at` of the template `source`."""
        return []


class Lettering(ElementSpec):
    """The type of an element that sets text."""

    font: Style = Field("regular", description="Font style of the text.")
    size: float = Field(9, ge=7, le=72, description="Largest font size in pt.")
    min_size: float = Field(7, ge=7, le=72, description="Text shrinks down to this size (pt), never below 7.")
    max_size: float | None = Field(None, ge=7, le=96, description=(
        "On a card larger than the template's design card the text grows with the card up to this "
        "size (pt) where it fits; 1.3 x size by default."))
    leading: float = Field(1.18, ge=1.0, le=2.0, description="Line height as a multiple of the font size.")
    colour: str = Field("ink", description="Colour role of the text.")
    label_colour: str | None = Field(None, description="Colour role of its headings; the text's colour by default.")

    @model_validator(mode="after")
    def _sizes(self):
        if self.min_size > self.size:
            raise ValueError("min_size is larger than size")
        if self.max_size is not None and self.max_size < self.size:
            raise ValueError("max_size is smaller than size")
        return self

    def largest(self, growth: float) -> float:
        """The largest size on a card `growth` times as large as the design card."""
        most = self.max_size if self.max_size is not None else round(self.size * GROWTH, 2)
        return max(self.size, math.floor(min(most, self.size * growth) * 4) / 4)  # in quarter points
