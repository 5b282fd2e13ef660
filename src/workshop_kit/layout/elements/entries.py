"""The entries of a decision sheet: a title, a hint and ruled lines to
write on, one under another, with room in proportion to their lines."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Group, Stroke
from workshop_kit.layout.elements.base import Lettering
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.face import FaceBuilder, Subject
from workshop_kit.layout.text import Block, Span

HEAD_MM = 11   # the title and hint of an entry
LINE_MM = 10   # room to write one line by hand


def lay_out(builder: FaceBuilder, element: EntriesElement, box: Box, subject: Subject, problems,
            face_size=None) -> list:
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    palette = subject.palette
    accent = palette[element.label_colour or element.colour]
    muted, rule = palette["muted"], palette["rule"]
    wanted = sum(HEAD_MM + LINE_MM * e.lines for e in model.entries)
    scale = min(1.5, box.height / wanted)  # the lines stretch to fill the page, up to half as much again
    if scale < 0.7:
        problems.append(subject.problem(("entries",), "the entries and their lines do not fit on the "
                                                      "sheet; use fewer lines or entries"))
        return []
    out, top = [], box.top
    for i, entry in enumerate(model.entries):
        head = HEAD_MM * scale
        blocks = [Block((Span(entry.title, "bold", accent),), keep_with_next=True)]
        if entry.hint:
            blocks.append(Block((Span(entry.hint, "regular", muted),), tight=True))
        runs = builder.text(Box(box.x, top - head, box.width, head), element, subject, problems, blocks=blocks)
        lines, y = [], top - head
        for _ in range(entry.lines):
            y -= LINE_MM * scale
            lines.append(Stroke(((box.x, y), (box.right, y)), rule, 0.4))
        out.append(Group(f"entry-{i + 1}", tuple(runs) + tuple(lines)))
        top = y
    return out


class EntriesElement(Lettering):
    """The decision sheet's entries, filling the box from the top."""

    kind: Literal["entries"] = Field(description="The decision sheet's entries with lines to write on.")


register(EntriesElement, lay_out, cards=False, needs=("entries",))
