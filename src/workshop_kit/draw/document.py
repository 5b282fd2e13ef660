"""The look of the kit's flowing documents (the facilitator guide, the
report for the council): ReportLab platypus styles in the kit's font and
colours, tables with a tinted head, the kit's title and 'page n of N' on
every page."""

from __future__ import annotations

import io
from typing import Callable
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Spacer

from workshop_kit.builtin import paper_size
from workshop_kit.content.kit import KitContent
from workshop_kit.draw.pdf import MM, colour, describe, draw_image
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, Image
from workshop_kit.layout.text import MIN_HYPHENATED, Hyphenation, parse_markup
from workshop_kit.printing import fill_label

MARGIN_MM = 18
HEADER_MM = 9       # from the top edge to the running header's baseline
SECTION_ROOM_MM = 70  # a section starts on a new page when less room than this is left
LOGO_MM = (60, 18)  # the most room the kit's logo takes at the head of a document


class DocumentStyle:
    """Paragraph styles, table styles and running header of a document of
    the kit, with its labels, font and colours; `accent` and `tint` name
    the theme's colour roles for headings and table heads."""

    def __init__(self, content: KitContent, family: Family, lang: str, accent: str, tint: str):
        self.content = content
        self.labels = content.labels
        self.colours = content.colours
        self.family = family
        faces = {style: family.face(style) for style in ("regular", "bold", "italic", "bold-italic")}
        registerFontFamily(faces["regular"], normal=faces["regular"], bold=faces["bold"],
                           italic=faces["italic"], boldItalic=faces["bold-italic"])
        self.faces = faces
        ink, muted, accent_colour = (colour(self.colours[r]) for r in ("ink", "muted", accent))
        self.ink, self.muted, self.accent = ink, muted, accent_colour
        self.rule = colour(self.colours["rule"])
        self.tint = colour(self.colours[tint])
        base = ParagraphStyle("body", fontName=faces["regular"], fontSize=10, leading=13.5,
                              textColor=ink, bulletFontName=faces["regular"], spaceAfter=4,
                              # ReportLab takes a hyphenator object where its stubs say a language name
                              hyphenationLang=Hyphenation(lang),  # type: ignore[arg-type]
                              hyphenationMinWordLength=MIN_HYPHENATED,
                              embeddedHyphenation=1, splitLongWords=0)
        self.body = base
        self.title = ParagraphStyle("title", base, fontName=faces["bold"], fontSize=24, leading=29,
                                    textColor=accent_colour, spaceAfter=6, hyphenationLang="")
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=13, leading=17, spaceAfter=2)
        self.h2 = ParagraphStyle("h2", base, fontName=faces["bold"], fontSize=16, leading=20,
                                 textColor=accent_colour, spaceBefore=14, spaceAfter=6)
        self.h3 = ParagraphStyle("h3", base, fontName=faces["bold"], fontSize=12.5, leading=16,
                                 spaceBefore=10, spaceAfter=2, keepWithNext=1)
        self.h4 = ParagraphStyle("h4", base, fontName=faces["bold"], fontSize=10.5, leading=14,
                                 spaceBefore=5, spaceAfter=2, keepWithNext=1)
        self.small = ParagraphStyle("small", base, fontSize=9, leading=12, textColor=muted, spaceAfter=2)
        self.cell = ParagraphStyle("cell", base, fontSize=9, leading=11.5, spaceAfter=0)
        self.cell_bold = ParagraphStyle("cell-bold", self.cell, fontName=faces["bold"])
        self.cell_small = ParagraphStyle("cell-small", self.cell, fontSize=8, leading=10, textColor=muted)
        # file names and addresses are never hyphenated: a hyphen would look like part of the name
        self.path = ParagraphStyle("path", self.cell_small, hyphenationLang="", splitLongWords=1)
        self.item = ParagraphStyle("item", base, leftIndent=6 * MM, bulletIndent=0, spaceAfter=2)
        self.cell_item = ParagraphStyle("cell-item", self.cell, leftIndent=3 * MM, bulletIndent=0,
                                        spaceAfter=1)

    def label(self, key: str, **values) -> str:
        """A fixed text with its {placeholders} filled in; a placeholder a
        kit's own label misspells is printed as written."""
        return fill_label(self.labels, key, **values)

    def p(self, text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
        """A paragraph of content text: **bold** and *italic* kept, the rest escaped."""
        return Paragraph(markup(text), style, bulletText=bullet)

    def plain(self, text: str, style: ParagraphStyle) -> Paragraph:
        """A paragraph of text printed exactly as written: no markup at all."""
        return Paragraph(escape(text), style)

    def bullets(self, items, style=None) -> list[Paragraph]:
        return [self.p(text, style or self.item, "•") for text in items]

    def table_style(self, header: bool = True) -> list:
        style = [
            ("FONT", (0, 0), (-1, -1), self.faces["regular"], 9),  # for empty cells: no Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1.5 * MM),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * MM),
            ("TOPPADDING", (0, 0), (-1, -1), 1.3 * MM),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * MM),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, self.rule),
        ]
        if header:
            style += [("BACKGROUND", (0, 0), (-1, 0), self.tint),
                      ("LINEBELOW", (0, 0), (-1, 0), 0.8, self.accent)]
        return style

    def section(self, key: str, **values) -> list:
        """A section's heading, on a new page when the page is nearly full."""
        return [CondPageBreak(SECTION_ROOM_MM * MM), self.p(self.label(key, **values), self.h2)]

    def logo(self) -> list:
        """The kit's logo at the head of the first page, if it has one."""
        picture = self.content.logo
        if picture is None:
            return []
        most_w, most_h = LOGO_MM
        ratio = picture.width / picture.height
        width, height = min(most_w, most_h * ratio), min(most_h, most_w / ratio)
        return [Logo(Image(Box(0, 0, width, height), picture, align="left")), Spacer(0, 4 * MM)]

    def head_row(self, *keys: str) -> list[Paragraph]:
        return [self.p(self.label(k), self.cell_bold) for k in keys]

    def running(self, title: str, page_label: str, width: float, height: float):
        """Draws the running header (kit title, document title) and the
        footer (organisation, the label `page_label` with page n of N)."""
        kit = self.content.kit
        regular, left, right = self.faces["regular"], MARGIN_MM * MM, width - MARGIN_MM * MM

        def draw(canvas: Canvas, page: int, pages: int) -> None:
            canvas.saveState()
            canvas.setFont(regular, 8.5)
            canvas.setFillColor(self.muted)
            top = height - HEADER_MM * MM - 8.5
            canvas.drawString(left, top, kit.title)
            canvas.drawRightString(right, top, title)
            canvas.setStrokeColor(self.rule)
            canvas.setLineWidth(0.5)
            canvas.line(left, top - 2.2 * MM, right, top - 2.2 * MM)
            bottom = (MARGIN_MM - 9) * MM
            canvas.drawString(left, bottom, kit.organisation)
            canvas.drawRightString(right, bottom, self.label(page_label, page=page, pages=pages))
            canvas.restoreState()

        return draw


class Logo(Flowable):
    """A picture of the kit, as large as its box, at the left of the frame."""

    def __init__(self, image: Image):
        super().__init__()
        self.image = image

    def wrap(self, available_width, available_height):
        return self.image.box.width * MM, self.image.box.height * MM

    def draw(self):
        draw_image(self.canv, self.image)


def page_frame(paper: str) -> tuple[float, float, float]:
    """Width and height of the paper, and the width inside the margins, in points."""
    width, height = (side * MM for side in paper_size(paper))
    return width, height, width - 2 * MARGIN_MM * MM


def write_document(story: list, paper: str, title: str, running: Callable, *, subject: str, author: str,
                   font: str, lang: str) -> tuple[bytes, int]:
    """The PDF bytes and page count of a story set on the paper, with
    `running(canvas, page, pages)` drawn on every page; printed single-sided."""
    width, height, _ = page_frame(paper)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=(width, height), leftMargin=MARGIN_MM * MM, rightMargin=MARGIN_MM * MM,
        topMargin=(MARGIN_MM + 4) * MM, bottomMargin=MARGIN_MM * MM,
        invariant=1, pageCompression=1, initialFontName=font, lang=lang)
    canvas_class = _numbered_canvas(running, dict(title=title, subject=subject, author=author))
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue(), canvas_class.pages


def _numbered_canvas(running, about: dict):
    """A canvas that holds its pages back until the end, so that each can
    say 'page n of N' in its running header and footer, and that describes
    the document (`about`: title, subject, author) as it is saved."""

    class NumberedCanvas(Canvas):
        pages = 0

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # Canvas's own, left out of the stub

        def save(self):
            total = len(self._held)
            type(self).pages = total
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                running(self, number, total)
                super().showPage()
            describe(self, **about)
            super().save()

    return NumberedCanvas


def markup(text: str) -> str:
    """'**bold**' and '*italic*' as ReportLab paragraph markup, the rest escaped."""
    out = []
    for span in parse_markup(text, "regular"):
        piece = escape(span.text)
        if "bold" in span.style:
            piece = f"<b>{piece}</b>"
        if "italic" in span.style:
            piece = f"<i>{piece}</i>"
        out.append(piece)
    return "".join(out)
