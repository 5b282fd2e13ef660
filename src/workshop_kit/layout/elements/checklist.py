"""The points of a checklist, each with a tick box."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Group, Stroke
from workshop_kit.layout.elements.base import Lettering
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.face import FaceBuilder, Subject
from workshop_kit.layout.text import Block, Span


class ChecklistElement(Lettering):
    """The board's checklist points, one under another in the box."""

    kind: Literal["checklist"] = Field(description="The board's checklist.")


def lay_out(builder: FaceBuilder, element: ChecklistElement, box: Box, subject: Subject, problems,
            face_size=None) -> list:
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    palette = subject.palette
    ink = palette[element.colour]
    accent = palette[element.label_colour or element.colour]
    row_h = box.height / len(model.items)
    tick = min(9.0, row_h * 0.5)
    out = []
    for i, item in enumerate(model.items):
        top = box.top - i * row_h
        square = Box(box.x, top - tick - 1.5, tick, tick)
        shape = Stroke(((square.x, square.y), (square.right, square.y), (square.right, square.top),
                        (square.x, square.top)), ink, 0.5, closed=True)
        text_box = Box(box.x + tick + 5, top - row_h + 2, box.width - tick - 5, row_h - 3)
        blocks = [Block((Span(f"{i + 1}. {item.title}", "bold", accent),), keep_with_next=True)]
        blocks += [Block((Span(p, "regular", ink),), bullet=len(item.points) > 1, tight=n > 0)
                   for n, p in enumerate(item.points)]
        runs = builder.text(text_box, element, subject, problems, blocks=blocks)
        out.append(Group(f"item-{i + 1}", (shape,) + tuple(runs)))
    return out


register(ChecklistElement, lay_out, cards=False, needs=("items",))
