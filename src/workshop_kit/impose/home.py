"""Office printing: n-up on a sheet as a sheet layout says (data/layouts/):
cards butted or with a gap, upright or turned when more fit that way, crop
marks in the margin or cut lines across the sheet, and after each page of
fronts a page of backs mirrored for duplex, no backs at all, or each back
beside its front with a fold line between them."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

from workshop_kit.builtin import builtin, paper_size
from workshop_kit.content.sheet_layout import SheetLayout, default_layout
from workshop_kit.impose.marks import grid_marks
from workshop_kit.impose.plan import Page, Placement, Segment, Sheets
from workshop_kit.layout.boxes import Stroke

PT = 25.4 / 72  # millimetres in a point


class DoesNotFit(Exception):
    pass


@dataclass(frozen=True)
class Grid:
    columns: int
    rows: int
    x0: float       # left edge of the block of cards
    y0: float       # bottom edge
    card_width: float   # a slot as it stands on the sheet (a card, or a card and its back to fold)
    card_height: float
    gutter: float
    rotated: bool = False  # the cards are turned 90 degrees on the sheet

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def slot(self, index: int) -> tuple[float, float]:
        """Bottom-left of slot `index`, filled left to right, top to bottom."""
        row, column = divmod(index, self.columns)
        x = self.x0 + column * (self.card_width + self.gutter)
        y = self.y0 + (self.rows - 1 - row) * (self.card_height + self.gutter)
        return x, y

    def cut_lines(self, cards: int | None = None) -> tuple[list[float], list[float]]:
        """The cut lines of the slots that hold the first `cards` cards (all slots by default)."""
        cards = self.per_sheet if cards is None else cards
        xs: set[float] = set()
        ys: set[float] = set()
        for c in range(min(cards, self.columns)):
            x = self.x0 + c * (self.card_width + self.gutter)
            xs.update((round(x, 4), round(x + self.card_width, 4)))
        filled = math.ceil(cards / self.columns)
        for r in range(self.rows - filled, self.rows):  # the slots fill the rows from the top
            y = self.y0 + r * (self.card_height + self.gutter)
            ys.update((round(y, 4), round(y + self.card_height, 4)))
        return sorted(xs), sorted(ys)


def fit_grid(paper_w: float, paper_h: float, card_w: float, card_h: float, settings: dict,
             gap: float = 0.0, marks: str = "crop") -> Grid:
    """As many cards as fit `gap` apart inside the printable area, with room
    for crop marks around them when `marks` is "crop"."""
    reserve = settings["printer_margin"]
    if marks == "crop":
        reserve += settings["mark_offset"] + settings["mark_min_length"]

    def count(space: float, size: float) -> int:
        usable = space - 2 * reserve
        return int((usable + gap) // (size + gap)) if usable >= size else 0

    columns, rows = count(paper_w, card_w), count(paper_h, card_h)
    if not columns or not rows:
        room = " with room for crop marks" if marks == "crop" else ""
        raise DoesNotFit(f"a {card_w:g} x {card_h:g} mm card does not fit on a "
                         f"{paper_w:g} x {paper_h:g} mm sheet{room}")
    block_w = columns * card_w + (columns - 1) * gap
    block_h = rows * card_h + (rows - 1) * gap
    return Grid(columns, rows, (paper_w - block_w) / 2, (paper_h - block_h) / 2, card_w, card_h, gap)


def home_grid(card_w: float, card_h: float, paper: str, layout: SheetLayout | None = None) -> Grid:
    """The grid of cards on a sheet of `paper` for office printing (DoesNotFit if none):
    upright, or turned when the layout lets it and more fit that way (with
    `one-up`, only when upright a sheet would hold one card or none)."""
    layout = layout or default_layout()
    settings = builtin("sheets")["home"]
    width, height = paper_size(paper)
    fold = layout.sides == "fold"
    unit_w = 2 * card_w if fold else card_w  # a card to fold stands beside its back
    try:
        upright = fit_grid(width, height, unit_w, card_h, settings, layout.gap, layout.marks)
    except DoesNotFit as exc:
        upright, refused = None, exc
    if layout.rotate == "auto" or (layout.rotate == "one-up" and (upright is None or upright.per_sheet == 1)):
        try:
            turned = replace(fit_grid(width, height, card_h, unit_w, settings, layout.gap, layout.marks),
                             rotated=True)
            if upright is None or turned.per_sheet > upright.per_sheet:
                return turned
        except DoesNotFit:
            pass
    if upright is None:
        if fold:
            raise DoesNotFit(f"a {card_w:g} x {card_h:g} mm card beside its back to fold "
                             f"({refused})") from None
        raise refused
    return upright


def impose_home(items: int | Sequence[int], card_w: float, card_h: float, paper: str, duplex: str | None,
                layout: SheetLayout | None = None, name: str = "office") -> Sheets:
    """Pages for the cards `items` (their indexes, as often as each is
    printed; a number n stands for 0 .. n-1), laid out as `layout` (called
    `name`) says: fronts, then (if printed duplex) the mirrored backs."""
    layout = layout or default_layout()
    items = list(range(items)) if isinstance(items, int) else list(items)
    settings = builtin("sheets")["home"]
    grid = home_grid(card_w, card_h, paper, layout)
    width, height = paper_size(paper)
    extras = _fold_lines(grid, card_w, settings, width, height) if layout.sides == "fold" else ()
    duplex = duplex if layout.sides == "duplex" else None
    turned = 90 if grid.rotated else 0
    pages: list[Page] = []
    for start in range(0, len(items), grid.per_sheet):
        on_sheet = list(enumerate(items[start:start + grid.per_sheet]))
        marks = _marks(grid, layout.marks, settings, width, height, len(on_sheet))  # where there are cards
        fronts = tuple(Placement(item, "front", *grid.slot(slot), turned) for slot, item in on_sheet)
        if layout.sides == "fold":
            # The back stands beside the front, as the card folded shows it (turned with it).
            backs = tuple(Placement(item, "back", *_beside(grid.slot(slot), card_w, grid.rotated), turned)
                          for slot, item in on_sheet)
            pages.append(Page(width, height, tuple(p for pair in zip(fronts, backs) for p in pair),
                              marks, extras=extras))
            continue
        pages.append(Page(width, height, fronts, marks))
        if duplex:
            backs = tuple(back_of(p, width, height, card_w, card_h, duplex) for p in fronts)
            pages.append(Page(width, height, backs, tuple(_mirror(m, width, height, duplex) for m in marks)))
    record = {"name": name, "gap_mm": layout.gap, "marks": layout.marks, "sides": layout.sides,
              "rotated": grid.rotated}
    return Sheets("home", paper, tuple(pages), settings["mark_width_pt"], grid.per_sheet, duplex, record)


def _beside(slot: tuple[float, float], card_w: float, rotated: bool) -> tuple[float, float]:
    """Where the back of a card to fold stands in its slot: right of the
    front, or above it when the pair is turned."""
    x, y = slot
    return (x, y + card_w) if rotated else (x + card_w, y)


def _marks(grid: Grid, kind: str, settings: dict, width: float, height: float,
           cards: int) -> tuple[Segment, ...]:
    """Crop marks in the margin, cut lines across the printable area, or
    none, for the first `cards` slots."""
    xs, ys = grid.cut_lines(cards)
    margin = settings["printer_margin"]
    if kind == "crop":
        return tuple(grid_marks(xs, ys, settings["mark_offset"], settings["mark_length"],
                                (margin, width - margin), (margin, height - margin)))
    if kind == "cut-lines":
        return tuple([Segment(x, margin, x, height - margin) for x in xs]
                     + [Segment(margin, y, width - margin, y) for y in ys])
    return ()


def _fold_lines(grid: Grid, card_w: float, settings: dict, width: float, height: float) -> tuple:
    """A dashed line across the printable area on the fold of each column
    (or row, when turned) of cards."""
    margin = settings["printer_margin"]
    dash, colour, line = settings["fold_dash"], settings["fold_colour"], settings["mark_width_pt"] * PT
    lines = []
    if grid.rotated:
        for row in range(grid.rows):
            y = grid.y0 + row * (grid.card_height + grid.gutter) + card_w
            lines.append(Stroke(((margin, y), (width - margin, y)), colour, line, dash_mm=dash))
    else:
        for column in range(grid.columns):
            x = grid.x0 + column * (grid.card_width + grid.gutter) + card_w
            lines.append(Stroke(((x, margin), (x, height - margin)), colour, line, dash_mm=dash))
    return tuple(lines)


def back_of(front: Placement, sheet_w: float, sheet_h: float, card_w: float, card_h: float,
            duplex: str) -> Placement:
    """Where a card's back goes so that it lands behind its front.

    Long-edge flip mirrors x: sheet_w - x - width; short-edge flip mirrors y
    (width and height as the card stands on the sheet). A card turned 90
    degrees has its back turned the other way (270), so that the cut card
    shows the same back, the same way up, as one printed upright."""
    turned = front.rotation in (90, 270)
    width, height = (card_h, card_w) if turned else (card_w, card_h)
    rotation = (360 - front.rotation) % 360
    if duplex == "long-edge":
        return Placement(front.item, "back", sheet_w - front.x - width, front.y, rotation)
    return Placement(front.item, "back", front.x, sheet_h - front.y - height, rotation)


def _mirror(segment: Segment, width: float, height: float, duplex: str) -> Segment:
    if duplex == "long-edge":
        return Segment(width - segment.x1, segment.y1, width - segment.x2, segment.y2)
    return Segment(segment.x1, height - segment.y1, segment.x2, height - segment.y2)
