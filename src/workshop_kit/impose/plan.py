"""The plain data an imposition produces and the PDF writer renders."""

from __future__ import annotations

from dataclasses import dataclass, field

from workshop_kit.layout.boxes import Box


@dataclass(frozen=True)
class Placement:
    item: int          # index of the card (or tile) being placed
    side: str          # "front" or "back"
    x: float           # bottom-left corner of the trim on the page, mm
    y: float
    rotation: int = 0  # degrees counter-clockwise the face is turned (0, 90 or 270); x, y
                       # are then the bottom-left corner of the turned trim


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    placements: tuple[Placement, ...]
    marks: tuple[Segment, ...] = ()
    bleed: float = 0.0              # artwork drawn this far beyond each trim
    trim_box: Box | None = None     # set for print-shop pages
    bleed_box: Box | None = None
    clip: Box | None = None         # only this part of the page shows the placements
    extras: tuple = ()              # layout items drawn on the page itself (tile labels)


@dataclass(frozen=True)
class Sheets:
    """All pages of one output file."""

    mode: str                       # "home" or "shop"
    paper: str                      # paper name, or "card" for print-shop pages
    pages: tuple[Page, ...]
    mark_width_pt: float
    per_sheet: int = 1
    duplex: str | None = None       # "long-edge" or "short-edge" when printed on both sides
    layout: dict = field(default_factory=dict)  # the office sheet layout, as the manifest records it
