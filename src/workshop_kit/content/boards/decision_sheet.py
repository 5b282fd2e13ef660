"""The decision sheet: what one table decided, on one page, with room to
write each entry (area, format, mandate, who is responsible, next step, date)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.content.boards.base import BoardBase
from workshop_kit.content.boards.registry import register
from workshop_kit.content.model import Strict, Text


class DecisionEntry(Strict):
    """One entry of the sheet, with ruled lines to write on."""

    title: Text = Field(description="What to write, e.g. Område or Næste skridt.")
    hint: Text | None = Field(None, description="A short help text under the title.")
    lines: int = Field(2, ge=1, le=6, description="Ruled lines to write on, 1 to 6.")


class DecisionSheet(BoardBase):
    """boards/*.yaml: the decision sheet a table fills in."""

    type: Literal["decision-sheet"] = Field(description="The kind of board.")
    entries: list[DecisionEntry] = Field(min_length=1, max_length=10,
                                         description="The entries of the sheet, in order.")


register(DecisionSheet)
