"""Fiducial markers a camera finds on a photo of a used board: one near
each corner of the board (corners.py: four ids from the template's
`first`, top-left, top-right, bottom-right, bottom-left) and one on every
token (the token template's `first` + the token's place in its board's
list of elements or partners), so that a token names its board's kind
and its item. The shipped templates number the influence circle's
corners 0-3 and its tokens from 4, the partner matrix's corners 50-53 and
its tokens from 54. They are ArUco markers of the 4 x 4 dictionary with
100 ids, drawn as vector rectangles from the dictionary's bit patterns
below, so printing never needs OpenCV.

Sizes, measured on the A3 reference layout and scaled with the poster:
a corner marker is 10 mm across on A3 (20 mm on A1), a token's marker
fills the token's height (about 9 mm on A3, 18 mm on A1). A phone photo
of 4000 px that frames the whole board gives about 4 px per mm on A1 seen
from 1.5-2 m, and 8 px per mm on A3 from 0.8 m: either way a marker's six
cells across are 10-14 px each, which the detector finds through blur,
JPEG and a tilt of 35 degrees. Each marker stands on a white square one
cell wider on every side (its quiet zone)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.layout.boxes import Box, Fill, Group, TextRun
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.registry import register

DICTIONARY = "DICT_4X4_100"  # OpenCV's name of the dictionary these bits come from
CELLS = 6                    # cells across a marker: 4 bits and a black border each side
QUIET_CELLS = 1              # white cells around a corner marker
TOKEN_QUIET_CELLS = 0.5      # around a token's marker: the token's light tint lies beyond it
# The 4 x 4 bits of each id, row by row from the top-left, the first bit the highest (1: white).
_BITS = (
    "b532 0f9a 332d 9946 549e 79cd 9e2e c4f2 feda cf56 f991 11a7 0eb7 2a0f 24b1 263e 4665 6600 6c5e 76af "
    "868b b02b ccd5 dd82 fe47 9471 ace4 a554 2123 346f 4415 57b2 9ecf f0cb 08ae 0929 1875 04ff 0df6 1c5a "
    "1718 2a28 328c 38b2 24e8 2eeb 2d3f 4b64 502e 5013 5194 5568 5d41 5f97 6801 6867 6124 61e9 6b12 6fe5 "
    "67df 7e1b 80a0 8344 8ba2 937a 846c 852a 859c 9c89 9fa1 bb7c bc04 b65b bfc8 b7ab ca1f c962 d958 d3d5 "
    "cc98 c7a0 c537 e95d f925 fbbb ee2a f74d 3575 8aad 7617 0acf 064b 2dc1 49d8 43f4 4f36 4fd3 69e4 70c7"
).split()
IDS = len(_BITS)


def marker_bits(marker_id: int) -> tuple[tuple[bool, ...], ...]:
    """The 4 x 4 inner cells of a marker, rows from the top; True is white."""
    value = int(_BITS[marker_id], 16)
    return tuple(tuple(bool(value >> (15 - 4 * r - c) & 1) for c in range(4)) for r in range(4))


def token_marker_id(first: int, index: int) -> int | None:
    """The marker id of a board's token by its place in the list; None past the dictionary."""
    return first + index if first + index < IDS else None


def marker(marker_id: int, x: float, y: float, size: float, name: str | None = None,
           quiet_cells: float = QUIET_CELLS) -> Group:
    """A marker whose black square is `size` mm across with its bottom-left
    corner at (x, y), on its white quiet zone `quiet_cells` wide: black and
    white, whatever the theme, so that the camera sees the contrast it needs."""
    cell = size / CELLS
    quiet = quiet_cells * cell
    items = [Fill(Box(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet), "#FFFFFF"),
             Fill(Box(x, y, size, size), "#000000")]
    for r, row in enumerate(marker_bits(marker_id)):
        top = y + size - (r + 2) * cell
        c = 0
        while c < 4:  # one rectangle for each run of white cells in the row
            if row[c]:
                end = c
                while end < 4 and row[end]:
                    end += 1
                items.append(Fill(Box(x + (c + 1) * cell, top, (end - c) * cell, cell), "#FFFFFF"))
                c = end
            else:
                c += 1
    return Group(name or f"marker-{marker_id}", tuple(items))


def carries_markers(faces) -> bool:
    """True when the tokens' faces carry markers (their template draws them)."""
    return any(isinstance(item, Group) and item.name.startswith("marker-") for face in faces for item in face.items)


NOTE_PT = 7


def marker_note(page, note: str | None, font: str, height: float) -> tuple:
    """A line on a sheet of tokens `height` mm tall that says what their
    markers are for, below the tokens and their crop marks where there is
    room (else above them); none without a note."""
    if not note or not page.placements:
        return ()
    left = min(p.x for p in page.placements)
    below = min(p.y for p in page.placements) - 13
    above = max(p.y + height for p in page.placements) + 9
    if below >= 7:
        baseline = below
    elif above <= page.height - 8:
        baseline = above
    else:
        return ()
    return (TextRun(left, baseline, note, font, NOTE_PT, "#444444"),)


class TokenMarkerElement(ElementSpec):
    """A token's marker: the largest square the box holds, at its left."""

    kind: Literal["marker"] = Field(description="The marker that names the token to workshop-kit "
                                                "capture; the largest square the box holds, at its "
                                                "left, with a white margin of a twelfth of it.")
    first: int = Field(4, ge=0, lt=100, description="The marker id of the first token; the next tokens count "
                                                    "on from it (ids 0-99). Give each kind of board ids of "
                                                    "its own, apart from its corners'.")


def lay_out_token(builder, element: TokenMarkerElement, box: Box, subject, problems, face_size=None) -> list:
    index = subject.values.get("token_index")
    marker_id = token_marker_id(element.first, int(index)) if index else None
    if marker_id is None:  # not a token, or more tokens than the dictionary has ids: no marker
        return []
    whole = min(box.width, box.height)
    size = whole * CELLS / (CELLS + 2 * TOKEN_QUIET_CELLS)
    quiet = (whole - size) / 2
    return [marker(marker_id, box.x + quiet, box.y + (box.height - whole) / 2 + quiet, size,
                   quiet_cells=TOKEN_QUIET_CELLS)]


register(TokenMarkerElement, lay_out_token, cards=False)
