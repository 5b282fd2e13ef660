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
        return _png(document[page], dpi / 72, dpi, compress_level=6)
    finally:
        document.close()


def rasterise_pages(pdf: bytes, width_px: int) -> list[bytes]:
    """Every page as a PNG `width_px` pixels wide: small pictures, made fast
    (PNG encoding costs more than rendering, so it compresses lightly)."""
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in document:
            scale = width_px / page.get_width()
            out.append(_png(page, scale, round(72 * scale), compress_level=1))
        return out
    finally:
        document.close()


def _png(page, scale: float, dpi: int, compress_level: int) -> bytes:
    image = page.render(scale=scale).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=compress_level)
    return buffer.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    width, height = struct.unpack(">II", data[16:24])
    return width, height
