"""Small pictures (JPEG) of every card face and board, for index.html.

They are drawn by the same code as the print files: the faces go into a
PDF with one face per page, made in memory, and PDFium rasterises its
pages at a low resolution. One job draws a deck (a long deck in parts
of CARDS_PER_JOB cards, so that its parts share the cores), another each
variant of a board, and they run beside the other build jobs.

The pictures lie under thumbs/, as the print files lie under decks/ and
boards/: thumbs/decks/<deck>/<card>-front.jpg, -back.jpg and
thumbs/boards/<board>.jpg, <board>-filled.jpg.
"""

from __future__ import annotations

from functools import partial

from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import image_size, rasterise_pages
from workshop_kit.impose.plan import Page, Placement, Sheets
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.output.jobs import Job
from workshop_kit.output.manifest import Manifest

CARD_WIDTH_PX = 240    # shown about 120 CSS px wide, sharp on a high-density screen
BOARD_WIDTH_PX = 800
CARDS_PER_JOB = 50     # about a quarter of a second of work
SIDES = ("front", "back")

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
    pages = tuple(Page(width, height, (Placement(i, side, 0.0, 0.0),))
                  for i in range(len(cards)) for side in SIDES)

    def record(manifest: Manifest, files: dict[str, bytes]) -> None:
        for card_id, side, name in names:
            manifest.add_card_thumbnail(deck, card_id, side, name, image_size(files[name]))

    return Job(partial(_draw_cards, deck, cards, pages, [name for _, _, name in names], meta), record,
               files=len(names))


def _draw_cards(deck: str, cards: list[CardFaces], pages: tuple, names: list[str], meta: dict) -> dict[str, bytes]:
    pdf = render(Sheets("thumbnails", "card", pages, 0.0), lambda item, side: getattr(cards[item], side),
                 title=deck, subject="thumbnails", **meta)
    return dict(zip(names, rasterise_pages(pdf, CARD_WIDTH_PX)))


def board_thumbnail(board: str, variant: str, poster_pdf: bytes) -> tuple[str, bytes]:
    """The name and picture of a board variant, from its poster PDF (drawn once, for both)."""
    return board_path(board, variant), rasterise_pages(poster_pdf, BOARD_WIDTH_PX)[0]
