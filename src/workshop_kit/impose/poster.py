"""Posters and tiles: a board on one large sheet, or cut into office
sheets with an overlap strip, alignment marks and a tile map."""

from __future__ import annotations

import math
from dataclasses import dataclass

from workshop_kit.builtin import builtin, paper_size
from workshop_kit.impose.plan import Page, Placement, Segment, Sheets
from workshop_kit.layout.boxes import Box, Stroke
from workshop_kit.layout.tiles import LABEL_BAND

OVERLAP = 10.0      # mm of the board printed on both neighbouring tiles: one is laid over the other
MARK = 4.0          # mm arms of the alignment crosses
MARK_WIDTH_PT = 0.5  # their lines, bolder than crop marks: a facilitator matches them by eye
HALO = 0.6          # mm of white round the crosses, which keeps them visible on a dark board
MARK_INSET = 12.0   # mm from the end of a seam (outside the corner overlaps) to its nearest cross
CLEARANCE = 2.0     # mm kept between a seam's overlap and the QR code


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
    area: Box           # the printable part of each tile page (a tile's region starts at its top left)
    overlap: float


def tile(width: float, height: float, paper: str, keep: Box | None = None) -> TileSet:
    """Cut a width x height board into pages of `paper`, in whichever
    orientation needs fewer pages. Neighbouring tiles share OVERLAP mm: the
    tile to the right (or below) is laid over its neighbour, and both carry
    crosses at the same points of that strip. `keep` (board mm: the QR
    code) lies whole on one tile, clear of every overlap strip."""
    margin = builtin("sheets")["home"]["printer_margin"]
    best: tuple[float, float, list[float], list[float]] | None = None
    for kept in (keep, None):  # (a QR code too large for any tile is let go)
        for pw, ph in (paper_size(paper), paper_size(paper, "landscape")):
            aw, ah = pw - 2 * margin, ph - 2 * margin - LABEL_BAND
            # The columns run from the left, the rows from the top of the board.
            xs = _starts(width, aw, None if kept is None else (kept.x, kept.right))
            ys = _starts(height, ah, None if kept is None else (height - kept.top, height - kept.y))
            if xs and ys and (best is None or len(xs) * len(ys) < len(best[2]) * len(best[3])):
                best = (pw, ph, xs, ys)
        if best:
            break
    assert best is not None  # without a QR code to keep whole, some tiling always fits
    pw, ph, xs, ys = best
    area = Box(margin, margin + LABEL_BAND, pw - 2 * margin, ph - 2 * margin - LABEL_BAND)
    columns = [(x, (xs + [width - OVERLAP])[i + 1] + OVERLAP) for i, x in enumerate(xs)]
    rows = [(height - (ys + [height - OVERLAP])[i + 1] - OVERLAP, height - y) for i, y in enumerate(ys)]
    tiles, pages = [], []
    for r, (bottom, top) in enumerate(rows):
        for c, (left, right) in enumerate(columns):
            region = Box(left, bottom, right - left, top - bottom)
            tiles.append(Tile(r + 1, c + 1, region))
            # the board is placed so that the region's top left corner lands on the area's
            placement = Placement(0, "front", area.x - region.x, area.top - top)
            marks = tuple(s for x, y in _crosses(rows, columns, r, c)
                          for s in _cross(area.x + x - region.x, area.top - (top - y)))
            halos = tuple(Stroke(((m.x1 - HALO * (m.y1 == m.y2), m.y1 - HALO * (m.x1 == m.x2)),
                                  (m.x2 + HALO * (m.y1 == m.y2), m.y2 + HALO * (m.x1 == m.x2))),
                                 "#FFFFFF", 2 * HALO) for m in marks)
            pages.append(Page(pw, ph, (placement,), marks, extras=halos,
                              clip=Box(area.x, area.top - region.height, region.width, region.height)))
    return TileSet(Sheets("tiles", paper, tuple(pages), MARK_WIDTH_PT, 1), tuple(tiles), len(rows), len(columns),
                   area, OVERLAP)


def _starts(length: float, span: float, keep: tuple[float, float] | None) -> list[float] | None:
    """Where each tile starts along one side of the board `length` mm long,
    tiles at most `span` long overlapping by OVERLAP: the fewest tiles,
    as even as they can be while `keep` (an interval) lies clear of every
    overlap; None if no count up to two more than the fewest does."""
    pitch = span - OVERLAP    # the farthest one tile start can be from the next
    end = length - OVERLAP    # where a tile after the last would start
    fewest = max(1, math.ceil(end / pitch - 1e-9))
    for n in range(fewest, fewest + 3):
        if keep is None:
            return [end * i / n for i in range(n)]
        k0, k1 = keep[0] - CLEARANCE, keep[1] + CLEARANCE
        found = None
        for j in range(n):  # tile j holds `keep` between its overlaps
            # a: where tile j starts, b: where tile j + 1 starts (end for the last)
            a = 0.0 if j == 0 else min(end * j / n, k0 - OVERLAP, j * pitch)
            b = end if j == n - 1 else max(end * (j + 1) / n, k1, end - (n - 1 - j) * pitch)
            if b - a > pitch:  # as near to each other as `keep` and the tiles around let them
                a = 0.0 if j == 0 else min(k0 - OVERLAP, j * pitch)
                b = end if j == n - 1 else max(k1, end - (n - 1 - j) * pitch)
            if b - a > pitch or a < 0 or b > end or (j and a <= 0) or (j < n - 1 and b >= end):
                continue
            starts = [a * i / j for i in range(j)] + [a] \
                + [b + (end - b) * i / (n - 1 - j) for i in range(n - 1 - j)]
            shortest = min(q - p for p, q in zip(starts, starts[1:] + [end]))
            if found is None or shortest > found[0]:
                found = (shortest, starts)
        if found and found[0] >= 2 * MARK_INSET:
            return found[1]
    return None


def _crosses(rows: list, columns: list, r: int, c: int) -> list[tuple[float, float]]:
    """The centres (board mm) of the alignment crosses on tile (r, c): in
    the middle of each overlap it shares with a neighbour, at points the
    neighbour's crosses share, away from the corners where four tiles meet."""
    def inner(low: float, high: float, shared_low: bool, shared_high: bool) -> tuple[float, float]:
        """The part of a tile's side that no neighbour along it shares."""
        return low + OVERLAP * shared_low, high - OVERLAP * shared_high

    # rows are listed from the top (a row shares its bottom with the next),
    # columns from the left (a column shares its right side with the next)
    free_y = inner(rows[r][0], rows[r][1], r < len(rows) - 1, r > 0)
    free_x = inner(columns[c][0], columns[c][1], c > 0, c < len(columns) - 1)

    def along(low: float, high: float) -> list[float]:
        if high - low < 2 * MARK_INSET + 2 * MARK:
            return [(low + high) / 2]
        return [low + MARK_INSET, high - MARK_INSET]

    found = []
    for neighbour in (c - 1, c + 1):
        if 0 <= neighbour < len(columns):
            x = columns[max(c, neighbour)][0] + OVERLAP / 2
            found += [(x, y) for y in along(*free_y)]
    for neighbour in (r - 1, r + 1):
        if 0 <= neighbour < len(rows):
            y = rows[max(r, neighbour)][1] - OVERLAP / 2
            found += [(x, y) for x in along(*free_x)]
    return found


def _cross(x: float, y: float) -> tuple[Segment, Segment]:
    return Segment(x - MARK, y, x + MARK, y), Segment(x, y - MARK, x, y + MARK)


def needs_tiles(width: float, height: float, paper: str) -> bool:
    """True when a board is larger than one sheet of `paper` in either orientation."""
    pw, ph = paper_size(paper)
    fits = (width <= pw and height <= ph) or (width <= ph and height <= pw)
    return not fits
