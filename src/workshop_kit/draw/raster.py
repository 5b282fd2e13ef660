"""PNG images of PDF pages, rendered with PDFium.

The board's PNG is made from its own PDF, so it shows exactly the same
letters: cairosvg draws text with the fonts the operating system knows,
and the kit's font comes from a Python package that the system does not
know, so a PNG from the SVG would fall back to another typeface."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image


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


def sheet_pictures(pdf: bytes, pixels: list[tuple[int, int]]) -> list[bytes]:
    """JPEGs of the pages, page i drawn onto `pixels[i]` (width, height).
    PDFium stretches a page onto the pixels it is given, as it does when it
    draws one page per picture, so a face drawn on a larger page comes out
    pixel for pixel as it would on a page of its own when it starts on a
    whole pixel. The bitmap's memory is PDFium's own (allocating it in
    Python, zeroed, took as long as drawing the page)."""
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page, (width, height) in zip(document, pixels):
            bitmap = pdfium.PdfBitmap.new_foreign(width, height, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True)
            bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
            pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0,
                                           pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER)
            out.append(_jpeg(bitmap.to_pil()))  # (the bitmap goes with the next page's)
        return out
    finally:
        document.close()


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
