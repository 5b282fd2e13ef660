"""The content model of boards: influence circle, partner matrix,
partner list and cooperation checklist."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from workshop_kit.content.forms import Form
from workshop_kit.content.model import (
    Colour, QRSettings, Slug, Strict, Text,
)


class BoardBase(Strict):
    type: str = Field(description="The kind of board.")
    title: Text = Field(description="Title printed at the top of the board.")
    intro: str = Field("", description="A short text on what the board is for.")
    qr: QRSettings = Field(default_factory=QRSettings, description="The QR code on the board.")
    form: Form | None = Field(None, description="The follow-up form of this board, instead of the kit's.")


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


class Axis(Strict):
    """An axis of the partner matrix."""

    label: Text = Field(description="Printed along the axis.")
    low: Text = Field(description="Printed at the low end.")
    high: Text = Field(description="Printed at the high end.")


class Axes(Strict):
    """The two axes of the partner matrix."""

    importance: Axis = Field(description="Vertical: importance for success, low to high.")
    ease: Axis = Field(description="Horizontal: how easy the cooperation is, hard to easy.")


class Quadrants(Strict):
    """The texts of the four quadrants."""

    start_here: Text = Field(description="High importance, easy cooperation.")
    discuss: Text = Field(description="High importance, hard cooperation.")
    not_now: Text = Field(description="Low importance, easy cooperation.")
    not_worth: Text = Field(description="Low importance, hard cooperation.")


class Score(Strict):
    """Where a partner sits on the filled-in matrix."""

    importance: int = Field(ge=1, le=5, description="1 (low) to 5 (high).")
    ease: int = Field(ge=1, le=5, description="1 (hard) to 5 (easy).")


class PartnerRow(Strict):
    """The columns of the partner table."""

    name: str = Field("", description="The possible partner.")
    common_interest: str = Field("", description="What the partner and the municipality both want.")
    importance: str = Field("", description="How much the partner means for success, in words.")
    challenges: str = Field("", description="What may make the cooperation hard.")
    relation: str = Field("", description="The existing relation.")
    contact: str = Field("", description="A contact person.")


class Partner(PartnerRow):
    """A possible partner of the municipality."""

    id: Slug = Field(description="Unique on the board; lowercase a-z, digits and hyphens.")
    name: Text = Field(description="The possible partner.")
    score: Score | None = Field(None, description="Places the partner on the filled-in matrix.")


class PartnerMatrix(BoardBase):
    """boards/*.yaml: the partner priority matrix."""

    type: Literal["partner-matrix"] = Field(description="The kind of board.")
    axes: Axes = Field(description="The two axes: importance (vertical) and ease (horizontal).")
    quadrants: Quadrants = Field(description="What each quadrant says, e.g. Lad os starte her.")
    notes: str = Field("", description="Heading of the notes area; empty for none.")
    partners: list[Partner] = Field(default_factory=list, description="Possible partners, for the tokens "
                                                                      "and the filled-in matrix.")


class PartnerList(BoardBase):
    """boards/*.yaml: the partner table as a worksheet."""

    type: Literal["partner-list"] = Field(description="The kind of board.")
    partners_from: Slug | None = Field(None, description="A partner-matrix board whose partners fill the table.")
    example: PartnerRow | None = Field(None, description="The example row printed first.")
    blank_rows: int = Field(6, ge=0, le=30, description="Empty rows to write in, 0 to 30.")


class ChecklistItem(Strict):
    """A point of the checklist."""

    title: Text = Field(description="The point, with a tick box.")
    points: list[Text] = Field(default_factory=list, description="What it means, one per item.")


class Checklist(BoardBase):
    """boards/*.yaml: the cooperation checklist."""

    type: Literal["checklist"] = Field(description="The kind of board.")
    items: list[ChecklistItem] = Field(min_length=1, description="The points of the checklist.")


BOARD_MODELS = {
    "influence-circle": InfluenceCircle,
    "partner-matrix": PartnerMatrix,
    "partner-list": PartnerList,
    "checklist": Checklist,
}


def filled_in(kind: str, model) -> bool:
    """True when a board places its elements or partners: it then has a
    filled-in version, the record of a session."""
    if kind == "influence-circle":
        return any(e.ring for e in model.elements)
    if kind == "partner-matrix":
        return any(p.score for p in model.partners)
    return False
