"""PNG images of PDF pages, rendered with PDFium.

The board's PNG is made from its own PDF, so it shows exactly the same
letters: cairosvg draws text with the fonts the operating system knows,
and the kit's font comes from a Python package that the system does not
know, so a PNG from the SVG would fall back to another typeface."""

from __future__ import annotations

import io
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
    stretched onto whole pixels, on a bitmap of its own size, turned
    upright by the matrix, and pasted into its place (PDFium drawing onto
    the whole picture, clipped to the face, held more memory); a picture
    is encoded as soon as the last page it takes faces from is."""
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
            for cut in by_page[number]:
                if cut.picture not in pictures:  # RGBX, as PDFium draws: the faces go in as they are
                    pictures[cut.picture] = Image.new("RGBX", picture, (255, 255, 255, 255))
                bitmap = pdfium.PdfBitmap.new_native(*face, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True)
                bitmap.fill_rect((255, 255, 255, 255), 0, 0, *face)
                pdfium_c.FPDF_RenderPageBitmapWithMatrix(bitmap, page, _face_matrix(cut, face, page.get_height()),
                                                         pdfium_c.FS_RECTF(0, 0, *face),
                                                         pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER)
                pictures[cut.picture].paste(bitmap.to_pil(), cut.at)
            for index in [i for i in pictures if last_page[i] == number]:
                encoded[index] = _jpeg(pictures.pop(index))
    finally:
        document.close()
    return [encoded[i] for i in range(count)]  # (every picture has a face: a contact sheet holds a card at least)


def _face_matrix(cut: FaceCut, face: tuple[int, int], page_height: float):
    """The matrix that puts the cut's face upright on a bitmap of `face`
    pixels, its trim stretched onto them and its corner on the corner of a
    pixel, as on a page of that face alone. PDFium turns the page top down,
    in points, before it applies the matrix."""
    turned = cut.rotation in (90, 270)
    w_px, h_px = face[::-1] if turned else face  # the face as it stands on the page
    w_mm, h_mm = (cut.height, cut.width) if turned else (cut.width, cut.height)
    sx, sy = w_px / (w_mm * MM), h_px / (h_mm * MM)  # pixels a point, across and down
    left, top = cut.x * MM * sx, (page_height - (cut.y + h_mm) * MM) * sy  # the face's corner, in pixels
    if cut.rotation == 90:  # turned back clockwise
        return pdfium_c.FS_MATRIX(0, sx, -sy, 0, h_px + top, -left)
    if cut.rotation == 270:  # turned back counter-clockwise
        return pdfium_c.FS_MATRIX(0, -sx, sy, 0, -top, w_px + left)
    return pdfium_c.FS_MATRIX(sx, 0, 0, sy, -left, -top)


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
