"""The partner priority matrix: importance for success against ease of
cooperation, and the partners to place on it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.content.boards.base import BoardBase
from workshop_kit.content.boards.registry import register
from workshop_kit.content.model import Slug, Strict, Text


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


PARTNER_MATRIX = register(PartnerMatrix, tokens="partners", token_text=lambda partner: partner.name,
                          filled_in=lambda model: any(p.score for p in model.partners))
