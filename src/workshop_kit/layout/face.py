"""One face from a face template: fills, fitted text and QR codes placed
in boxes. Cards and boards both build their faces here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from pydantic import BaseModel

from workshop_kit.content import KitContent
from workshop_kit.content.model import LINKS, placeholders
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, Face, Fill, QRSymbol, TextRun
from workshop_kit.layout.colours import Palette
from workshop_kit.layout.template import Element, FaceTemplate
from workshop_kit.layout.text import PT_TO_MM, Block, Span, Typesetter, combine, parse_markup
from workshop_kit.problems import Problem
from workshop_kit.qr import encode

MIN_MODULE_MM = 0.4


def short_url(url: str) -> str:
    """The URL as printed for people who cannot scan: no scheme, no www."""
    text = url.split("://", 1)[-1]
    return text[4:] if text.startswith("www.") else text


def field_value(model: BaseModel, path: str):
    value = model
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def scaled_box(element: Element, width: float, height: float, scale: float) -> Box:
    """An element's box on a face `scale` times its template's reference size."""
    ref = element.box.resolve(width / scale, height / scale)
    return Box(ref.x * scale, ref.y * scale, ref.width * scale, ref.height * scale)


@dataclass
class Subject:
    """What a face shows: a card or a board, with its placeholders and a
    way to turn a message about one of its fields into a problem."""

    model: BaseModel
    type: str
    url: str | None
    values: dict[str, str]
    problem: Callable[[tuple, str], Problem]
    palette: Palette
    scale: float = 1.0


Handler = Callable[["FaceBuilder", Element, Box, Subject, list], list]


@dataclass
class FaceBuilder:
    kit: KitContent
    family: Family
    handlers: dict[str, Handler] = field(default_factory=dict)

    def __post_init__(self):
        self.setter = Typesetter(self.family, self.kit.kit.language)
        self.titles = self.kit.card_titles

    def face(self, spec: FaceTemplate, width: float, height: float, subject: Subject,
             problems: list[Problem]) -> Face:
        """Lay out a face. Templates are drawn at a reference size; a face
        `scale` times larger scales every box and font size with it."""
        s = subject.scale
        items: list = []
        for element in spec.elements:
            if element.when == "qr" and not subject.url:
                continue
            box = scaled_box(element, width, height, s)
            if element.kind == "fill":
                items.append(Fill(box, subject.palette[element.fill], _edges(box, width, height)))
            elif element.kind == "qr":
                items.extend(self.qr(box, subject, element, problems))
            elif element.kind == "text":
                items.extend(self.text(box, element, subject, problems))
            else:
                items.extend(self.handlers[element.kind](self, element, box, subject, problems))
        return Face(width, height, subject.palette[spec.background], tuple(items))

    def qr(self, box: Box, subject: Subject, element: Element, problems) -> list:
        if not subject.url:
            return []
        matrix = encode(subject.url, element.level)
        size = min(box.width, box.height)
        symbol = QRSymbol(Box(box.right - size, box.y, size, size), matrix,
                          subject.palette["ink"], subject.palette["paper"])
        if symbol.module_mm < MIN_MODULE_MM:
            problems.append(subject.problem(("qr_url",),
                f"the QR code's modules would be {symbol.module_mm:.2f} mm, below {MIN_MODULE_MM} mm, "
                f"and would not scan from arm's length; shorten the follow-up URL "
                f"({len(subject.url)} characters) or enlarge the QR box in the template"))
        return [symbol]

    def blocks(self, element: Element, subject: Subject) -> tuple[list[Block], list[str]]:
        """Paragraphs of a text element and the fields they show."""
        labels = self.kit.labels
        palette = subject.palette
        colour = palette[element.colour]
        label_colour = palette[element.label_colour or element.colour]
        blocks: list[Block] = []
        fields: list[str] = []
        for item in element.content:
            base = item.font or element.font
            if item.text is not None:
                blocks.append(Block(tuple(parse_markup(item.text.format(**subject.values), base, colour))))
                fields += [name for name in placeholders(item.text) if name in type(subject.model).model_fields]
                continue
            if item.field is None:  # a label alone is a heading
                blocks.append(Block((Span(labels[item.label], combine(base, bold=True), label_colour),),
                                    keep_with_next=True))
                continue
            value = field_value(subject.model, item.field)
            if value in (None, "", []):
                continue
            fields.append(item.field)
            link_type = LINKS.get(subject.type, {}).get(item.field)
            if link_type:
                titles = self.titles.get(link_type, {})
                value = [" · ".join(titles.get(ref, ref) for ref in value)]
            label = labels[item.label] if item.label else None
            head = Span(f"{label}: ", combine(base, bold=True), label_colour) if label and item.inline else None
            if label and not item.inline:
                blocks.append(Block((Span(label, combine(base, bold=True), label_colour),),
                                    keep_with_next=True))
            if isinstance(value, str):
                spans = parse_markup(value, base, colour)
                blocks.append(Block(tuple(([head] if head else []) + spans)))
            else:
                for n, entry in enumerate(value):
                    spans = parse_markup(entry, base, colour)
                    if head and n == 0:
                        spans = [head] + spans
                    blocks.append(Block(tuple(spans), bullet=len(value) > 1, tight=n > 0))
        return blocks, fields

    def text(self, box: Box, element: Element, subject: Subject, problems,
             blocks: list[Block] | None = None) -> list[TextRun]:
        fields: list[str] = []
        if blocks is None:
            blocks, fields = self.blocks(element, subject)
        if not blocks:
            return []
        missing = [c for b in blocks for span in b.spans for c in self.family.missing(span.text, span.style)]
        if missing:
            problems.append(subject.problem(tuple(fields[0].split(".")) if fields else (),
                                            self.family.missing_message(missing)))
            return []
        s = subject.scale
        size, lines = self.setter.fit(blocks, box.width, box.height, element.size * s,
                                      element.min_size * s, element.leading)
        if size is None:
            what = ", ".join(fields) or "text"
            problems.append(subject.problem(tuple(fields[0].split(".")) if fields else (),
                f"{what} does not fit ({lines}); shorten it"))
            return []
        return self.runs(lines, size, element, box, subject.palette)

    def runs(self, lines, size: float, element: Element, box: Box, palette: Palette) -> list[TextRun]:
        lead = size * element.leading
        total = self.setter.height_pt(lines, size, element.leading) * PT_TO_MM
        top = box.top
        if element.valign == "middle":
            top = box.top - (box.height - total) / 2
        elif element.valign == "bottom":
            top = box.y + total
        ascent = self.family.ascent("regular")
        runs: list[TextRun] = []
        y_pt = 0.0
        for line in lines:
            y_pt += size * line.gap_before
            baseline = top - (y_pt + (lead - size) / 2 + size * ascent * 0.92) * PT_TO_MM
            shift = 0.0
            if element.align != "left":
                free = box.width / PT_TO_MM - line.width_pt
                shift = free / 2 if element.align == "center" else free
            for span in line.spans:
                runs.append(TextRun(box.x + (span.x_pt + shift) * PT_TO_MM, baseline, span.text,
                                    self.family.face(span.style), size,
                                    span.colour if span.colour is not None else palette[element.colour]))
            y_pt += lead
        return runs


def _edges(box: Box, width: float, height: float, eps: float = 1e-6) -> frozenset[str]:
    edges = set()
    if box.x <= eps:
        edges.add("left")
    if box.y <= eps:
        edges.add("bottom")
    if box.right >= width - eps:
        edges.add("right")
    if box.top >= height - eps:
        edges.add("top")
    return frozenset(edges)
