"""The content model of boards: influence circle, partner matrix,
partner list and cooperation checklist."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from workshop_kit.content.model import (
    Colour, QRSettings, Slug, Strict, Text, check_hex,
)



class BoardBase(Strict):
    type: str
    title: Text = Field(description="Title printed at the top of the board.")
    intro: str = Field("", description="A short text on what the board is for.")
    qr: QRSettings = Field(default_factory=QRSettings)


class Ring(Strict):
    name: Text = Field(description="Printed on the ring, e.g. Kontrol.")
    colour: Colour | None = Field(None, description="Fill of the ring; by default shades of the accent.")

    @field_validator("colour")
    @classmethod
    def _colour(cls, value):
        return check_hex(value) if isinstance(value, str) else value


class Element(Strict):
    id: Slug
    text: Text = Field(description="What is placed on the circle.")
    ring: str | None = Field(None, description="The ring it was placed in, for a filled-in board.")


class InfluenceCircle(BoardBase):
    type: Literal["influence-circle"]
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
    label: Text
    low: Text
    high: Text


class Axes(Strict):
    importance: Axis = Field(description="Vertical: importance for success, low to high.")
    ease: Axis = Field(description="Horizontal: how easy the cooperation is, hard to easy.")


class Quadrants(Strict):
    start_here: Text = Field(description="High importance, easy cooperation.")
    discuss: Text = Field(description="High importance, hard cooperation.")
    not_now: Text = Field(description="Low importance, easy cooperation.")
    not_worth: Text = Field(description="Low importance, hard cooperation.")


class Score(Strict):
    importance: int = Field(ge=1, le=5, description="1 (low) to 5 (high).")
    ease: int = Field(ge=1, le=5, description="1 (hard) to 5 (easy).")


class PartnerRow(Strict):
    """The columns of the partner table."""

    name: str = ""
    common_interest: str = ""
    importance: str = Field("", description="How much the partner means for success, in words.")
    challenges: str = ""
    relation: str = Field("", description="The existing relation.")
    contact: str = Field("", description="A contact person.")


class Partner(PartnerRow):
    id: Slug
    name: Text
    score: Score | None = Field(None, description="Places the partner on the filled-in matrix.")


class PartnerMatrix(BoardBase):
    type: Literal["partner-matrix"]
    axes: Axes
    quadrants: Quadrants
    notes: str = Field("", description="Heading of the notes area; empty for none.")
    partners: list[Partner] = Field(default_factory=list)


class PartnerList(BoardBase):
    type: Literal["partner-list"]
    partners_from: Slug | None = Field(None, description="A partner-matrix board whose partners fill the table.")
    example: PartnerRow | None = Field(None, description="The example row printed first.")
    blank_rows: int = Field(6, ge=0, le=30)


class ChecklistItem(Strict):
    title: Text
    points: list[Text] = Field(default_factory=list)


class Checklist(BoardBase):
    type: Literal["checklist"]
    items: list[ChecklistItem] = Field(min_length=1)


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
