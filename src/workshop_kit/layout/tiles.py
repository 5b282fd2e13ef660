"""The labels of a board's tiles: row and column, a map of the tiles with
this one marked, and dashed cut lines along the edges laid over a neighbour. The band at
the foot of each tile that holds them is measured here, and impose leaves
it free."""

from __future__ import annotations

from dataclasses import replace

from workshop_kit.layout.boxes import Box, Fill, Group, Stroke
from workshop_kit.layout.colours import Palette
from workshop_kit.layout.text import runs_at

LABEL_BAND = 9.0    # mm at the foot of each tile for its row, column and map


def tiles_with_labels(tiles, layout, board):
    """The tiles (impose's Tiles) of a board laid out by `layout` (a
    BoardLayout), each page with its labels."""
    palette = Palette(layout.kit.colours, board.type)
    family = layout.builder.family
    labels = layout.kit.labels
    pages = []
    area = tiles.area
    for page, t in zip(tiles.sheets.pages, tiles.tiles):
        items: list = []
        base = area.y - LABEL_BAND + 3
        text = labels["tile"].format(row=t.row, column=t.column)
        text += f" ({board.model.title}) – {labels['tile_help']}"
        items += runs_at(family, text, "bold", 7, palette["ink"], area.x, base, "left")
        cell = min(2.2, (LABEL_BAND - 3) / tiles.rows)
        map_x = area.x + area.width - tiles.columns * cell
        for r in range(tiles.rows):
            for c in range(tiles.columns):
                box = Box(map_x + c * cell, area.y - 1.5 - (r + 1) * cell, cell, cell)
                current = (r + 1, c + 1) == (t.row, t.column)
                items.append(Fill(box, palette["accent"] if current else palette["rule"]))
                items.append(Stroke(((box.x, box.y), (box.right, box.y), (box.right, box.top), (box.x, box.top)),
                                    palette["paper"], 0.2, closed=True))
        # The cut runs along the edge of the print where this tile is laid
        # over its neighbour (to the left, and above): the overlap stays on it.
        left, top = area.x, area.top
        right, bottom = left + t.region.width, top - t.region.height
        dashes = []
        if t.column > 1:
            dashes.append(((left, bottom), (left, top)))
        if t.row > 1:
            dashes.append(((left, top), (right, top)))
        for a, b in dashes:
            items.append(Stroke((a, b), palette["muted"], 0.3, dash_mm=2))
        pages.append(replace(page, extras=page.extras + (Group(f"tile-{t.row}-{t.column}", tuple(items)),)))
    return replace(tiles, sheets=replace(tiles.sheets, pages=tuple(pages)))
