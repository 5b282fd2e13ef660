"""Small pictures (JPEG) of every card face and board, for index.html.

They are drawn by the same code as the print files. A deck's faces go
onto contact sheets (impose/contact.py: CONTACT_PAIRS cards a row, front
and back, a pixel between the faces, no marks), made in memory; PDFium
rasterises each sheet once at a low resolution, and the sheet is kept as
one picture: index.html shows each face as its rectangle of the sheet
(the manifest gives every face's place on its sheet). Each face starts on
a whole pixel and the sheet is stretched as PDFium stretches a page of
one face, so a face's rectangle is the picture of a page of that face
alone, and a deck of 1000 cards makes 50 files, not 2000.

A card has its place on the contact sheets by its place in the deck, so
that a sheet whose cards have not changed is the same picture and is kept
by the next build; one job draws CONTACT_SHEETS_PER_JOB sheets, another
each variant of a board, and they run beside the other build jobs.

The pictures lie under thumbs/, as the print files lie under decks/ and
boards/: thumbs/decks/<deck>/sheet-001.jpg, ... and
thumbs/boards/<board>.jpg, <board>-filled.jpg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import rasterise_pages, sheet_pictures
from workshop_kit.fingerprints import digest, toolkit
from workshop_kit.impose.contact import SIDES, impose_contact
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.output.jobs import Job
from workshop_kit.output.manifest import Manifest

CARD_WIDTH_PX = 240    # shown about 120 CSS px wide, sharp on a high-density screen
BOARD_WIDTH_PX = 800
CONTACT_PAIRS, CONTACT_ROWS = 5, 4  # cards (front and back) on a contact sheet: about 13 MB of pixels
PER_SHEET = CONTACT_PAIRS * CONTACT_ROWS
CONTACT_SHEETS_PER_JOB = 5  # about a sixth of a second of work (a document of its own costs about 12 ms, half a sheet)

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
        face_w, face_h = face_pixels(self.width, self.height)
        for slot, card in self.cards:
            place = slot % PER_SHEET
            row, pair = divmod(place, CONTACT_PAIRS)
            for i, side in enumerate(SIDES):
                at = ((2 * pair + i) * (face_w + 1), row * (face_h + 1))
                manifest.add_card_thumbnail(self.deck, card.card_id, side, self.path, (face_w, face_h), at,
                                            pixels)


def deck_thumbnails(deck: str, cards: list[CardFaces], faces: list[str], width: float, height: float,
                    meta: dict, before: dict[str, dict[str, Any]]
                    ) -> tuple[list[Job], list[Callable[[Manifest], None]]]:
    """The jobs that draw the deck's contact sheets, and for each sheet
    the last build made of the same faces (`before`: its intact sheets'
    entries by path), what records it in the manifest instead. `faces` is
    each card's faces key (fingerprints.faces_key)."""
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
    jobs = [_sheets_job(drawn[i:i + CONTACT_SHEETS_PER_JOB], meta)
            for i in range(0, len(drawn), CONTACT_SHEETS_PER_JOB)]
    return jobs, kept


def _record_kept(sheet: ContactSheet, size: int, pixels: tuple[int, int], manifest: Manifest) -> None:
    sheet.record(manifest, size, pixels)


def _sheets_job(sheets: list[ContactSheet], meta: dict) -> Job:
    def record(manifest: Manifest, files: dict[str, bytes]) -> None:
        for sheet in sheets:
            sheet.record(manifest, len(files[sheet.path]), sheet_pixels(sheet.width, sheet.height))

    return Job(partial(_draw_sheets, sheets, meta), record, files=len(sheets))


def face_pixels(width: float, height: float) -> tuple[int, int]:
    """The size of a face's picture: CARD_WIDTH_PX wide, as PDFium sizes a
    page of one face (its height rounded up)."""
    return CARD_WIDTH_PX, math.ceil(round(CARD_WIDTH_PX * height / width, 6))


def sheet_pixels(width: float, height: float) -> tuple[int, int]:
    """The size of a contact sheet's picture: its faces a pixel apart."""
    face_w, face_h = face_pixels(width, height)
    return 2 * CONTACT_PAIRS * (face_w + 1), CONTACT_ROWS * (face_h + 1)


def _draw_sheets(sheets: list[ContactSheet], meta: dict) -> dict[str, bytes]:
    first = sheets[0]
    px_w, px_h = face_pixels(first.width, first.height)
    mm_x, mm_y = first.width / px_w, first.height / px_h  # millimetres a pixel, across and down
    cards = [card for sheet in sheets for card in sheet.cards]
    pages = impose_contact([slot for slot, _ in cards], first.width, first.height, mm_x, mm_y,
                           CONTACT_PAIRS, CONTACT_ROWS)
    pdf = render(pages, lambda item, side: getattr(cards[item][1], side), title=first.deck,
                 subject="thumbnails", **meta)
    pixels = sheet_pixels(first.width, first.height)
    return dict(zip((sheet.path for sheet in sheets), sheet_pictures(pdf, [pixels] * len(sheets))))


def board_thumbnail(board: str, variant: str, poster_pdf: bytes) -> tuple[str, bytes]:
    """The name and picture of a board variant, from its poster PDF (drawn once, for both)."""
    return board_path(board, variant), rasterise_pages(poster_pdf, BOARD_WIDTH_PX)[0]
