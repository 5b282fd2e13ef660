"""Office printing: n-up on a sheet, cards butted, crop marks in the margin,
and a page of backs after each page of fronts, mirrored for duplex."""

from __future__ import annotations

from dataclasses import dataclass

from workshop_kit.builtin import builtin, paper_size
from workshop_kit.impose.marks import grid_marks
from workshop_kit.impose.plan import Page, Placement, Segment, Sheets


class DoesNotFit(Exception):
    pass


@dataclass(frozen=True)
class Grid:
    columns: int
    rows: int
    x0: float       # left edge of the block of cards
    y0: float       # bottom edge
    card_width: float
    card_height: float
    gutter: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def slot(self, index: int) -> tuple[float, float]:
        """Bottom-left of slot `index`, filled left to right, top to bottom."""
        row, column = divmod(index, self.columns)
        x = self.x0 + column * (self.card_width + self.gutter)
        y = self.y0 + (self.rows - 1 - row) * (self.card_height + self.gutter)
        return x, y

    def cut_lines(self) -> tuple[list[float], list[float]]:
        xs, ys = set(), set()
        for c in range(self.columns):
            x = self.x0 + c * (self.card_width + self.gutter)
            xs.update((round(x, 4), round(x + self.card_width, 4)))
        for r in range(self.rows):
            y = self.y0 + r * (self.card_height + self.gutter)
            ys.update((round(y, 4), round(y + self.card_height, 4)))
        return sorted(xs), sorted(ys)


def fit_grid(paper_w: float, paper_h: float, card_w: float, card_h: float, settings: dict) -> Grid:
    """As many cards as fit with room for marks inside the printable area."""
    reserve = settings["printer_margin"] + settings["mark_offset"] + settings["mark_min_length"]
    gutter = settings["gutter"]

    def count(space: float, size: float) -> int:
        usable = space - 2 * reserve
        return int((usable + gutter) // (size + gutter)) if usable >= size else 0

    columns, rows = count(paper_w, card_w), count(paper_h, card_h)
    if not columns or not rows:
        raise DoesNotFit(f"a {card_w:g} x {card_h:g} mm card does not fit on a "
                         f"{paper_w:g} x {paper_h:g} mm sheet with room for crop marks")
    block_w = columns * card_w + (columns - 1) * gutter
    block_h = rows * card_h + (rows - 1) * gutter
    return Grid(columns, rows, (paper_w - block_w) / 2, (paper_h - block_h) / 2, card_w, card_h, gutter)


def home_grid(card_w: float, card_h: float, paper: str) -> Grid:
    """The grid of cards on a sheet of `paper` for office printing (DoesNotFit if none)."""
    return fit_grid(*paper_size(paper), card_w, card_h, builtin("sheets")["home"])


def impose_home(count: int, card_w: float, card_h: float, paper: str, duplex: str | None) -> Sheets:
    """Pages for `count` cards: fronts, then (if duplex) the mirrored backs."""
    settings = builtin("sheets")["home"]
    grid = home_grid(card_w, card_h, paper)
    width, height = paper_size(paper)
    xs, ys = grid.cut_lines()
    margin = settings["printer_margin"]
    marks = tuple(grid_marks(xs, ys, settings["mark_offset"], settings["mark_length"],
                             (margin, width - margin), (margin, height - margin)))
    pages: list[Page] = []
    for start in range(0, count, grid.per_sheet):
        cards = range(start, min(start + grid.per_sheet, count))
        fronts = tuple(Placement(i, "front", *grid.slot(i - start)) for i in cards)
        pages.append(Page(width, height, fronts, marks))
        if duplex:
            backs = tuple(back_of(p, width, height, card_w, card_h, duplex) for p in fronts)
            pages.append(Page(width, height, backs, tuple(_mirror(m, width, height, duplex) for m in marks)))
    return Sheets("home", paper, tuple(pages), settings["mark_width_pt"], grid.per_sheet, duplex)


def back_of(front: Placement, sheet_w: float, sheet_h: float, card_w: float, card_h: float,
            duplex: str) -> Placement:
    """Where a card's back goes so that it lands behind its front.

    Long-edge flip mirrors x: sheet_w - x - card_w; short-edge flip mirrors y."""
    if duplex == "long-edge":
        return Placement(front.item, "back", sheet_w - front.x - card_w, front.y)
    return Placement(front.item, "back", front.x, sheet_h - front.y - card_h)


def _mirror(segment: Segment, width: float, height: float, duplex: str) -> Segment:
    if duplex == "long-edge":
        return Segment(width - segment.x1, segment.y1, width - segment.x2, segment.y2)
    return Segment(segment.x1, height - segment.y1, segment.x2, height - segment.y2)
