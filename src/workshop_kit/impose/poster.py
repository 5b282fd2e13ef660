"""Posters and tiles: a board on one large sheet, or cut into office
sheets with an overlap strip, alignment marks and a tile map."""

from __future__ import annotations

import math
from dataclasses import dataclass

from workshop_kit.builtin import builtin, paper_size
from workshop_kit.impose.plan import Page, Placement, Segment, Sheets
from workshop_kit.layout.boxes import Box
from workshop_kit.layout.tiles import LABEL_BAND

OVERLAP = 10.0      # mm printed on both neighbouring tiles, to glue over
MARK = 4.0          # mm arms of the alignment crosses


def poster(width: float, height: float, paper: str) -> Sheets:
    """The board on one sheet of its own size."""
    page = Page(width, height, (Placement(0, "front", 0.0, 0.0),))
    return Sheets("poster", paper, (page,), 0.25, 1)


@dataclass(frozen=True)
class Tile:
    row: int            # 1-based, from the top of the board
    column: int         # 1-based, from the left
    region: Box         # the part of the board this tile shows, board mm


@dataclass(frozen=True)
class TileSet:
    sheets: Sheets
    tiles: tuple[Tile, ...]
    rows: int
    columns: int
    area: Box           # where the region is printed on each tile page
    overlap: float


def tile(width: float, height: float, paper: str) -> TileSet:
    """Cut a width x height board into pages of `paper`, in whichever
    orientation needs fewer pages. Neighbouring tiles share OVERLAP mm."""
    margin = builtin("sheets")["home"]["printer_margin"]
    best = None
    for pw, ph in (paper_size(paper), paper_size(paper, "landscape")):
        aw, ah = pw - 2 * margin, ph - 2 * margin - LABEL_BAND
        columns = max(1, math.ceil((width - OVERLAP) / (aw - OVERLAP)))
        rows = max(1, math.ceil((height - OVERLAP) / (ah - OVERLAP)))
        if best is None or rows * columns < best[0]:
            best = (rows * columns, pw, ph, aw, ah, rows, columns)
    assert best is not None  # both orientations were tried
    _, pw, ph, aw, ah, rows, columns = best
    area = Box(margin, margin + LABEL_BAND, aw, ah)
    tiles, pages = [], []
    for r in range(rows):
        for c in range(columns):
            x = c * (aw - OVERLAP)
            top = height - r * (ah - OVERLAP)
            region = Box(x, max(top - ah, 0.0), min(aw, width - x), min(ah, top))
            tiles.append(Tile(r + 1, c + 1, region))
            # the board is placed so that the region's corner lands on the area's
            placement = Placement(0, "front", area.x - region.x, area.top - top)
            pages.append(Page(pw, ph, (placement,), _marks(area, region, r, c, rows, columns),
                              clip=Box(area.x, area.top - region.height, region.width, region.height)))
    return TileSet(Sheets("tiles", paper, tuple(pages), 0.25, 1), tuple(tiles), rows, columns, area, OVERLAP)


def _marks(area: Box, region: Box, r: int, c: int, rows: int, columns: int) -> tuple[Segment, ...]:
    """Crosses at the corners of the overlap strips: on a tile and its
    neighbour they fall on the same point of the board."""
    marks: list[Segment] = []
    left, top = area.x, area.top
    right, bottom = left + region.width, top - region.height
    xs = []
    if c > 0:
        xs.append(left + OVERLAP)
    if c < columns - 1:
        xs.append(right - OVERLAP)
    ys = []
    if r > 0:
        ys.append(top - OVERLAP)
    if r < rows - 1:
        ys.append(bottom + OVERLAP)
    for x in xs:
        for y in (top - OVERLAP / 2, bottom + OVERLAP / 2):
            marks += [Segment(x - MARK, y, x + MARK, y), Segment(x, y - MARK, x, y + MARK)]
    for y in ys:
        for x in (left + OVERLAP / 2, right - OVERLAP / 2):
            marks += [Segment(x - MARK, y, x + MARK, y), Segment(x, y - MARK, x, y + MARK)]
    return tuple(marks)


def needs_tiles(width: float, height: float, paper: str) -> bool:
    """True when a board is larger than one sheet of `paper` in either orientation."""
    pw, ph = paper_size(paper)
    fits = (width <= pw and height <= ph) or (width <= ph and height <= pw)
    return not fits
