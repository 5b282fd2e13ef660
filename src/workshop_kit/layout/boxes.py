"""What layout hands to the drawing stage: plain data, millimetres,
origin at the bottom-left corner of the trim, y pointing up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from workshop_kit.qr import QRMatrix

Colour = Any  # "#RRGGBB" or a CMYK model; the drawing edge converts it


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def contains(self, other: "Box", tolerance: float = 1e-6) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance and other.top <= self.top + tolerance)


@dataclass(frozen=True)
class Fill:
    box: Box
    colour: Colour
    # Edges that lie on the trim and so run on into the bleed.
    bleed_edges: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TextRun:
    x: float        # left of the run
    baseline: float
    text: str
    font: str       # registered font face name
    size_pt: float
    colour: Colour
    angle: float = 0.0  # degrees counter-clockwise about (x, baseline)


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: Colour | None
    stroke: Colour | None = None
    stroke_mm: float = 0.0


@dataclass(frozen=True)
class Stroke:
    """A line through points; closed makes it an outline."""

    points: tuple[tuple[float, float], ...]
    colour: Colour
    width_mm: float
    closed: bool = False
    dash_mm: float = 0.0  # length of dashes and gaps; 0 for a solid line


@dataclass(frozen=True)
class Group:
    """Items that belong together, named (kept as a named group in SVG)."""

    name: str
    items: tuple


@dataclass(frozen=True)
class QRSymbol:
    box: Box        # the whole symbol including the quiet zone
    matrix: QRMatrix
    dark: Colour
    light: Colour

    @property
    def module_mm(self) -> float:
        return self.box.width / self.matrix.modules_with_quiet_zone


Item = Union[Fill, TextRun, QRSymbol, Circle, Stroke, Group]


@dataclass(frozen=True)
class Face:
    """One side of a card (or a whole board): its size and what is on it."""

    width: float
    height: float
    background: Colour
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CardFaces:
    deck: str
    card_id: str
    title: str
    qr_url: str | None
    front: Face
    back: Face


def qr_boxes(items) -> list[Box]:
    """The box of every QR symbol among `items`, those in groups too."""
    found = []
    for item in items:
        if isinstance(item, Group):
            found += qr_boxes(item.items)
        elif isinstance(item, QRSymbol):
            found.append(item.box)
    return found


def moved(items, dx: float, dy: float) -> tuple:
    """The same items shifted by (dx, dy) mm."""
    from dataclasses import replace

    out = []
    for item in items:
        if isinstance(item, Group):
            out.append(Group(item.name, moved(item.items, dx, dy)))
        elif isinstance(item, (Fill, QRSymbol)):
            b = item.box
            out.append(replace(item, box=Box(b.x + dx, b.y + dy, b.width, b.height)))
        elif isinstance(item, TextRun):
            out.append(replace(item, x=item.x + dx, baseline=item.baseline + dy))
        elif isinstance(item, Circle):
            out.append(replace(item, cx=item.cx + dx, cy=item.cy + dy))
        elif isinstance(item, Stroke):
            out.append(replace(item, points=tuple((x + dx, y + dy) for x, y in item.points)))
    return tuple(out)
