"""Small pictures (JPEG) of every card face and board, for index.html.

They are cut out of the pages the build prints: a deck's faces out of
its office sheets (or its print-shop pages, or, where those do not show
every face, pages drawn for the purpose, impose/contact.py), which PDFium
rasterises once at a low resolution (draw/raster.cut_faces). The faces go
onto contact sheets (CONTACT_PAIRS cards a row, front and back, a pixel
between the faces), each kept as one picture: index.html shows each face
as its rectangle of the sheet (the manifest gives every face's place on
its sheet). A face starts on a whole pixel, stretched as PDFium stretches
a page of one face, so a face's rectangle is the picture of a page of
that face alone, and a deck of 1000 cards makes 50 files, not 2000.

A card has its place on the contact sheets by its place in the deck, so
that a sheet whose cards have not changed is the same picture and is kept
by the next build. The job that draws a deck's pages cuts its contact
sheets (output/deck_parts.py); a board's picture is made with its poster.

The pictures lie under thumbs/, as the print files lie under decks/ and
boards/: thumbs/decks/<deck>/sheet-001.jpg, ... and
thumbs/boards/<board>.jpg, <board>-filled.jpg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

from workshop_kit.draw.raster import FaceCut, cut_faces, rasterise_pages
from workshop_kit.fingerprints import digest, toolkit
from workshop_kit.impose.contact import SIDES, impose_contact
from workshop_kit.impose.plan import Placement, Sheets
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.output.jobs import Made
from workshop_kit.output.manifest import Manifest

CARD_WIDTH_PX = 240    # shown about 120 CSS px wide, sharp on a high-density screen
BOARD_WIDTH_PX = 800
CONTACT_PAIRS, CONTACT_ROWS = 5, 4  # cards (front and back) on a contact sheet: about 13 MB of pixels
PER_SHEET = CONTACT_PAIRS * CONTACT_ROWS

FOLDER = "thumbs/"


def sheet_path(deck: str, number: int) -> str:
    return f"{FOLDER}decks/{deck}/sheet-{number:03d}.jpg"


def board_path(board: str, variant: str) -> str:
    return f"{FOLDER}boards/{board}" + ("-filled" if variant == "filled" else "") + ".jpg"


def is_thumbnail(name: str) -> bool:
    """Whether an output file is a thumbnail: made again by the next build
    when it is not whole (the manifest records its bytes), so it is not
    synced to the disk of its own."""
    return name.startswith(FOLDER)


@dataclass(frozen=True)
class ContactSheet:
    """One contact sheet of a deck: its cards (slot, faces) and what it shows."""

    deck: str
    number: int
    cards: tuple[tuple[int, CardFaces], ...]
    key: str
    width: float   # the cards' size, mm
    height: float

    @property
    def path(self) -> str:
        return sheet_path(self.deck, self.number)

    def record(self, manifest: Manifest, size: int, pixels: tuple[int, int]) -> None:
        """The sheet's entry in the manifest, and each face's place on it."""
        manifest.add_thumbnail_sheet(self.deck, self.path, pixels, size, self.key)
        face = face_pixels(self.width, self.height)
        for _, card, side, at in self.faces():
            manifest.add_card_thumbnail(self.deck, card.card_id, side, self.path, face, at, pixels)

    def faces(self) -> list[tuple[int, CardFaces, str, tuple[int, int]]]:
        """(slot, card, side, top-left pixel) of each face on the sheet."""
        face_w, face_h = face_pixels(self.width, self.height)
        return [(slot, card, side, ((2 * pair + i) * (face_w + 1), row * (face_h + 1)))
                for slot, card in self.cards
                for row, pair in [divmod(slot % PER_SHEET, CONTACT_PAIRS)]
                for i, side in enumerate(SIDES)]


def thumbnail_sheets(deck: str, cards: list[CardFaces], faces: list[str], width: float, height: float,
                     before: dict[str, dict[str, Any]]
                     ) -> tuple[list[ContactSheet], list[Callable[[Manifest], None]]]:
    """The deck's contact sheets to draw, and for each sheet the last
    build made of the same faces (`before`: its intact sheets' entries by
    path), what records it in the manifest instead. `faces` is each card's
    faces key (fingerprints.faces_key)."""
    sheets = [ContactSheet(deck, start // PER_SHEET + 1, tuple(enumerate(cards))[start:start + PER_SHEET],
                           digest(toolkit(), CARD_WIDTH_PX, width, height, faces[start:start + PER_SHEET]),
                           width, height)
              for start in range(0, len(cards), PER_SHEET)]
    drawn: list[ContactSheet] = []
    kept: list[Callable[[Manifest], None]] = []
    for sheet in sheets:
        earlier = before.get(sheet.path)
        if earlier and earlier.get("faces") == sheet.key:
            kept.append(partial(_record_kept, sheet, earlier["bytes"], tuple(earlier["pixels"])))
        else:
            drawn.append(sheet)
    return drawn, kept


def _record_kept(sheet: ContactSheet, size: int, pixels: tuple[int, int], manifest: Manifest) -> None:
    sheet.record(manifest, size, pixels)


def face_cuts(pages: Sheets, sheets: list[ContactSheet]) -> list[list[FaceCut]] | None:
    """For each contact sheet, its faces as they stand on `pages` (each
    card's first placement of each side), to be cut out; None when the
    pages do not show every face (office sheets of fronts only)."""
    first: dict[tuple[int, str], tuple[int, Placement]] = {}
    for number, page in enumerate(pages.pages):
        for placement in page.placements:
            first.setdefault((placement.item, placement.side), (number, placement))
    cuts = []
    for picture, sheet in enumerate(sheets):
        sheet_cuts = []
        for slot, _, side, at in sheet.faces():
            found = first.get((slot, side))
            if found is None:
                return None
            number, placed = found
            sheet_cuts.append(FaceCut(number, placed.x, placed.y, sheet.width, sheet.height, placed.rotation,
                                      picture, at))
        cuts.append(sheet_cuts)
    return cuts


def contact_pages(sheets: list[ContactSheet]) -> tuple[Sheets, list[list[FaceCut]]]:
    """Pages drawn only to be cut into the contact sheets: each sheet's
    faces a pixel apart (for decks whose printed pages do not show every
    face)."""
    first = sheets[0]
    px_w, px_h = face_pixels(first.width, first.height)
    mm_x, mm_y = first.width / px_w, first.height / px_h  # millimetres a pixel, across and down
    slots = [slot for sheet in sheets for slot, _ in sheet.cards]
    pages = impose_contact(slots, first.width, first.height, mm_x, mm_y, CONTACT_PAIRS, CONTACT_ROWS)
    # the faces by their place in the deck, as on the deck's own pages
    pages = replace(pages, pages=tuple(replace(page, placements=tuple(replace(p, item=slots[p.item])
                                                                        for p in page.placements))
                                       for page in pages.pages))
    cuts = face_cuts(pages, sheets)
    assert cuts is not None  # a contact page shows both faces of each card
    return pages, cuts


def cut_sheets(pdf: bytes, sheets: list[ContactSheet], cuts: list[list[FaceCut]]) -> dict[str, bytes]:
    """The contact sheets' pictures by path, cut out of the pages of `pdf`."""
    if not sheets:
        return {}
    first = sheets[0]
    pictures = cut_faces(pdf, [cut for sheet_cuts in cuts for cut in sheet_cuts],
                         face_pixels(first.width, first.height), sheet_pixels(first.width, first.height),
                         len(sheets))
    return dict(zip((sheet.path for sheet in sheets), pictures))


def record_sheets(sheets: list[ContactSheet], manifest: Manifest, files: Made) -> None:
    for sheet in sheets:
        sheet.record(manifest, len(files[sheet.path]), sheet_pixels(sheet.width, sheet.height))


def face_pixels(width: float, height: float) -> tuple[int, int]:
    """The size of a face's picture: CARD_WIDTH_PX wide, as PDFium sizes a
    page of one face (its height rounded up)."""
    return CARD_WIDTH_PX, math.ceil(round(CARD_WIDTH_PX * height / width, 6))


def sheet_pixels(width: float, height: float) -> tuple[int, int]:
    """The size of a contact sheet's picture: its faces a pixel apart."""
    face_w, face_h = face_pixels(width, height)
    return 2 * CONTACT_PAIRS * (face_w + 1), CONTACT_ROWS * (face_h + 1)


def board_thumbnail(board: str, variant: str, poster_pdf: bytes) -> tuple[str, bytes]:
    """The name and picture of a board variant, from its poster PDF (drawn once, for both)."""
    return board_path(board, variant), rasterise_pages(poster_pdf, BOARD_WIDTH_PX)[0]
