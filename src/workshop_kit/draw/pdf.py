"""Render imposed pages of faces to a PDF with ReportLab: all vector but
the kit's pictures, whose bitmaps are embedded as they are, and whose SVGs
are drawn as bitmaps of at least SVG_DPI at their printed size."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from typing import Callable

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib.colors import CMYKColor, HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName
from reportlab.pdfgen.canvas import Canvas

from workshop_kit.content.model import CMYK
from workshop_kit.draw import pdfx
from workshop_kit.impose.plan import Sheets
from workshop_kit.layout.boxes import Box, Circle, Face, Fill, Group, Image, QRSymbol, Stroke, TextRun
from workshop_kit.qr import QUIET_ZONE, QRMatrix

MM = 72 / 25.4
REGISTRATION = CMYKColor(1, 1, 1, 1)  # crop marks print on every plate
DUPLEX = {None: "Simplex", "long-edge": "DuplexFlipLongEdge", "short-edge": "DuplexFlipShortEdge"}
SVG_DPI = 300  # an SVG picture is drawn as a bitmap of this many pixels per inch, at least
SVG_MAX_PIXELS = 40_000_000  # and at most this many pixels, however large it is printed

# Compressed streams are written as binary rather than ASCII85 text:
# smaller files and less work.
rl_config.useA85 = 0


@lru_cache(maxsize=256)
def colour(value, cmyk: bool = False):
    """ReportLab's colour of a theme colour: a CMYK colour as it is given,
    and with `cmyk` a #RRGGBB one too (converted by draw/pdfx.py)."""
    if isinstance(value, CMYK) or cmyk:
        return CMYKColor(*pdfx.cmyk(value))
    return HexColor(value)


def _paint(canvas: Canvas, value):
    """The colour on this canvas: CMYK only in a PDF/X file."""
    return colour(value, _standard(canvas) is not None)


def _standard(canvas: Canvas) -> pdfx.Standard | None:
    return canvas.__dict__.get("_workshop_pdfx")


def _box(box: Box) -> list[float]:
    return [box.x * MM, box.y * MM, box.right * MM, box.top * MM]


def describe(canvas: Canvas, *, title: str, subject: str, author: str, office: bool = True,
             duplex: str | None = None) -> None:
    """Set what every PDF of the kit says about itself: its title, what it
    is for and who made it, and the viewer preferences that start the print
    dialog right: 100 % scale, and for office files the sides to print
    (`duplex`: "long-edge", "short-edge" or None for single-sided) and the
    tray chosen by page size. A print-shop file gets the scale only."""
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setAuthor(author)
    canvas.setCreator("workshop-kit")
    preferences = {"PrintScaling": PDFName("None")}
    if office:
        preferences.update(Duplex=PDFName(DUPLEX[duplex]), PickTrayByPDFSize="true")
    # ReportLab's setViewerPreference refuses PickTrayByPDFSize (PDF 1.7),
    # so the dictionary is set as a whole.
    canvas.setCatalogEntry("ViewerPreferences", PDFDictionary(preferences))


def render(sheets: Sheets, face_of: Callable[[int, str], Face], *, title: str, subject: str,
           author: str, font: str, lang: str, pdfx_standard: str | None = None) -> bytes:
    """The PDF bytes of all pages; face_of(item, side) gives what to draw.

    `font` is the registered face the canvas starts with, so that no
    unembedded standard font is referenced. `pdfx_standard` ("x-4" or
    "x-1a") makes a PDF/X file: every colour and picture in CMYK."""
    buffer = io.BytesIO()
    first = sheets.pages[0]
    standard = pdfx.STANDARDS[pdfx_standard] if pdfx_standard else None
    canvas = Canvas(buffer, pagesize=(first.width * MM, first.height * MM),
                    pageCompression=1, invariant=1, lang=lang,
                    pdfVersion=standard.pdf_version if standard else None,
                    initialFontName=font)  # type: ignore[arg-type]  # the stub says float; it is a font's name
    describe(canvas, title=title, subject=subject, author=author, office=sheets.mode != "shop",
             duplex=sheets.duplex)
    if standard:
        canvas.__dict__["_workshop_pdfx"] = standard
        pdfx.declare(canvas, standard)
    for page in sheets.pages:
        canvas.setPageSize((page.width * MM, page.height * MM))
        canvas.setTrimBox(_box(page.trim_box) if page.trim_box else None)
        canvas.setBleedBox(_box(page.bleed_box) if page.bleed_box else None)
        if page.clip:
            canvas.saveState()
            clip = canvas.beginPath()
            clip.rect(*(v * MM for v in (page.clip.x, page.clip.y, page.clip.width, page.clip.height)))
            canvas.clipPath(clip, stroke=0, fill=0)
        for placement in page.placements:
            draw_face(canvas, face_of(placement.item, placement.side), placement.x, placement.y, page.bleed,
                      placement.rotation)
        if page.clip:
            canvas.restoreState()
        _items(canvas, page.extras, 0.0)
        if page.marks:
            canvas.setStrokeColor(REGISTRATION)
            canvas.setLineWidth(sheets.mark_width_pt)
            path = canvas.beginPath()
            for m in page.marks:
                path.moveTo(m.x1 * MM, m.y1 * MM)
                path.lineTo(m.x2 * MM, m.y2 * MM)
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_face(canvas: Canvas, face: Face, x: float, y: float, bleed: float, rotation: int = 0) -> None:
    """Draw a face with its trim's bottom-left corner at (x, y) mm, turned
    `rotation` degrees counter-clockwise (0, 90 or 270; (x, y) is then the
    bottom-left corner of the turned trim)."""
    canvas.saveState()
    canvas.translate(x * MM, y * MM)
    if rotation == 90:
        canvas.translate(face.height * MM, 0)
    elif rotation == 270:
        canvas.translate(0, face.width * MM)
    if rotation:
        canvas.rotate(rotation)
    clip = canvas.beginPath()
    clip.rect(-bleed * MM, -bleed * MM, (face.width + 2 * bleed) * MM, (face.height + 2 * bleed) * MM)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.setFillColor(_paint(canvas, face.background))
    canvas.rect(-bleed * MM, -bleed * MM, (face.width + 2 * bleed) * MM,
                (face.height + 2 * bleed) * MM, stroke=0, fill=1)
    _items(canvas, face.items, bleed)
    canvas.restoreState()


def _items(canvas: Canvas, items, bleed: float) -> None:
    """Shapes in order; the text of a group after its shapes, in one text object."""
    texts: list[TextRun] = []
    for item in items:
        if isinstance(item, Fill):
            _fill(canvas, item, bleed)
        elif isinstance(item, QRSymbol):
            _qr(canvas, item)
        elif isinstance(item, Circle):
            _circle(canvas, item)
        elif isinstance(item, Stroke):
            _stroke(canvas, item)
        elif isinstance(item, Image):
            draw_image(canvas, item, bleed)
        elif isinstance(item, Group):
            _texts(canvas, texts)
            texts = []
            _items(canvas, item.items, bleed)
        elif isinstance(item, TextRun):
            texts.append(item)
    _texts(canvas, texts)


def _circle(canvas: Canvas, c: Circle) -> None:
    if c.fill is not None:
        canvas.setFillColor(_paint(canvas, c.fill))
    if c.stroke is not None:
        canvas.setStrokeColor(_paint(canvas, c.stroke))
        canvas.setLineWidth(c.stroke_mm * MM)
    canvas.circle(c.cx * MM, c.cy * MM, c.r * MM, stroke=int(c.stroke is not None),
                  fill=int(c.fill is not None))


def _stroke(canvas: Canvas, s: Stroke) -> None:
    canvas.saveState()
    canvas.setStrokeColor(_paint(canvas, s.colour))
    canvas.setLineWidth(s.width_mm * MM)
    if s.dash_mm:
        canvas.setDash(s.dash_mm * MM, s.dash_mm * MM)
    path = canvas.beginPath()
    (x0, y0), *rest = s.points
    path.moveTo(x0 * MM, y0 * MM)
    for x, y in rest:
        path.lineTo(x * MM, y * MM)
    if s.closed:
        path.close()
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


def _texts(canvas: Canvas, runs: list[TextRun]) -> None:
    """All text of a face in one text object: fonts and colours set on change."""
    if not runs:
        return
    text = canvas.beginText()
    font = fill = None
    for run in runs:
        if font != (run.font, run.size_pt):
            font = (run.font, run.size_pt)
            text.setFont(run.font, run.size_pt)
        if fill != run.colour:
            fill = run.colour
            text.setFillColor(_paint(canvas, run.colour))
        if run.angle:
            a = math.radians(run.angle)
            text.setTextTransform(math.cos(a), math.sin(a), -math.sin(a), math.cos(a),
                                  run.x * MM, run.baseline * MM)
        else:
            text.setTextOrigin(run.x * MM, run.baseline * MM)
        text.textOut(run.text)
    canvas.drawText(text)


def _fill(canvas: Canvas, fill: Fill, bleed: float) -> None:
    b = fill.box
    x0 = b.x - (bleed if "left" in fill.bleed_edges else 0)
    y0 = b.y - (bleed if "bottom" in fill.bleed_edges else 0)
    x1 = b.right + (bleed if "right" in fill.bleed_edges else 0)
    y1 = b.top + (bleed if "top" in fill.bleed_edges else 0)
    canvas.setFillColor(_paint(canvas, fill.colour))
    canvas.rect(x0 * MM, y0 * MM, (x1 - x0) * MM, (y1 - y0) * MM, stroke=0, fill=1)


def _qr(canvas: Canvas, symbol: QRSymbol) -> None:
    """A light square including the quiet zone, then the dark modules as
    one vector path, drawn in module units under a scaling matrix."""
    b = symbol.box
    module = symbol.module_mm * MM
    canvas.setFillColor(_paint(canvas, symbol.light))
    canvas.rect(b.x * MM, b.y * MM, b.width * MM, b.height * MM, stroke=0, fill=1)
    canvas.setFillColor(_paint(canvas, symbol.dark))
    x = b.x * MM + QUIET_ZONE * module
    y = b.top * MM - QUIET_ZONE * module
    # PDF operators: save state, scale to modules with the origin at the
    # symbol's top-left corner and y down, fill the module runs, restore.
    canvas.addLiteral(f"q {module:.5f} 0 0 {-module:.5f} {x:.4f} {y:.4f} cm "
                      f"{_module_path(symbol.matrix)} f Q")


@lru_cache(maxsize=2048)
def _module_path(matrix: QRMatrix) -> str:
    """'x y w 1 re' for every horizontal run of dark modules, row by row."""
    runs = matrix.dark_runs
    return ("%d %d %d 1 re " * len(runs) % tuple([v for r, start, length in runs for v in (start, r, length)]))[:-1]


def draw_image(canvas: Canvas, item: Image, bleed: float = 0.0) -> None:
    """The picture in its box, cut to the box (with its bleed edges)."""
    placed, clip = item.placed(bleed)
    canvas.saveState()
    path = canvas.beginPath()
    path.rect(clip.x * MM, clip.y * MM, clip.width * MM, clip.height * MM)
    canvas.clipPath(path, stroke=0, fill=0)
    canvas.translate(placed.x * MM, placed.y * MM)
    canvas.scale(placed.width * MM, placed.height * MM)
    canvas.doForm(_picture_form(canvas, item.picture, placed))
    canvas.restoreState()


def _picture_form(canvas: Canvas, picture, placed: Box) -> str:
    """The name of a form of the document that draws the picture in the
    unit square, made on its first use: the image is stored once in the
    PDF, and ReportLab's drawImage (which digests the pixels again on
    every call, 4 ms for a picture of a megapixel) runs once."""
    if picture.bitmap:
        key, reader = picture.digest, _bitmap(picture, _standard(canvas))
    else:
        width = placed.width / 25.4 * SVG_DPI
        height = placed.height / 25.4 * SVG_DPI
        shrink = min(1.0, math.sqrt(SVG_MAX_PIXELS / max(1.0, width * height)))
        pixels = max(1, math.ceil(width * shrink)), max(1, math.ceil(height * shrink))
        key, reader = f"{picture.digest}-{pixels[0]}x{pixels[1]}", None
    forms = canvas.__dict__.setdefault("_workshop_pictures", {})
    name = forms.get(key)
    if name is None:
        name = forms[key] = f"picture-{key}"
        reader = reader or _svg_bitmap(picture, *pixels, _standard(canvas))
        canvas.beginForm(name, 0, 0, 1, 1)
        canvas.drawImage(reader, 0, 0, 1, 1, mask="auto")
        canvas.endForm()
    return name


@lru_cache(maxsize=32)
def _bitmap(picture, standard: pdfx.Standard | None = None) -> ImageReader:
    """A PNG or JPEG picture, decoded once per process (for a PDF/X file,
    converted to CMYK)."""
    if standard:
        return pdfx.picture(PILImage.open(io.BytesIO(picture.data)), standard)
    return ImageReader(io.BytesIO(picture.data))


@lru_cache(maxsize=32)
def _svg_bitmap(picture, width: int, height: int, standard: pdfx.Standard | None = None) -> ImageReader:
    """An SVG picture (checked: it refers to nothing outside itself) as a
    PNG of width x height pixels, by cairosvg (for a PDF/X file, converted
    to CMYK)."""
    import cairosvg  # here: only a kit with SVG pictures needs it

    png = cairosvg.svg2png(bytestring=picture.data, output_width=width, output_height=height,
                           unsafe=False, url=None)
    if standard:
        return pdfx.picture(PILImage.open(io.BytesIO(png)), standard)
    return ImageReader(io.BytesIO(png))
