"""PNG images of PDF pages, rendered with PDFium.

The board's PNG is made from its own PDF, so it shows exactly the same
letters: cairosvg draws text with the fonts the operating system knows,
and the kit's font comes from a Python package that the system does not
know, so a PNG from the SVG would fall back to another typeface."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image


def rasterise(pdf: bytes, dpi: int) -> bytes:
    """The first page as a PNG at `dpi`."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
        return buffer.getvalue()
    finally:
        document.close()


def rasterise_pages(pdf: bytes, width_px: int) -> list[bytes]:
    """Every page as a JPEG `width_px` pixels wide: small pictures for a
    screen. JPEG because encoding a PNG took twice as long as rendering the
    page; at quality 90 and without chroma subsampling, coloured text and
    thin lines look the same at this size, in fewer bytes."""
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in document:
            image = page.render(scale=width_px / page.get_width()).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=90, subsampling=0)
            out.append(buffer.getvalue())
        return out
    finally:
        document.close()


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG or JPEG (only its header is read)."""
    return Image.open(io.BytesIO(data)).size
