"""Where a board's markers lie, in the board's millimetres (origin at the
bottom-left corner, y up), read from the board's own layout: the black
square of each corner marker, and for each token its marker's size and
the way from the marker's centre to the token's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workshop_kit.capture.errors import CaptureError
from workshop_kit.content.boards import board_type
from workshop_kit.layout.board import BoardLayout, Placement
from workshop_kit.layout.boxes import Box, Face, Fill, Group


@dataclass(frozen=True)
class TokenMark:
    index: int              # the token's place in the board's list of elements or partners
    id: str                 # the item's id
    name: str               # the token's text
    marker_size: float      # mm across the marker's black square
    offset: tuple[float, float]  # from the marker's centre to the token's, along the token's axes (mm)


@dataclass(frozen=True)
class BoardMarks:
    slug: str
    size: tuple[float, float]       # the board's width and height (mm)
    corners: dict[int, Box]         # the black square of each corner marker by id
    tokens: dict[int, TokenMark]    # by marker id
    placement: Placement
    model: Any


def board_marks(layout: BoardLayout, board, poster: str, paper: str) -> BoardMarks:
    """The markers of `board` printed as a `poster`; CaptureError if it has
    no tokens to place or its template draws no markers."""
    placement = layout.placement(board, poster)
    if placement is None:
        raise CaptureError(f"board '{board.slug}' has no tokens to place; capture reads the influence "
                           f"circle and the partner matrix")
    problems: list = []
    blank = layout.faces(board, poster, paper, problems)[0]
    corners = {int(g.name.rsplit("-", 1)[1]): _black_square(g) for g in _groups(blank.face.items, "corner-marker-")}
    if len(corners) != 4:
        raise CaptureError(f"board '{board.slug}' has no corner markers; add the element 'kind: corners' "
                           f"to its template, print it again and photograph that")
    kind = board_type(board.type)
    items = kind.token_items(board.model)
    tokens = {}
    for index, face in enumerate(blank.tokens):
        found = _groups(face.items, "marker-")
        if found:
            marker_id = int(found[0].name.rsplit("-", 1)[1])
            tokens[marker_id] = _token_mark(index, items[index].id, kind.token_text(items[index]), face, found[0])
    if not tokens:
        raise CaptureError(f"the tokens of board '{board.slug}' have no markers; add the element "
                           f"'kind: marker' to the token of its template, print them again and photograph those")
    return BoardMarks(board.slug, placement.size, corners, tokens, placement, board.model)


def _token_mark(index: int, item_id: str, name: str, face: Face, group: Group) -> TokenMark:
    square = _black_square(group)
    cx, cy = square.x + square.width / 2, square.y + square.height / 2
    return TokenMark(index, item_id, name, square.width, (face.width / 2 - cx, face.height / 2 - cy))


def _groups(items, prefix: str) -> list[Group]:
    found = []
    for item in items:
        if isinstance(item, Group):
            if item.name.startswith(prefix):
                found.append(item)
            else:
                found += _groups(item.items, prefix)
    return found


def _black_square(group: Group) -> Box:
    """A marker's black square: the second fill of its group (after its white margin)."""
    fills = [item for item in group.items if isinstance(item, Fill)]
    return fills[1].box
