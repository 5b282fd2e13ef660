"""One picture of every card face, for slides and digital whiteboards:
cards/<deck>/<card>-front.png (or .svg) and -back.

A PNG is the face drawn by the PDF writer on a page of its own (the trim,
no bleed, no marks) and rasterised by PDFium at the build's --dpi, so it
shows the letters the printed card shows. An SVG is the face drawn by the
SVG writer, text as text and the font inlined, as the boards' SVG. A long
deck is drawn in parts of CARDS_PER_JOB cards, so that its parts share the
cores."""

from __future__ import annotations

from functools import partial
from typing import Any

from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import image_size, rasterise_each
from workshop_kit.draw.svg import render_svg
from workshop_kit.file_kind import FileKind
from workshop_kit.fonts import family
from workshop_kit.impose.plan import Page, Placement, Sheets
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.output.jobs import Job, Made, content
from workshop_kit.output.manifest import Manifest

FORMATS = ("png", "svg")
KIND = FileKind.CARD_PICTURE
FOLDER = "cards/"
SIDES = ("front", "back")
CARDS_PER_JOB = 25


def picture_path(deck: str, card_id: str, side: str, fmt: str) -> str:
    return f"{FOLDER}{deck}/{card_id}-{side}.{fmt}"


def card_picture_jobs(deck: str, cards: list[CardFaces], fmt: str, dpi: int, meta: dict,
                      font_family: str, side_names: dict[str, str]) -> list[Job]:
    """The jobs that draw a picture of each face of the cards in `fmt` (png
    at `dpi`, or svg), and record them in the manifest. `side_names` name
    the sides in an SVG's title."""
    return [_job(deck, cards[start:start + CARDS_PER_JOB], fmt, dpi, meta, font_family, side_names)
            for start in range(0, len(cards), CARDS_PER_JOB)]


def _job(deck: str, cards: list[CardFaces], fmt: str, dpi: int, meta: dict, font_family: str,
         side_names: dict[str, str]) -> Job:
    names = [(card.card_id, side, picture_path(deck, card.card_id, side, fmt)) for card in cards for side in SIDES]
    face = cards[0].front if cards else None
    size = [round(face.width, 3), round(face.height, 3)] if face else []

    def record(manifest: Manifest, files: Made) -> None:
        for card_id, side, name in names:
            entry: dict[str, Any] = {"path": name, "kind": KIND, "deck": deck, "card": card_id, "side": side,
                     "format": fmt, "size_mm": size}
            if fmt == "png":
                entry.update(dpi=dpi, pixels=list(image_size(content(files[name]))))
            manifest.add_file(**entry)

    make = _draw_png if fmt == "png" else _draw_svg
    return Job(partial(make, cards, [name for _, _, name in names], dpi, meta, font_family, side_names),
               record, files=len(names))


def _draw_png(cards: list[CardFaces], names: list[str], dpi: int, meta: dict, font_family: str,
              side_names: dict[str, str]) -> dict[str, bytes]:
    faces = [getattr(card, side) for card in cards for side in SIDES]
    pages = tuple(Page(f.width, f.height, (Placement(i, "front", 0.0, 0.0),)) for i, f in enumerate(faces))
    pdf = render(Sheets("picture", "card", pages, 0.25), lambda item, side: faces[item],
                 title="", subject="", **meta)
    return dict(zip(names, rasterise_each(pdf, dpi)))


def _draw_svg(cards: list[CardFaces], names: list[str], dpi: int, meta: dict, font_family: str,
              side_names: dict[str, str]) -> dict[str, bytes]:
    fam = family(font_family)
    faces = [(card, side) for card in cards for side in SIDES]
    return {name: render_svg(getattr(card, side), fam, f"{card.title} – {side_names.get(side, side)}")
            for name, (card, side) in zip(names, faces)}
