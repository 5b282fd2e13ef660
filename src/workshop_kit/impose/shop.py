"""Print-shop files: one card face per page, with bleed, TrimBox and
BleedBox, and crop marks in the slug outside the bleed."""

from __future__ import annotations

from typing import Sequence

from workshop_kit.builtin import builtin
from workshop_kit.impose.marks import corner_marks
from workshop_kit.impose.plan import Page, Placement, Sheets
from workshop_kit.layout.boxes import Box


def impose_shop(items: int | Sequence[int], card_w: float, card_h: float, bleed: float) -> Sheets:
    """Front and back of each card on consecutive pages; `items` are the
    cards' indexes, as often as each is printed (a number n: 0 .. n-1)."""
    items = range(items) if isinstance(items, int) else items
    settings = builtin("sheets")["shop"]
    slug = max(settings["slug"], bleed + 2)
    offset = max(settings["mark_offset"], bleed)
    length = min(settings["mark_length"], slug - offset)
    width, height = card_w + 2 * (bleed + slug), card_h + 2 * (bleed + slug)
    x = y = bleed + slug
    trim = Box(x, y, card_w, card_h)
    bleed_box = Box(x - bleed, y - bleed, card_w + 2 * bleed, card_h + 2 * bleed)
    marks = tuple(corner_marks(x, y, card_w, card_h, offset, length))
    pages = tuple(
        Page(width, height, (Placement(i, side, x, y),), marks, bleed, trim, bleed_box)
        for i in items for side in ("front", "back")
    )
    return Sheets("shop", "card", pages, settings["mark_width_pt"], 1)
