"""One face from a face template: each element laid out in its box by
its kind (layout/elements/), and the fitting of text that the kinds share.
Cards and boards both build their faces here."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import median
from typing import Any, Callable

from pydantic import BaseModel

from workshop_kit.content import KitContent
from workshop_kit.content.card_type import label_text
from workshop_kit.content.model import placeholders
from workshop_kit.content.sources import Citation
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, Face, TextRun, qr_boxes
from workshop_kit.layout.colours import Palette
from workshop_kit.layout.elements.base import ElementSpec, Lettering
from workshop_kit.layout.elements.registry import kind_of
from workshop_kit.layout.text import PT_TO_MM, Block, Misfit, Span, Typesetter, combine, parse_markup
from workshop_kit.problems import Problem, Shared

MIN_MODULE_MM = 0.4
# A QR module this large reads in poor light: a phone's camera in a dim
# room, its picture soft from noise reduction and a shaking hand, resolves
# about 100 dpi with a blur of 1 pixel (sigma), where modules under about
# 2.4 pixels run together; a code of such modules reads at 75 dpi sharp too.
READABLE_MODULE_MM = 0.6
CLEARANCE_MM = 1.0  # kept between a grown QR code and the elements that give way to it


PRINTED_URL_MAX = 60  # characters of a URL anyone would type from paper


def short_url(url: str) -> str:
    """The URL as printed for people who cannot scan: no scheme, no www;
    of a URL too long to type (a pre-filled form elsewhere), its host."""
    text = url.split("://", 1)[-1]
    text = text[4:] if text.startswith("www.") else text
    if len(text) > PRINTED_URL_MAX:
        return text.split("/", 1)[0].split("?", 1)[0] + "/…"
    return text


def field_value(model: BaseModel, path: str):
    value: Any = model
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def too_long(of: str, length: int, limit: int) -> str:
    """Why a follow-up URL (`of` " of card x") cannot be a QR code."""
    return (f"the follow-up URL{of} has {length} characters, more than any QR code holds "
            f"(at most {limit} characters); shorten it by at least {length - limit} characters, "
            "or set follow_up.links: short in kit.yaml (a short link to a form anywhere, through "
            "workshop-kit serve)")


def scaled_box(element: ElementSpec, width: float, height: float, scale: float) -> Box:
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
    # how much larger the card is than its template's design card: text may grow with it
    growth: float = 1.0
    # ("card", "deck/id"): what a problem caused by a shared setting was found on
    found_on: tuple[str, str] = ("", "")
    # (setting, message) -> the problem at the place that sets it ("url",
    # "card_size"); None where the subject has no such setting
    setting: Callable[[str, str], Problem | None] = lambda name, message: None
    # the cards of its deck: how long a field usually is
    peers: tuple = ()

    def shared(self, setting: str, kind: str, worst: float, message: str, path: tuple = ()) -> Problem | Shared:
        """A problem caused by a setting, reported at that setting once for
        every subject it affects; at the subject when it has no such setting."""
        at = self.setting(setting, message)
        if at is None:
            return self.problem(path, message)
        return Shared(at, kind, self.found_on, worst)


@dataclass
class FaceBuilder:
    kit: KitContent
    family: Family

    def __post_init__(self):
        self.setter = Typesetter(self.family, self.kit.kit.language)
        self.titles = self.kit.card_titles
        self.typical: dict[tuple[int, str], int] = {}  # (deck's cards, field) -> usual length

    def face(self, spec, width: float, height: float, subject: Subject,
             problems: list[Problem]) -> Face:
        """Lay out a face. Templates are drawn at a reference size; a face
        `scale` times larger scales every box and font size with it. The
        kinds that grow beyond their box (a QR code) are laid out first,
        and the other elements they reach give way (`clear_of`)."""
        s = subject.scale
        shown = [(element, kind_of(element.kind), scaled_box(element, width, height, s))
                 for element in spec.elements if not (element.when == "qr" and not subject.url)]
        laid: dict[int, list] = {}
        for i, (element, kind, box) in enumerate(shown):
            if kind.grows:
                laid[i] = kind.lay_out(self, element, box, subject, problems, (width, height))
        grown = [(box, reach) for i, (_, kind, box) in enumerate(shown) if kind.grows
                 for reach in qr_boxes(laid[i]) if not box.contains(reach)]
        for i, (element, kind, box) in enumerate(shown):
            if i not in laid:
                if grown and not kind.backdrop:
                    box = clear_of(box, grown, kind.flows and getattr(element, "valign", "top") == "top"
                                   and getattr(element, "align", "left") == "left")
                laid[i] = kind.lay_out(self, element, box, subject, problems, (width, height))
        items = [item for i in range(len(shown)) for item in laid[i]]
        return Face(width, height, subject.palette[spec.background], tuple(items))

    def blocks(self, element, subject: Subject) -> tuple[list[Block], list[str], set[str]]:
        """Paragraphs of a text element, the field each shows ("" for a
        fixed text or a heading alone), and the placeholders of its fixed texts."""
        labels = self.kit.labels
        palette = subject.palette
        colour = palette[element.colour]
        label_colour = palette[element.label_colour or element.colour]
        blocks: list[Block] = []
        owners: list[str] = []
        used: set[str] = set()
        for item in element.content:
            base = item.font or element.font
            if item.text is not None:
                names = placeholders(item.text)
                own = [name for name in names if name in type(subject.model).model_fields]
                used.update(name for name in names if name not in own)
                blocks.append(Block(tuple(parse_markup(item.text.format(**subject.values), base, colour))))
                owners.append(own[0] if own else "")
                continue
            if item.field is None:  # a label alone is a heading
                heading = label_text(labels, subject.type, item.label)
                assert heading is not None  # check_template refuses a label the kit does not have
                blocks.append(Block((Span(heading, combine(base, bold=True), label_colour),),
                                    keep_with_next=True))
                owners.append("")
                continue
            value = field_value(subject.model, item.field)
            if value in (None, "", []):
                continue
            card_type = self.kit.card_types.get(subject.type)
            kind = card_type.kind_of(item.field) if card_type else None
            if kind in ("link", "links"):
                assert card_type is not None  # a kind is known only of a card type
                titles = self.titles.get(card_type.links[item.field], {})
                value = [" · ".join(titles.get(ref, ref) for ref in ([value] if isinstance(value, str) else value))]
            elif isinstance(value, (list, tuple)) and all(isinstance(v, Citation) for v in value):
                if len(value) > 1 and item.label == "sources":  # "Kilder: A; B"
                    item = item.model_copy(update={"label": "sources_many"})
                value, kind = "; ".join(v.reference for v in value), "text"  # the short references, one line
            elif not isinstance(value, (str, list, tuple)):
                value = str(value)  # a number
            plain = kind in ("text", "link", "links")  # printed as written: no **bold** or *italic*
            label = label_text(labels, subject.type, item.label) if item.label else None
            head = Span(f"{label}: ", combine(base, bold=True), label_colour) if label and item.inline else None
            if label and not item.inline:
                blocks.append(Block((Span(label, combine(base, bold=True), label_colour),),
                                    keep_with_next=True))
                owners.append(item.field)
            if isinstance(value, str):
                spans = [Span(value, base, colour)] if plain or kind == "number" else parse_markup(value, base, colour)
                blocks.append(Block(tuple(([head] if head else []) + spans)))
                owners.append(item.field)
            else:
                for n, entry in enumerate(value):
                    spans = [Span(entry, base, colour)] if plain else parse_markup(entry, base, colour)
                    if head and n == 0:
                        spans = [head] + spans
                    blocks.append(Block(tuple(spans), bullet=len(value) > 1, tight=n > 0))
                    owners.append(item.field)
        return blocks, owners, used

    def label(self, element: Lettering, box: Box, subject: Subject, problems, text: str,
              style: str = "bold", colour=None, align: str = "center", valign: str = "middle") -> list[TextRun]:
        """One fitted label in a box, in the element's lettering."""
        colour = colour if colour is not None else subject.palette[element.colour]
        return self.text(box, element, subject, problems, blocks=[Block((Span(text, style, colour),))],
                         align=align, valign=valign)

    def text(self, box: Box, element: Lettering, subject: Subject, problems,
             blocks: list[Block] | None = None, align: str | None = None,
             valign: str | None = None) -> list[TextRun]:
        """Blocks (the element's own content by default) fitted to the box,
        aligned as the element says unless `align` and `valign` are given."""
        owners: list[str] = []
        used: set[str] = set()
        if blocks is None:
            blocks, owners, used = self.blocks(element, subject)
        if not blocks:
            return []
        fields = list(dict.fromkeys(o for o in owners if o))
        missing = [c for b in blocks for span in b.spans for c in self.family.missing(span.text, span.style)]
        if missing:
            problems.append(subject.problem(tuple(fields[0].split(".")) if fields else (),
                                            self.family.missing_message(missing)))
            return []
        s = subject.scale
        size, lines = self.setter.fit(blocks, box.width, box.height, element.largest(subject.growth) * s,
                                      element.min_size * s, element.leading,
                                      getattr(element, "hyphenate", True), getattr(box, "notch", None))
        if size is None:
            problems.append(self.misfit(lines, blocks, owners, used, box, element, subject))
            return []
        own_align: str = getattr(element, "align", "left")  # a text element's own; the others' left and top
        own_valign: str = getattr(element, "valign", "top")
        return self.runs(lines, size, element, box, subject.palette, align or own_align, valign or own_valign)

    def misfit(self, why: Misfit, blocks: list[Block], owners: list[str], used: set[str], box: Box,
               element: Lettering, subject: Subject) -> Problem | Shared:
        """The problem of a text that does not fit: at the fields that take
        the box, with each one's share and how much to shorten; at the
        setting that fills it when it shows no field (the follow-up URL, or
        the card size for a fixed text such as the card number)."""
        text = " ".join(span.text for b in blocks for span in b.spans)
        if why.word is not None:
            over = 1.0
        else:
            assert why.needed_mm is not None  # a misfit is a word too wide or lines too many
            over = why.needed_mm / why.height_mm
        shorten = _round_up(len(text) * (1 - 1 / over), 5) if why.word is None else 0
        cut = f"; shorten by about {shorten} characters" if shorten else "; shorten it"
        fields = list(dict.fromkeys(o for o in owners if o))
        if not fields:
            noun, name = subject.found_on
            where = f"'{_clip(text)}' on {noun} {name}" if name else f"'{_clip(text)}'"
            if why.word is not None:
                why = replace(why, word=_clip(why.word, 40))
            if "url" in used:
                return subject.shared("url", "url-text", over,
                    f"the printed follow-up URL does not fit its box: {where} {why}{cut}, "
                    f"or enlarge the box in the template")
            name_hint = ", shorten the deck's name" if "deck" in used else ""
            fixed = " ".join(item.text for item in getattr(element, "content", ()) if item.text)
            return subject.shared("card_size", f"fixed-text {fixed}", over,
                f"a fixed text of the {subject.type} template does not fit at this card size: "
                f"{where} {why}; choose a larger card size{name_hint} or enlarge the box in the template")
        if why.word is not None:  # at the field with the word
            owner = next((o for b, o in zip(blocks, owners) if o and any(why.word in sp.text for sp in b.spans)),
                         fields[0])
            return subject.problem(tuple(owner.split(".")), f"{owner} does not fit ({why}); shorten it")
        shares = self.shares(blocks, owners, box.width, element.min_size * subject.scale, element.leading)
        grown = self.grown(fields, subject)
        order = sorted(fields, key=lambda f: (-grown.get(f, (0, 0))[0], -shares.get(f, 0)))
        named = ", ".join(f"{f} {shares.get(f, 0):.0%}".replace("%", " %") for f in order)
        usual = "".join(f"; {f} is longer than on most cards of the deck ({grown[f][1]} characters, "
                        f"usually about {grown[f][2]})" for f in order if f in grown)
        if len(order) == 1:
            head = f"{order[0]} does not fit ({why})"
        else:
            head = f"{', '.join(order[:-1])} and {order[-1]} do not fit together ({why}): {named} of the text"
        return subject.problem(tuple(order[0].split(".")), head + usual + cut)

    def shares(self, blocks: list[Block], owners: list[str], width_mm: float, size: float,
               leading: float) -> dict[str, float]:
        """Each field's part of the text's height at the smallest size."""
        heights: dict[str, float] = {}
        for block, owner in zip(blocks, owners):
            lines = self.setter.break_lines([block], width_mm / PT_TO_MM, size) or []
            heights[owner] = heights.get(owner, 0.0) + self.setter.height_pt(lines, size, leading)
        total = sum(heights.values()) or 1.0
        return {owner: h / total for owner, h in heights.items() if owner}

    def grown(self, fields: list[str], subject: Subject) -> dict[str, tuple[int, int, int]]:
        """Fields clearly longer here than on most cards of the deck:
        field -> (characters over the usual, characters, usual characters)."""
        out: dict[str, tuple[int, int, int]] = {}
        if len(subject.peers) < 3:
            return out
        for f in fields:
            key = (id(subject.peers), f)
            if key not in self.typical:
                self.typical[key] = round(median(_length(field_value(peer, f)) for peer in subject.peers))
            typical, now = self.typical[key], _length(field_value(subject.model, f))
            if now > typical * 1.2 + 10:
                out[f] = (now - typical, now, typical)
        return out

    def runs(self, lines, size: float, element: Lettering, box: Box, palette: Palette, align: str,
             valign: str) -> list[TextRun]:
        lead = size * element.leading
        total = self.setter.height_pt(lines, size, element.leading) * PT_TO_MM
        top = box.top
        if valign == "middle":
            top = box.top - (box.height - total) / 2
        elif valign == "bottom":
            top = box.y + total
        ascent = self.family.ascent("regular")
        runs: list[TextRun] = []
        y_pt = 0.0
        for line in lines:
            y_pt += size * line.gap_before
            baseline = top - (y_pt + (lead - size) / 2 + size * ascent * 0.92) * PT_TO_MM
            shift = 0.0
            if align != "left":
                free = box.width / PT_TO_MM - line.width_pt
                shift = free / 2 if align == "center" else free
            for span in line.spans:
                runs.append(TextRun(box.x + (span.x_pt + shift) * PT_TO_MM, baseline, span.text,
                                    self.family.face(span.style), size,
                                    span.colour if span.colour is not None else palette[element.colour]))
            y_pt += lead
        return runs


@dataclass(frozen=True)
class NotchedBox(Box):
    """A text's box whose lines flow around a corner at its bottom right,
    `notch` (width, height) in mm."""

    notch: tuple[float, float] = (0.0, 0.0)


def clear_of(box: Box, grown: list[tuple[Box, Box]], flows: bool = False) -> Box:
    """The box kept CLEARANCE_MM clear of every (template box, grown item)
    whose item reaches into it: text that `flows` flows around an item in
    its bottom-right corner (a NotchedBox); any other box is cut back on
    the side of the four that keeps the most of it. A box that the
    template box itself overlaps is kept as it is."""
    c = CLEARANCE_MM
    for own, reach in grown:
        if box.overlaps(own) or not box.overlaps(reach.expanded(c)):
            continue
        width, height = box.right - (reach.x - c), reach.top + c - box.y
        if (flows and not isinstance(box, NotchedBox) and reach.right + c >= box.right
                and reach.y - c <= box.y and width < box.width and height < box.height):
            box = NotchedBox(box.x, box.y, box.width, box.height, (width, height))
            continue
        cuts = [Box(box.x, box.y, reach.x - c - box.x, box.height),                  # its right edge left of it
                Box(reach.right + c, box.y, box.right - reach.right - c, box.height),  # its left edge right of it
                Box(box.x, reach.top + c, box.width, box.top - reach.top - c),       # its bottom above it
                Box(box.x, box.y, box.width, reach.y - c - box.y)]                    # its top below it
        box = max(cuts, key=lambda cut: max(0.0, cut.width) * max(0.0, cut.height))
        box = Box(box.x, box.y, max(0.0, box.width), max(0.0, box.height))
    return box


def _length(value) -> int:
    """Characters of a field's text (all items of a list)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(len(str(v)) for v in value)
    return 0


def _clip(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _round_up(value: float, step: int) -> int:
    return max(step, math.ceil(value / step) * step)
