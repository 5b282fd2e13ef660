"""PNG images of PDF pages, rendered with PDFium.

The board's PNG is made from its own PDF, so it shows exactly the same
letters: cairosvg draws text with the fonts the operating system knows,
and the kit's font comes from a Python package that the system does not
know, so a PNG from the SVG would fall back to another typeface."""

from __future__ import annotations

import io
import struct

import pypdfium2 as pdfium


def rasterise(pdf: bytes, dpi: int, page: int = 0) -> bytes:
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[page].render(scale=dpi / 72)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
        return buffer.getvalue()
    finally:
        document.close()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    width, height = struct.unpack(">II", data[16:24])
    return width, height
