"""The influence circle (idea sketch no. 1): rings from control out to
conditions, and elements to place on them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from workshop_kit.content.boards.base import BoardBase
from workshop_kit.content.boards.registry import register
from workshop_kit.content.model import Colour, Slug, Strict, Text
from workshop_kit.problems import did_you_mean


class Ring(Strict):
    """A ring of the influence circle."""

    name: Text = Field(description="Printed on the ring, e.g. Kontrol.")
    colour: Colour | None = Field(None, description="Fill of the ring; by default shades of the accent.")


class Element(Strict):
    """An element to place on the influence circle."""

    id: Slug = Field(description="Unique on the board; lowercase a-z, digits and hyphens.")
    text: Text = Field(description="What is placed on the circle.")
    ring: str | None = Field(None, description="The ring it was placed in, for a filled-in board.")


class InfluenceCircle(BoardBase):
    """boards/*.yaml: the influence circle (idea sketch no. 1)."""

    type: Literal["influence-circle"] = Field(description="The kind of board.")
    whose: str = Field("", description="Whose influence is mapped: kommunaldirektør, politikere, "
                                        "byråd, direktion, or blank to write on the board.")
    rings: list[Ring] = Field(min_length=2, max_length=6, description="From the centre out, 2 to 6.")
    steps: list[Text] = Field(default_factory=list, description="How to run the exercise.")
    questions: list[Text] = Field(default_factory=list, description="Questions to find development potential.")
    elements: list[Element] = Field(default_factory=list, description="Elements to place on the rings.")

    @model_validator(mode="after")
    def _rings(self):
        names = [r.name for r in self.rings]
        if len(set(names)) != len(names):
            raise ValueError("two rings have the same name")
        return self


def _check(board, boards: dict, unread: set[str]) -> list:
    """Every placed element names one of the rings."""
    names = [r.name for r in board.model.rings]
    return [(board.source.problem(("elements", i, "ring"),
                                  f"unknown ring '{element.ring}'{did_you_mean(element.ring, names)}"
                                  f" (rings: {', '.join(names)})"), False)
            for i, element in enumerate(board.model.elements)
            if element.ring is not None and element.ring not in names]


register(InfluenceCircle, tokens="elements", token_text=lambda element: element.text,
         filled_in=lambda model: any(e.ring for e in model.elements), check=_check)
