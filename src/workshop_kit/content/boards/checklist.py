"""The cooperation checklist: points, each with a tick box."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.content.boards.base import BoardBase
from workshop_kit.content.boards.registry import register
from workshop_kit.content.model import Strict, Text


class ChecklistItem(Strict):
    """A point of the checklist."""

    title: Text = Field(description="The point, with a tick box.")
    points: list[Text] = Field(default_factory=list, description="What it means, one per item.")


class Checklist(BoardBase):
    """boards/*.yaml: the cooperation checklist."""

    type: Literal["checklist"] = Field(description="The kind of board.")
    items: list[ChecklistItem] = Field(min_length=1, description="The points of the checklist.")


register(Checklist)
