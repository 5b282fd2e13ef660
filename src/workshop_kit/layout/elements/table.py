"""The partner table: a header row, the example, the partners of a
partner matrix and blank rows to write in."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Fill, Group, Stroke
from workshop_kit.layout.elements.base import Lettering
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.face import FaceBuilder, Subject

TABLE_FIELDS = ("name", "common_interest", "importance", "challenges", "relation", "contact")
TABLE_LABELS = ("partner", "common_interest", "partner_importance", "challenges", "relation", "contact")
TABLE_WEIGHTS = (1.35, 1.2, 1.0, 1.2, 1.0, 1.0)


class TableElement(Lettering):
    """The partner table, filling the box."""

    kind: Literal["table"] = Field(description="The board's partner table.")


def lay_out(builder: FaceBuilder, element: TableElement, box: Box, subject: Subject, problems,
            face_size=None) -> list:
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    palette = subject.palette
    labels = builder.kit.labels
    rule = palette["rule"]
    partners = []
    if model.partners_from:
        source = builder.kit.board(model.partners_from)
        partners = list(source.model.partners) if source else []
    rows: list[tuple[str, list[str]]] = []
    if model.example:
        rows.append(("example", [getattr(model.example, f) for f in TABLE_FIELDS]))
    for p in partners:
        rows.append(("partner", [getattr(p, f) for f in TABLE_FIELDS]))
    rows += [("blank", [""] * len(TABLE_FIELDS))] * model.blank_rows
    header_h = 12 * subject.scale
    row_h = min(16.0, (box.height - header_h) / max(len(rows), 1))
    if row_h < 7:
        problems.append(subject.problem(("blank_rows",),
            f"{len(rows)} rows do not fit on the sheet; use fewer blank rows"))
        return []
    total = sum(TABLE_WEIGHTS)
    xs = [box.x]
    for weight in TABLE_WEIGHTS:
        xs.append(xs[-1] + box.width * weight / total)
    top = box.top
    items: list = [Fill(Box(box.x, top - header_h, box.width, header_h), palette["accent"])]
    pad = 1.6
    for c, key in enumerate(TABLE_LABELS):
        cell = Box(xs[c] + pad, top - header_h + pad, xs[c + 1] - xs[c] - 2 * pad, header_h - 2 * pad)
        items += builder.label(element, cell, subject, problems, labels[key],
                               colour=palette["on-accent"], align="left")
    y = top - header_h
    for kind, values in rows:
        y -= row_h
        style = "italic" if kind == "example" else "regular"
        colour = palette["muted"] if kind == "example" else palette[element.colour]
        for c, value in enumerate(values):
            if not value:
                continue
            if kind == "example" and c == 0:
                value = f"{labels['example_row']}: {value}"
            cell = Box(xs[c] + pad, y + pad / 2, xs[c + 1] - xs[c] - 2 * pad, row_h - pad)
            items += builder.label(element, cell, subject, problems, value, style=style,
                                   colour=colour, align="left")
    bottom = y
    grid = [Stroke(((x, top), (x, bottom)), rule, 0.3) for x in xs]
    yy = top - header_h
    grid.append(Stroke(((box.x, top), (box.right, top)), rule, 0.3))
    for _ in range(len(rows) + 1):
        grid.append(Stroke(((box.x, yy), (box.right, yy)), rule, 0.3))
        yy -= row_h
    return [Group("table", tuple(items + grid))]


register(TableElement, lay_out, cards=False, needs=("partners_from", "example", "blank_rows"))
