"""Contact sheets: the faces of many cards in a grid on one page, without
marks, to be rasterised once and cut into small pictures."""

from __future__ import annotations

from workshop_kit.impose.plan import Page, Placement, Sheets

SIDES = ("front", "back")


def impose_contact(count: int, card_w: float, card_h: float, gap_x: float, gap_y: float,
                   columns: int, rows: int) -> Sheets:
    """Pages of `columns` x `rows` faces, each card's front with its back to
    its right, the faces `gap_x` and `gap_y` apart (so that no face's edge
    runs into its neighbour's picture). Filled left to right, top to bottom."""
    faces = [(item, side) for item in range(count) for side in SIDES]
    per_page = columns * rows
    pages = []
    for start in range(0, len(faces), per_page):
        on_page = faces[start:start + per_page]
        used_rows = -(-len(on_page) // columns)
        width = min(columns, len(on_page)) * (card_w + gap_x)
        height = used_rows * (card_h + gap_y)
        placements = []
        for i, (item, side) in enumerate(on_page):
            row, column = divmod(i, columns)
            placements.append(Placement(item, side, column * (card_w + gap_x),
                                        height - row * (card_h + gap_y) - card_h))
        pages.append(Page(width, height, tuple(placements)))
    return Sheets("contact", "card", tuple(pages), 0.0, per_page)
