"""Contact sheets: the faces of many cards in a grid on one page, without
marks, to be rasterised once and cut into small pictures."""

from __future__ import annotations

from typing import Sequence

from workshop_kit.impose.plan import Page, Placement, Sheets

SIDES = ("front", "back")


def impose_contact(slots: Sequence[int], card_w: float, card_h: float, gap_x: float, gap_y: float,
                   pairs: int, rows: int) -> Sheets:
    """Pages of `rows` rows of `pairs` cards, each card's front with its
    back to its right, the faces `gap_x` and `gap_y` apart (so that no
    face's edge runs into its neighbour's picture). Card k goes into slot
    `slots[k]` (filled left to right, top to bottom, page after page), so
    that a card has the same place whichever other cards are drawn with it;
    only pages with a card are made, each of the full size."""
    per_page = pairs * rows
    cell_w, cell_h = card_w + gap_x, card_h + gap_y
    width, height = 2 * pairs * cell_w, rows * cell_h
    pages: dict[int, list[Placement]] = {}
    for item, slot in enumerate(slots):
        page, place = divmod(slot, per_page)
        row, pair = divmod(place, pairs)
        y = height - (row + 1) * cell_h + gap_y
        pages.setdefault(page, []).extend(
            Placement(item, side, (2 * pair + i) * cell_w, y) for i, side in enumerate(SIDES))
    return Sheets("contact", "card", tuple(Page(width, height, tuple(pages[p])) for p in sorted(pages)),
                  0.0, per_page)
