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

    def overlaps(self, other: "Box", tolerance: float = 1e-6) -> bool:
        """True when the two share more than an edge."""
        return (self.x < other.right - tolerance and other.x < self.right - tolerance
                and self.y < other.top - tolerance and other.y < self.top - tolerance)

    def expanded(self, margin: float) -> "Box":
        return Box(self.x - margin, self.y - margin, self.width + 2 * margin, self.height + 2 * margin)


@dataclass(frozen=True)
class Fill:
    box: Box
    colour: Colour
    # Edges that lie on the trim and so run on into the bleed.
    bleed_edges: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class Image:
    """A picture of the kit (content/pictures.py: its kind, size and bytes)
    in a box: 'contain' shows all of it, 'cover' fills the box and is cut
    at its edges; aligned in the box as `align` and `valign` say."""

    box: Box
    picture: Any
    fit: str = "contain"
    align: str = "center"      # left, center, right
    valign: str = "middle"     # top, middle, bottom
    # Edges that lie on the trim: the box runs on into the bleed there.
    bleed_edges: tuple[str, ...] = ()

    def placed(self, bleed: float = 0.0) -> tuple[Box, Box]:
        """The box the whole picture is drawn in, and the box it is cut to;
        the bleed widens the box at its bleed edges."""
        b = self.box
        x0 = b.x - (bleed if "left" in self.bleed_edges else 0)
        y0 = b.y - (bleed if "bottom" in self.bleed_edges else 0)
        x1 = b.right + (bleed if "right" in self.bleed_edges else 0)
        y1 = b.top + (bleed if "top" in self.bleed_edges else 0)
        clip = Box(x0, y0, x1 - x0, y1 - y0)
        ratio = self.picture.width / self.picture.height
        pick = max if self.fit == "cover" else min
        scale = pick(clip.width / ratio, clip.height)  # the picture's height
        width, height = scale * ratio, scale
        share = {"left": 0.0, "center": 0.5, "right": 1.0}[self.align]
        rise = {"bottom": 0.0, "middle": 0.5, "top": 1.0}[self.valign]
        x = clip.x + (clip.width - width) * share
        y = clip.y + (clip.height - height) * rise
        return Box(x, y, width, height), clip


Item = Union[Fill, TextRun, QRSymbol, Circle, Stroke, Group, Image]


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

    out: list[Item] = []
    for item in items:
        if isinstance(item, Group):
            out.append(Group(item.name, moved(item.items, dx, dy)))
        elif isinstance(item, (Fill, QRSymbol, Image)):
            b = item.box
            out.append(replace(item, box=Box(b.x + dx, b.y + dy, b.width, b.height)))
        elif isinstance(item, TextRun):
            out.append(replace(item, x=item.x + dx, baseline=item.baseline + dy))
        elif isinstance(item, Circle):
            out.append(replace(item, cx=item.cx + dx, cy=item.cy + dy))
        elif isinstance(item, Stroke):
            out.append(replace(item, points=tuple((x + dx, y + dy) for x, y in item.points)))
    return tuple(out)
