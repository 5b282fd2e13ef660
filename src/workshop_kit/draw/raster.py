"""PNG images of PDF pages, rendered with PDFium.

The board's PNG is made from its own PDF, so it shows exactly the same
letters: cairosvg draws text with the fonts the operating system knows,
and the kit's font comes from a Python package that the system does not
know, so a PNG from the SVG would fall back to another typeface."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

MM = 72 / 25.4


def rasterise(pdf: bytes, dpi: int) -> bytes:
    """The first page as a PNG at `dpi`. zlib's fastest level: on a board's
    flat colours it compresses in half the time of the default level, to
    a file about a sixth larger (A3 at 150 dpi: 0.08 s and 365 KB, against
    0.15 s and 312 KB)."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=1)
        return buffer.getvalue()
    finally:
        document.close()


def rasterise_pages(pdf: bytes, width_px: int) -> list[bytes]:
    """Every page as a JPEG `width_px` pixels wide: small pictures for a
    screen."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [_jpeg(page.render(scale=width_px / page.get_width(), rev_byteorder=True,
                                  prefer_bgrx=True).to_pil()) for page in document]
    finally:
        document.close()


@dataclass(frozen=True)
class FaceCut:
    """A card face to cut out of a page: where its trim stands on the page
    (mm, bottom-left corner, `rotation` degrees counter-clockwise as
    impose/plan.Placement says), and which picture it goes to, with its
    top-left pixel there."""

    page: int
    x: float
    y: float
    width: float   # the face's own width and height, mm (before it is turned)
    height: float
    rotation: int
    picture: int
    at: tuple[int, int]


def cut_faces(pdf: bytes, cuts: Sequence[FaceCut], face: tuple[int, int], picture: tuple[int, int],
              count: int) -> list[bytes]:
    """`count` JPEGs of `picture` pixels (width, height), white, with each
    cut's face on picture `cut.picture` at `cut.at`, `face` pixels large.
    Each face is drawn as PDFium draws a page of that face alone: its trim
    stretched onto whole pixels. The faces of a page that stand the same
    fraction of a pixel off the grid (all of them, on a sheet of touching
    cards) are drawn in one pass over the page, and cut out of it; a
    picture is encoded as soon as the last page it takes faces from is."""
    by_page: dict[int, list[FaceCut]] = {}
    last_page = [-1] * count
    for cut in cuts:
        by_page.setdefault(cut.page, []).append(cut)
        last_page[cut.picture] = max(last_page[cut.picture], cut.page)
    pictures: dict[int, Image.Image] = {}
    encoded: dict[int, bytes] = {}
    document = pdfium.PdfDocument(pdf)
    try:
        for number in sorted(by_page):
            page = document[number]
            passes: dict[tuple, list[tuple[FaceCut, int, int]]] = {}
            for cut in by_page[number]:
                turned = cut.rotation in (90, 270)
                w_px, h_px = face[::-1] if turned else face
                w_mm, h_mm = (cut.height, cut.width) if turned else (cut.width, cut.height)
                scale = (w_px / (w_mm * MM), h_px / (h_mm * MM))  # pixels a point, across and down
                left = cut.x * MM * scale[0]
                top = (page.get_height() - (cut.y + h_mm) * MM) * scale[1]
                off = (round(left - math.floor(left), 4), round(top - math.floor(top), 4))
                passes.setdefault((scale, off), []).append((cut, math.floor(left), math.floor(top)))
            for (scale, off), placed in passes.items():
                for cut, area in _cut_pass(page, scale, off, placed, face):
                    if cut.picture not in pictures:  # RGBX, as PDFium draws: the faces go in as they are
                        pictures[cut.picture] = Image.new("RGBX", picture, (255, 255, 255, 255))
                    pictures[cut.picture].paste(area, cut.at)
            for index in [i for i in pictures if last_page[i] == number]:
                encoded[index] = _jpeg(pictures.pop(index))
    finally:
        document.close()
    return [encoded[i] for i in range(count)]  # (every picture has a face: a contact sheet holds a card at least)


def _cut_pass(page, scale: tuple[float, float], off: tuple[float, float],
              placed: list[tuple[FaceCut, int, int]], face: tuple[int, int]) -> list[tuple[FaceCut, Image.Image]]:
    """Draw the part of the page that holds `placed` (cut, left, top pixel)
    once, at `scale`, shifted by `off` so that each of them starts on a
    whole pixel, and cut each face out, upright."""
    turned = placed[0][0].rotation in (90, 270)
    w_px, h_px = face[::-1] if turned else face
    x0 = min(left for _, left, _ in placed)
    y0 = min(top for _, _, top in placed)
    width = max(left for _, left, _ in placed) + w_px - x0
    height = max(top for _, _, top in placed) + h_px - y0
    bitmap = pdfium.PdfBitmap.new_foreign(width, height, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
    # PDFium turns the page top down, in points, before it applies the matrix
    matrix = pdfium_c.FS_MATRIX(scale[0], 0, 0, scale[1], -off[0] - x0, -off[1] - y0)
    pdfium_c.FPDF_RenderPageBitmapWithMatrix(bitmap, page, matrix, pdfium_c.FS_RECTF(0, 0, width, height),
                                             pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER)
    drawn = bitmap.to_pil()
    out = []
    for cut, left, top in placed:
        area = drawn.crop((left - x0, top - y0, left - x0 + w_px, top - y0 + h_px))
        if cut.rotation:  # turned back upright
            area = area.transpose(Image.Transpose.ROTATE_270 if cut.rotation == 90 else Image.Transpose.ROTATE_90)
        out.append((cut, area))
    return out


def _jpeg(image: Image.Image) -> bytes:
    """JPEG because encoding a PNG took twice as long as rendering the
    page. Quality 90 with the colour at half resolution (4:2:0): on a
    picture shown at half its pixels (a high-density screen), coloured
    text and thin lines look the same as without, and it is encoded in
    two thirds of the time, in a fifth fewer bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, subsampling=2)
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has."""
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG or JPEG (only its header is read)."""
    return Image.open(io.BytesIO(data)).size


def rasterise_each(pdf: bytes, dpi: int) -> list[bytes]:
    """Every page as a PNG at `dpi` (one picture a page, as `rasterise` draws the first)."""
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in document:
            buffer = io.BytesIO()
            page.render(scale=dpi / 72).to_pil().save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False,
                                                      compress_level=6)
            out.append(buffer.getvalue())
        return out
    finally:
        document.close()
