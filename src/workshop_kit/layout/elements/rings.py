"""The rings of the influence circle, from the centre out, each with its
name; on the filled-in board, each element's token in the ring it was
placed in."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from workshop_kit.content.model import slug_from
from workshop_kit.layout.boxes import Box, Circle, Group
from workshop_kit.layout.colours import mix
from workshop_kit.layout.elements.base import Lettering
from workshop_kit.layout.elements.registry import register
from workshop_kit.layout.elements.tokens import on_poster, placed_token
from workshop_kit.layout.face import FaceBuilder
from workshop_kit.problems import Problem

if TYPE_CHECKING:
    from workshop_kit.layout.board import BoardSubject

GAP = 0.8   # mm kept between placed tokens (and the ring labels), on the reference paper
STEP = 1.5  # mm between the spots tried along a ring, on the reference paper


class RingsElement(Lettering):
    """The rings of an influence circle, in the largest circle the box holds."""

    kind: Literal["rings"] = Field(description="The rings of the board's influence circle.")


def token_size(model, box: Box, scale: float) -> tuple[float, float]:
    """A token as wide as a ring allows (measured on the reference paper)."""
    band = min(box.width, box.height) / 2 / len(model.rings) / scale
    width = min(band * 0.95, 60)
    return on_poster(width, min(band * 0.4, width * 0.42), scale)


def _circle(box: Box) -> tuple[float, float, float]:
    """The centre and radius of the circle the rings fill."""
    return box.x + box.width / 2, box.y + box.height / 2, min(box.width, box.height) / 2


def ring_at(model, box: Box, scale: float, x: float, y: float) -> str | None:
    """The ring a token whose centre lies at (x, y) was placed in; None outside the circle."""
    cx, cy, radius = _circle(box)
    i = int(math.hypot(x - cx, y - cy) / (radius / len(model.rings)))
    return model.rings[i].name if i < len(model.rings) else None


def lay_out(builder: FaceBuilder, element: RingsElement, box: Box, subject: BoardSubject, problems,
            face_size=None) -> list:
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    palette = subject.palette
    n = len(model.rings)
    cx, cy, radius = _circle(box)
    rule = palette["rule"]
    shapes, labels = [], []
    for i in reversed(range(n)):
        ring = model.rings[i]
        fill = ring.colour or mix(palette["accent"], 0.08 + 0.30 * (n - 1 - i) / max(n - 1, 1))
        r = radius * (i + 1) / n
        shapes.append(Group(f"ring-{i + 1}-{slug_from(ring.name)}",
                            (Circle(cx, cy, r, fill, rule, 0.35 * subject.scale),)))
    band = radius / n
    for i, ring in enumerate(model.rings):
        label_box = _ring_label_box(cx, cy, band, i)
        labels.append(Group(f"label-{slug_from(ring.name)}",
                            tuple(builder.label(element, label_box, subject, problems,
                                                ring.name.upper(), colour=palette[element.colour]))))
    items = shapes + labels
    if subject.variant == "filled":
        items.append(Group("placed-elements", tuple(_placed_elements(subject, box, cx, cy, band, problems))))
    return items


def _placed_elements(subject: BoardSubject, box: Box, cx: float, cy: float, band: float, problems) -> list:
    """Each element's token inside the ring it was placed in, none
    overlapping another or a ring's label. The tokens of a crowded ring
    shrink until all of them find a place, as long as their text still fits."""
    model: Any = subject.model  # a board's content, with the fields this kind needs (registered below)
    layout, board = subject.layout, subject.board
    width, height = token_size(model, box, subject.scale)
    names = [r.name for r in model.rings]
    taken = [_ring_label_box(cx, cy, band, i) for i in range(len(names))]
    placed = []
    for i, name in enumerate(names):
        members = [k for k, e in enumerate(model.elements) if e.ring == name]
        if not members:
            continue
        for shrink in (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6):
            w, h = width * shrink, height * shrink
            spots = _spots(members, i, cx, cy, band, w, h, taken, subject.scale)
            if spots is None:
                continue
            fit_problems: list[Problem] = []
            faces = layout.token_faces(board, (w, h), subject.scale, fit_problems, members)
            if fit_problems:
                continue
            break
        else:
            problems.append(subject.problem(("rings", i),
                f"the {len(members)} elements of ring '{name}' do not fit in it on the filled-in "
                f"board (at any poster size: the tokens grow with the board); place fewer elements "
                f"there or shorten their texts"))
            continue
        taken += [Box(x, y, w, h) for x, y in spots.values()]
        placed += [placed_token(f"element-{model.elements[k].id}", faces[k], x, y, subject)
                   for k, (x, y) in spots.items()]
    return placed


def _ring_label_box(cx: float, cy: float, band: float, i: int) -> Box:
    """Where the ring's name is printed (as in _rings)."""
    r0, r1 = band * i, band * (i + 1)
    mid = cy + (r0 + r1) / 2 if i else cy + r1 * 0.68
    half = math.sqrt(max(r1 ** 2 - (mid - cy + band * 0.13) ** 2, 0)) * 0.85
    return Box(cx - half, mid - band * 0.13, 2 * half, band * 0.26)


def _spots(members: list[int], i: int, cx: float, cy: float, band: float, w: float, h: float,
           taken: list[Box], scale: float) -> dict[int, tuple[float, float]] | None:
    """Bottom-left corners for the tokens of ring i, or None if it is too full;
    the spots tried and the gaps kept grow with the poster (`scale`), so a
    larger poster is the reference layout enlarged."""
    gap = GAP * scale
    r0, r1 = band * i, band * (i + 1)
    candidates = []
    for step in range(10):
        radius = r0 + (r1 - r0) * (step + 0.5) / 10
        count = max(12, int(2 * math.pi * radius / (STEP * scale)))
        for a in range(count):
            angle = 270 + 360 * a / count  # start at the bottom, away from the label
            x = cx + radius * math.cos(math.radians(angle)) - w / 2
            y = cy + radius * math.sin(math.radians(angle)) - h / 2
            box = Box(x, y, w, h)
            if _in_annulus(box, cx, cy, r0, r1) and not any(_overlap(box, other, gap) for other in taken):
                candidates.append((angle % 360, box))
    spots: dict[int, tuple[float, float]] = {}
    for j, k in enumerate(members):
        if not candidates:
            return None
        ideal = (270 + 360 * (j + 0.5) / len(members)) % 360 if i else 270
        _, box = min(candidates, key=lambda t: abs((t[0] - ideal + 180) % 360 - 180))
        spots[k] = (box.x, box.y)
        candidates = [(angle, other) for angle, other in candidates if not _overlap(box, other, gap)]
    return spots


def _in_annulus(box: Box, cx: float, cy: float, r0: float, r1: float) -> bool:
    corners = ((box.x, box.y), (box.right, box.y), (box.x, box.top), (box.right, box.top))
    if any(math.hypot(x - cx, y - cy) > r1 for x, y in corners):
        return False
    nearest_x = min(max(cx, box.x), box.right)
    nearest_y = min(max(cy, box.y), box.top)
    return math.hypot(nearest_x - cx, nearest_y - cy) >= r0


def _overlap(a: Box, b: Box, gap: float) -> bool:
    return not (a.right + gap <= b.x or b.right + gap <= a.x or a.top + gap <= b.y or b.top + gap <= a.y)


register(RingsElement, lay_out, cards=False, token_size=token_size, needs=("rings", "elements"),
         meaning=ring_at, places="ring")
