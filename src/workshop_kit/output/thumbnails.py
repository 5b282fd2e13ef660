"""Small pictures (JPEG) of every card face and board, for index.html.

They are drawn by the same code as the print files: the faces go onto
contact sheets (impose/contact.py: CONTACT_COLUMNS faces a row, with a
pixel between them, no marks), made in memory; PDFium rasterises each
sheet once at a low resolution and the pictures are cut out of it. Each
face starts on a whole pixel and the sheet is stretched as PDFium
stretches a page of one face, so the pictures are those of one page per
face, for a fraction of the work. One job draws a deck (a long deck in
parts of CARDS_PER_JOB cards, so that its parts share the cores), another
each variant of a board, and they run beside the other build jobs.

The pictures lie under thumbs/, as the print files lie under decks/ and
boards/: thumbs/decks/<deck>/<card>-front.jpg, -back.jpg and
thumbs/boards/<board>.jpg, <board>-filled.jpg.
"""

from __future__ import annotations

import math
from functools import partial

from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import cut_pages, image_size, rasterise_pages
from workshop_kit.impose.contact import SIDES, impose_contact
from workshop_kit.impose.plan import Sheets
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.output.jobs import Job
from workshop_kit.output.manifest import Manifest

CARD_WIDTH_PX = 240    # shown about 120 CSS px wide, sharp on a high-density screen
BOARD_WIDTH_PX = 800
CARDS_PER_JOB = 50     # about a sixth of a second of work
CONTACT_COLUMNS, CONTACT_ROWS = 10, 4  # faces on a contact sheet (about 13 MB of pixels)

def card_path(deck: str, card_id: str, side: str) -> str:
    return f"thumbs/decks/{deck}/{card_id}-{side}.jpg"


def board_path(board: str, variant: str) -> str:
    return f"thumbs/boards/{board}" + ("-filled" if variant == "filled" else "") + ".jpg"


def deck_thumbnails(deck: str, cards: list[CardFaces], width: float, height: float,
                    meta: dict) -> list[Job]:
    """The jobs that draw the front and back of every card: what each makes
    and how the manifest records it."""
    return [_cards_job(deck, cards[start:start + CARDS_PER_JOB], width, height, meta)
            for start in range(0, len(cards), CARDS_PER_JOB)]


def _cards_job(deck: str, cards: list[CardFaces], width: float, height: float,
               meta: dict) -> Job:
    names = [(card.card_id, side, card_path(deck, card.card_id, side)) for card in cards for side in SIDES]

    def record(manifest: Manifest, files: dict[str, bytes]) -> None:
        for card_id, side, name in names:
            manifest.add_card_thumbnail(deck, card_id, side, name, image_size(files[name]))

    return Job(partial(_draw_cards, deck, cards, width, height, [name for _, _, name in names], meta), record,
               files=len(names))


def face_pixels(width: float, height: float) -> tuple[int, int]:
    """The size of a face's picture: CARD_WIDTH_PX wide, as PDFium sizes a
    page of one face (its height rounded up)."""
    return CARD_WIDTH_PX, math.ceil(round(CARD_WIDTH_PX * height / width, 6))


def _draw_cards(deck: str, cards: list[CardFaces], width: float, height: float, names: list[str],
                meta: dict) -> dict[str, bytes]:
    px_w, px_h = face_pixels(width, height)
    mm_x, mm_y = width / px_w, height / px_h  # millimetres a pixel, across and down
    sheets = impose_contact(len(cards), width, height, mm_x, mm_y, CONTACT_COLUMNS, CONTACT_ROWS)
    pdf = render(sheets, lambda item, side: getattr(cards[item], side), title=deck, subject="thumbnails", **meta)
    pixels, cuts = [], []
    for page in sheets.pages:
        pixels.append((round(page.width / mm_x), round(page.height / mm_y)))
        cuts.append([(left, top, left + px_w, top + px_h)
                     for p in page.placements
                     for left, top in [(round(p.x / mm_x), round((page.height - p.y - height) / mm_y))]])
    return dict(zip(names, cut_pages(pdf, pixels, cuts)))


def board_thumbnail(board: str, variant: str, poster_pdf: bytes) -> tuple[str, bytes]:
    """The name and picture of a board variant, from its poster PDF (drawn once, for both)."""
    return board_path(board, variant), rasterise_pages(poster_pdf, BOARD_WIDTH_PX)[0]
