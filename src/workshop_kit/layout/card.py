"""A card and its template -> the two faces of the card, as boxes in mm."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from workshop_kit.content import Deck, KitContent
from workshop_kit.content.model import LINKS
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, CardFaces, Face, Fill, QRSymbol, TextRun
from workshop_kit.layout.colours import Palette
from workshop_kit.layout.template import Element, LoadedTemplate
from workshop_kit.layout.text import PT_TO_MM, Block, Span, Typesetter, combine, parse_markup
from workshop_kit.problems import Problem
from workshop_kit.qr import encode

MIN_MODULE_MM = 0.4


def short_url(url: str) -> str:
    """The URL as printed for people who cannot scan: no scheme, no www."""
    text = url.split("://", 1)[-1]
    return text[4:] if text.startswith("www.") else text


def field_value(card: BaseModel, path: str):
    value = card
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


@dataclass
class CardContext:
    deck: Deck
    card: BaseModel
    index: int
    url: str | None

    def placeholders(self, kit: KitContent) -> dict[str, str]:
        return {
            "title": self.card.title,
            "deck": self.deck.name,
            "n": str(self.index + 1),
            "total": str(len(self.deck.cards)),
            "kit": kit.kit.title,
            "organisation": kit.kit.organisation,
            "type": kit.labels.get(self.deck.type, self.deck.type),
            "url": short_url(self.url) if self.url else "",
        }


class CardLayout:
    """Lays out the cards of a kit's decks with their templates."""

    def __init__(self, kit: KitContent, templates: dict[str, LoadedTemplate], family: Family):
        self.kit = kit
        self.templates = templates
        self.family = family
        self.setter = Typesetter(family, kit.kit.language)
        self.titles = {t: {cid: c.title for cid, c in cards.items()}
                       for t, cards in kit.cards_by_type.items()}

    def cards(self, deck: Deck, start: int = 0, end: int | None = None
              ) -> tuple[list[CardFaces], list[Problem]]:
        """Faces of the deck's cards start..end, and the problems found."""
        template = self.templates[deck.type]
        palette = Palette(self.kit.colours, deck.type, deck.colour)
        out, problems = [], []
        for i in range(start, len(deck.cards) if end is None else end):
            card = deck.cards[i]
            ctx = CardContext(deck, card, i, deck.qr_urls[i])
            faces = [self._face(template, side, ctx, palette, problems) for side in ("front", "back")]
            out.append(CardFaces(deck.slug, card.id, card.title, ctx.url, *faces))
        return out, problems

    def _face(self, template: LoadedTemplate, side: str, ctx: CardContext,
              palette: Palette, problems: list[Problem]) -> Face:
        spec = template.face(side)
        width, height = ctx.deck.size.width, ctx.deck.size.height
        items: list = []
        for element in spec.elements:
            if element.when == "qr" and not ctx.url:
                continue
            box = element.box.resolve(width, height)
            if element.kind == "fill":
                items.append(Fill(box, palette[element.fill], _edges(box, width, height)))
            elif element.kind == "qr":
                items.extend(self._qr(box, ctx, palette, element, problems))
            else:
                items.extend(self._text(box, element, ctx, palette, problems))
        return Face(width, height, palette[spec.background], tuple(items))

    def _qr(self, box: Box, ctx: CardContext, palette: Palette, element: Element, problems):
        if not ctx.url:
            return []
        matrix = encode(ctx.url, element.level)
        size = min(box.width, box.height)
        symbol = QRSymbol(Box(box.right - size, box.y, size, size), matrix,
                          palette["ink"], palette["paper"])
        if symbol.module_mm < MIN_MODULE_MM:
            problems.append(self._problem(ctx, ("qr_url",),
                f"the QR code's modules would be {symbol.module_mm:.2f} mm, below {MIN_MODULE_MM} mm, "
                f"and would not scan from arm's length; shorten the follow-up URL "
                f"({len(ctx.url)} characters) or enlarge the QR box in the template"))
        return [symbol]

    def blocks(self, element: Element, ctx: CardContext, palette: Palette) -> tuple[list[Block], list[str]]:
        """Paragraphs of a text element and the card fields they show."""
        labels = self.kit.labels
        colour = palette[element.colour]
        label_colour = palette[element.label_colour or element.colour]
        values = ctx.placeholders(self.kit)
        blocks: list[Block] = []
        fields: list[str] = []
        for item in element.content:
            base = item.font or element.font
            if item.text is not None:
                blocks.append(Block(tuple(parse_markup(item.text.format(**values), base, colour))))
                continue
            if item.field is None:  # a label alone is a heading
                blocks.append(Block((Span(labels[item.label], combine(base, bold=True), label_colour),),
                                    keep_with_next=True))
                continue
            value = field_value(ctx.card, item.field)
            if value in (None, "", []):
                continue
            fields.append(item.field)
            link_type = LINKS.get(ctx.deck.type, {}).get(item.field)
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

    def _text(self, box: Box, element: Element, ctx: CardContext, palette: Palette, problems):
        blocks, fields = self.blocks(element, ctx, palette)
        if not blocks:
            return []
        size, lines = self.setter.fit(blocks, box.width, box.height, element.size,
                                      element.min_size, element.leading)
        if size is None:
            needed = lines
            what = ", ".join(fields) or "text"
            problems.append(self._problem(ctx, (fields[0],) if fields else (),
                f"{what} does not fit on the card even at {element.min_size:g} pt "
                f"(needs {needed:.1f} mm of height, the box has {box.height:.1f} mm); shorten it"))
            return []
        return self._runs(lines, size, element, box, palette)

    def _runs(self, lines, size: float, element: Element, box: Box, palette: Palette) -> list[TextRun]:
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

    def _problem(self, ctx: CardContext, path: tuple, message: str) -> Problem:
        line, column = ctx.deck.card_line(ctx.index, path)
        where = "cards[{}] (id: {})".format(ctx.index, ctx.card.id)
        field = where + ("." + ".".join(path) if path else "")
        return Problem(ctx.deck.file, line, column, field, f"deck '{ctx.deck.slug}': {message}")


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
