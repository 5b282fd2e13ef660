"""The partner priority matrix: four quadrants between an axis of
importance and one of ease of cooperation; on the filled-in board, each
scored partner's token in the cell of its scores."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Fill, Group, Stroke
from workshop_kit.layout.colours import mix
from workshop_kit.layout.elements.base import Lettering
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.elements.tokens import on_poster, placed_token
from workshop_kit.layout.face import FaceBuilder, Subject
from workshop_kit.layout.text import PT_TO_MM, runs_at

if TYPE_CHECKING:
    from workshop_kit.layout.board import BoardSubject

AXIS_BAND = 16   # mm beside and below the matrix for its axes, on the reference layout
POST_IT_MM = 76  # a standard square post-it, printed at its real size


class MatrixElement(Lettering):
    """The quadrants and axes of a partner matrix, filling the box."""

    kind: Literal["matrix"] = Field(description="The board's partner priority matrix.")
    fill: str = Field(description="Colour role the quadrants are tinted with.")


def token_size(model, box: Box, scale: float) -> tuple[float, float]:
    """A token as wide as a score cell of the matrix allows (measured on the reference paper)."""
    width = min((box.width / scale - AXIS_BAND) / 5 * 0.9, 90)
    return on_poster(width, width * 0.38, scale)


def _plot(box: Box, scale: float) -> Box:
    """The matrix itself: the box without the band of its axes, left and below."""
    axis_band = AXIS_BAND * scale
    return Box(box.x + axis_band, box.y + axis_band, box.width - axis_band, box.height - axis_band)


def score_at(model, box: Box, scale: float, x: float, y: float) -> dict[str, int] | None:
    """The scores of a partner whose token's centre lies at (x, y): the cell
    of the 5 x 5 grid over the matrix (_placed_partners); None off the matrix."""
    plot = _plot(box, scale)
    ease = math.floor((x - plot.x) / (plot.width / 5)) + 1
    importance = math.floor((y - plot.y) / (plot.height / 5)) + 1
    if not (1 <= ease <= 5 and 1 <= importance <= 5):
        return None
    return {"importance": importance, "ease": ease}


def lay_out(builder: FaceBuilder, element: MatrixElement, box: Box, subject: BoardSubject, problems,
            face_size=None) -> list:
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    palette = subject.palette
    s = subject.scale
    rule = palette["rule"]
    plot = _plot(box, s)
    qw, qh = plot.width / 2, plot.height / 2
    quadrants = {  # (column, row) from bottom-left: x = ease, y = importance
        "not_worth": (0, 0, 0.04), "not_now": (1, 0, 0.10),
        "discuss": (0, 1, 0.10), "start_here": (1, 1, 0.22),
    }
    items: list = []
    for key, (col, row, strength) in quadrants.items():
        q = Box(plot.x + col * qw, plot.y + row * qh, qw, qh)
        parts: list = [Fill(q, mix(palette[element.fill], strength)),
                       Stroke(((q.x, q.y), (q.right, q.y), (q.right, q.top), (q.x, q.top)),
                              rule, 0.35 * s, closed=True)]
        pad = 5 * s
        label_box = Box(q.x + pad, q.top - pad - 16 * s, q.width - 2 * pad, 16 * s)
        parts += builder.label(element, label_box, subject, problems,
                               getattr(model.quadrants, key), align="left", valign="top")
        room = q.height - 16 * s - 3 * pad
        if subject.variant == "blank" and room >= POST_IT_MM and q.width - 2 * pad >= POST_IT_MM:
            gx = q.x + (q.width - POST_IT_MM) / 2
            gy = q.y + pad + (room - POST_IT_MM) / 2
            parts.append(Stroke(((gx, gy), (gx + POST_IT_MM, gy), (gx + POST_IT_MM, gy + POST_IT_MM),
                                 (gx, gy + POST_IT_MM)), rule, 0.3 * s, closed=True, dash_mm=2.5))
        items.append(Group(f"quadrant-{key.replace('_', '-')}", tuple(parts)))
    items.append(Group("axes", tuple(_axes(builder, element, box, plot, subject, problems))))
    if subject.variant == "filled":
        items.append(Group("placed-partners", tuple(_placed_partners(subject, box, plot, problems))))
    return items


def _axes(builder, element, box: Box, plot: Box, subject: Subject, problems) -> list:
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    s = subject.scale
    ink = subject.palette[element.colour]
    size = element.size * s
    family = builder.family
    items: list = []
    y = plot.y - 5 * s  # the horizontal axis: ease of cooperation, hard to easy
    items.append(_arrow((plot.x, y), (plot.right, y), ink, 0.5 * s, 3 * s))
    x = plot.x - 5 * s  # the vertical axis: importance for success, low to high
    items.append(_arrow((x, plot.y), (x, plot.top), ink, 0.5 * s, 3 * s))
    base = y - 4.5 * s - size * 0.7 * PT_TO_MM
    ease, importance = model.axes.ease, model.axes.importance
    items += runs_at(family, ease.label, "bold", size, ink, plot.x + plot.width / 2, base, "center")
    items += runs_at(family, ease.low, "regular", size, ink, plot.x, base, "left")
    items += runs_at(family, ease.high, "regular", size, ink, plot.right, base, "right")
    left = x - 4.5 * s
    items += runs_at(family, importance.label, "bold", size, ink, left, plot.y + plot.height / 2, "center", 90)
    items += runs_at(family, importance.low, "regular", size, ink, left, plot.y, "left", 90)
    items += runs_at(family, importance.high, "regular", size, ink, left, plot.top, "right", 90)
    return items


def _arrow(start, end, colour, width: float, head: float) -> Group:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    left = (x1 - head * ux + head * 0.5 * uy, y1 - head * uy - head * 0.5 * ux)
    right = (x1 - head * ux - head * 0.5 * uy, y1 - head * uy + head * 0.5 * ux)
    return Group("arrow", (Stroke((start, end), colour, width), Stroke((left, end, right), colour, width)))


def _placed_partners(subject: BoardSubject, box: Box, plot: Box, problems) -> list:
    """Each scored partner in the cell of its scores (a 5 x 5 grid over the
    matrix, so a middle score of 3 sits on the line between two quadrants:
    a partner still to be discussed). Partners with the same scores share
    their cell side by side, their tokens shrunk to fit."""
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    board, layout = subject.board, subject.layout
    width, height = token_size(model, box, subject.scale)
    cell_w, cell_h = plot.width / 5, plot.height / 5
    cells: dict[tuple[int, int], list[int]] = {}
    for k, partner in enumerate(model.partners):
        if partner.score is not None:
            cells.setdefault((partner.score.ease, partner.score.importance), []).append(k)
    most = max((len(v) for v in cells.values()), default=1)
    shrink = min(1.0, (cell_h * 0.92) / (most * height * 1.08))
    w, h = min(width, cell_w * 0.94), height * shrink
    if h < height * 0.5:
        problems.append(subject.problem(("partners",),
            f"{most} partners have the same scores and do not fit in one cell of the matrix "
            f"(at any poster size: the tokens grow with the board); spread the scores"))
        return []
    faces = layout.token_faces(board, (w, h), subject.scale, problems,
                               [k for members in cells.values() for k in members])
    out = []
    for (ease, importance), members in cells.items():
        cx = plot.x + (ease - 0.5) * cell_w
        cy = plot.y + (importance - 0.5) * cell_h
        total = len(members) * h * 1.08 - h * 0.08
        for j, k in enumerate(members):
            x, y = cx - w / 2, cy + total / 2 - (j + 1) * h * 1.08 + h * 0.08
            out.append(placed_token(f"partner-{model.partners[k].id}", faces[k], x, y, subject))
    return out


register(MatrixElement, lay_out, cards=False, token_size=token_size, needs=("axes", "quadrants", "partners"),
         meaning=score_at, places="score")
