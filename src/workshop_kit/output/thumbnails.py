"""Small pictures (JPEG) of every card face and board, for index.html.

They are drawn by the same code as the print files: the faces go onto
contact sheets (impose/contact.py: CONTACT_PAIRS cards a row, front and
back, a pixel between the faces, no marks), made in memory; PDFium
rasterises each sheet once at a low resolution and the pictures are cut
out of it; a card's place on them follows its place in the deck. Each
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
from typing import Collection

from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import cut_pages, rasterise_pages
from workshop_kit.impose.contact import SIDES, impose_contact
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.output.jobs import Job
from workshop_kit.output.manifest import Manifest

CARD_WIDTH_PX = 240    # shown about 120 CSS px wide, sharp on a high-density screen
BOARD_WIDTH_PX = 800
CONTACT_PAIRS, CONTACT_ROWS = 5, 4  # cards (front and back) on a contact sheet: about 13 MB of pixels
CARDS_PER_JOB = 2 * CONTACT_PAIRS * CONTACT_ROWS  # about a tenth of a second of work

FOLDER = "thumbs/"


def card_path(deck: str, card_id: str, side: str) -> str:
    return f"{FOLDER}decks/{deck}/{card_id}-{side}.jpg"


def board_path(board: str, variant: str) -> str:
    return f"{FOLDER}boards/{board}" + ("-filled" if variant == "filled" else "") + ".jpg"


def is_thumbnail(name: str) -> bool:
    """Whether an output file is a thumbnail: made again by the next build
    when it is not whole (the manifest records its bytes), so it is not
    synced to the disk of its own."""
    return name.startswith(FOLDER)


def deck_thumbnails(deck: str, cards: list[CardFaces], width: float, height: float, meta: dict,
                    kept: Collection[str] = ()) -> list[Job]:
    """The jobs that draw the front and back of every card but those whose
    ids are `kept`: what each makes and how the manifest records it. A card
    has a place on the deck's contact sheets by its place in the deck, so
    that its picture comes out the same whichever other cards are drawn."""
    jobs: dict[int, list[tuple[int, CardFaces]]] = {}
    for slot, card in enumerate(cards):
        if card.card_id not in kept:
            jobs.setdefault(slot // CARDS_PER_JOB, []).append((slot, card))
    return [_cards_job(deck, drawn, width, height, meta) for drawn in jobs.values()]


def _cards_job(deck: str, drawn: list[tuple[int, CardFaces]], width: float, height: float,
               meta: dict) -> Job:
    names = [(card.card_id, side, card_path(deck, card.card_id, side)) for _, card in drawn for side in SIDES]
    pixels = face_pixels(width, height)  # what each picture is cut to (reading 2000 back took 0.1 s)

    def record(manifest: Manifest, files: dict[str, bytes]) -> None:
        for card_id, side, name in names:
            manifest.add_card_thumbnail(deck, card_id, side, name, pixels, len(files[name]))

    return Job(partial(_draw_cards, deck, drawn, width, height, [name for _, _, name in names], meta), record,
               files=len(names))


def face_pixels(width: float, height: float) -> tuple[int, int]:
    """The size of a face's picture: CARD_WIDTH_PX wide, as PDFium sizes a
    page of one face (its height rounded up)."""
    return CARD_WIDTH_PX, math.ceil(round(CARD_WIDTH_PX * height / width, 6))


def _draw_cards(deck: str, drawn: list[tuple[int, CardFaces]], width: float, height: float, names: list[str],
                meta: dict) -> dict[str, bytes]:
    px_w, px_h = face_pixels(width, height)
    mm_x, mm_y = width / px_w, height / px_h  # millimetres a pixel, across and down
    sheets = impose_contact([slot for slot, _ in drawn], width, height, mm_x, mm_y, CONTACT_PAIRS, CONTACT_ROWS)
    pdf = render(sheets, lambda item, side: getattr(drawn[item][1], side), title=deck, subject="thumbnails",
                 **meta)
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
