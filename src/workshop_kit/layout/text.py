"""Setting text in a box: light markup, line breaking with hyphenation,
and shrinking to fit between a largest and a smallest size."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import TextRun

PT_TO_MM = 25.4 / 72
HYPHEN = "-"
BULLET = "•"
SIZE_STEP = 0.25

_MARKUP = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")
_TRAILING = re.compile(r"^(.*?)([.,;:!?)»”\"']*)$", re.S)


@dataclass(frozen=True)
class Span:
    text: str
    style: str  # regular, bold, italic, bold-italic
    colour: object = None


@dataclass(frozen=True)
class Block:
    """A paragraph: spans set as one flow, optionally as a bullet."""

    spans: tuple[Span, ...]
    bullet: bool = False
    keep_with_next: bool = False  # a heading: no extra gap after it
    tight: bool = False           # a list item after the first: a small gap


PARAGRAPH_GAP = 0.45  # of the font size, between paragraphs
ITEM_GAP = 0.15       # between the items of a list


@dataclass(frozen=True)
class Misfit:
    """Why text does not fit its box even at the smallest size."""

    size: float
    height_mm: float
    needed_mm: float | None = None
    word: str | None = None

    def __str__(self) -> str:
        if self.word is not None:
            return f"the word '{self.word}' is wider than the box even at {self.size:g} pt"
        return (f"needs {self.needed_mm:.1f} mm of height at {self.size:g} pt, "
                f"the box has {self.height_mm:.1f} mm")


@dataclass(frozen=True)
class PlacedSpan:
    x_pt: float
    text: str
    style: str
    colour: object


@dataclass(frozen=True)
class Line:
    spans: tuple[PlacedSpan, ...]
    width_pt: float
    gap_before: float  # extra space above the line, as a fraction of the size


def combine(base: str, bold: bool = False, italic: bool = False) -> str:
    bold = bold or base in ("bold", "bold-italic")
    italic = italic or base in ("italic", "bold-italic")
    return {(False, False): "regular", (True, False): "bold",
            (False, True): "italic", (True, True): "bold-italic"}[(bold, italic)]


def parse_markup(text: str, base: str, colour=None) -> list[Span]:
    """'**bold**' and '*italic*' inside a string, on top of a base style."""
    spans: list[Span] = []
    pos = 0
    for match in _MARKUP.finditer(text):
        if match.start() > pos:
            spans.append(Span(text[pos:match.start()], base, colour))
        if match.group(1) is not None:
            spans.append(Span(match.group(1), combine(base, bold=True), colour))
        else:
            spans.append(Span(match.group(2), combine(base, italic=True), colour))
        pos = match.end()
    if pos < len(text):
        spans.append(Span(text[pos:], base, colour))
    return spans


# A word is a list of (text, style, colour) pieces with no space between them.
Word = tuple[tuple[str, str, object], ...]


def _words(spans: tuple[Span, ...]) -> list[Word]:
    words: list[list] = [[]]
    for span in spans:
        parts = re.split(r"(\s+)", span.text)
        for part in parts:
            if not part:
                continue
            if part.isspace():
                if words[-1]:
                    words.append([])
                continue
            words[-1].append((part, span.style, span.colour))
    return [tuple(w) for w in words if w]


class Typesetter:
    def __init__(self, family: Family, language: str):
        self.family = family
        self.hyphenator = _hyphenator(language)

    def word_width(self, word: Word, size: float) -> float:
        return sum(self.family.width(t, s, size) for t, s, _ in word)

    def splits(self, word: Word) -> list[tuple[Word, Word]]:
        """Ways to break a word, longest first part first: at its own
        hyphens, or by the hyphenation dictionary (single-style words)."""
        if len(word) != 1:
            return []
        text, style, colour = word[0]
        out: list[tuple[str, str]] = []
        for i in range(len(text) - 2, 1, -1):
            # break after a hyphen in a compound, or after a slash in a URL
            if (text[i] == "-" and text[i - 1].isalpha()) or text[i] == "/":
                out.append((text[: i + 1], text[i + 1:]))
        if self.hyphenator and not out:
            trailing = _TRAILING.match(text)
            assert trailing is not None  # the pattern matches any text
            core, tail = trailing.groups()
            if len(core) >= 6 and core.isalpha():
                for a, b in _iterate(self.hyphenator, core):
                    out.append((a + HYPHEN, b + tail))
        return [(((a, style, colour),), ((b, style, colour),)) for a, b in out]

    def break_lines(self, blocks: list[Block], width_pt: float, size: float) -> list[Line] | None:
        """Greedy line breaking; None if a word cannot be set at this width."""
        space = self.family.width(" ", "regular", size)
        bullet_indent = self.family.width(BULLET + " ", "regular", size)
        lines: list[Line] = []
        for b, block in enumerate(blocks):
            indent = bullet_indent if block.bullet else 0.0
            avail = width_pt - indent
            gap = 0.0
            if b > 0 and not blocks[b - 1].keep_with_next:
                gap = ITEM_GAP if block.tight else PARAGRAPH_GAP
            current: list[Word] = []
            current_w = 0.0
            first_line = True

            def flush():  # called only within this iteration of the loop, so its block, indent and gap are this one's
                nonlocal current, current_w, first_line
                lines.append(self._line(current, size, space, indent, gap if first_line else 0.0,  # noqa: B023
                                        block.bullet and first_line))  # noqa: B023
                current, current_w, first_line = [], 0.0, False

            queue = list(_words(block.spans))
            while queue:
                word = queue.pop(0)
                w = self.word_width(word, size)
                extra = space if current else 0.0
                if current_w + extra + w <= avail:
                    current.append(word)
                    current_w += extra + w
                    continue
                placed = False
                for head, rest in self.splits(word):
                    hw = self.word_width(head, size)
                    if current_w + extra + hw <= avail:
                        current.append(head)
                        current_w += extra + hw
                        queue.insert(0, rest)
                        placed = True
                        break
                if placed:
                    flush()
                    continue
                if current:
                    flush()
                    queue.insert(0, word)
                    continue
                return None  # a single piece wider than the line
            if current or first_line:
                flush()
        return lines

    def _line(self, words: list[Word], size: float, space: float, indent: float,
              gap: float, bullet: bool) -> Line:
        spans: list[PlacedSpan] = []
        x = indent
        if bullet:
            colour = words[0][0][2] if words else None
            spans.append(PlacedSpan(0.0, BULLET, "regular", colour))
        # Pieces in the same style run on in one span, spaces included: the
        # advance of " " is the same whether drawn alone or inside a string.
        text_start, pending, key = x, "", None
        for i, word in enumerate(words):
            for j, (text, style, colour) in enumerate(word):
                sep = " " if i and j == 0 else ""
                if (style, colour) == key:
                    pending += sep + text
                else:
                    if pending:
                        assert key is not None  # set with the first piece
                        spans.append(PlacedSpan(text_start, pending, *key))
                    if sep:
                        x += space
                    text_start, pending, key = x, text, (style, colour)
                    sep = ""
                x += (space if sep else 0.0) + self.family.width(text, style, size)
        if pending:
            assert key is not None  # set with the first piece
            spans.append(PlacedSpan(text_start, pending, *key))
        return Line(tuple(spans), x, gap)

    def height_pt(self, lines: list[Line], size: float, leading: float) -> float:
        gaps = sum(line.gap_before for line in lines)
        return len(lines) * size * leading + gaps * size

    def fit(self, blocks: list[Block], width_mm: float, height_mm: float,
            largest: float, smallest: float, leading: float):
        """The largest size from largest down to smallest at which the
        blocks fit: (size, lines), or (None, why they do not fit)."""
        width_pt, height_pt = width_mm / PT_TO_MM, height_mm / PT_TO_MM

        def attempt(size):
            lines = self.break_lines(blocks, width_pt, size)
            if lines is not None and self.height_pt(lines, size, leading) <= height_pt + 1e-6:
                return lines
            return None

        lines = attempt(largest)
        if lines is not None:
            return largest, lines
        steps = int(round((largest - smallest) / SIZE_STEP))
        lo, hi = 1, steps  # candidate i means largest - i*step (0 did not fit); find the smallest i that fits
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            size = largest - mid * SIZE_STEP
            found = attempt(size)
            if found is not None:
                best = (size, found)
                hi = mid - 1
            else:
                lo = mid + 1
        if best:
            return best
        lines = self.break_lines(blocks, width_pt, smallest)
        if lines is None:
            return None, Misfit(smallest, height_mm, word=self.widest_word(blocks, smallest))
        return None, Misfit(smallest, height_mm, needed_mm=self.height_pt(lines, smallest, leading) * PT_TO_MM)

    def widest_word(self, blocks: list[Block], size: float) -> str:
        words = [w for block in blocks for w in _words(block.spans)]
        widest = max(words, key=lambda w: self.word_width(w, size))
        return "".join(t for t, _, _ in widest)


@lru_cache(maxsize=None)
def _hyphenator(language: str):
    code = {"da": "da_DK", "en": "en_GB"}.get(language, language)
    if code not in pyphen.LANGUAGES:
        return None
    return pyphen.Pyphen(lang=code, left=2, right=3)


@lru_cache(maxsize=65536)
def _iterate(hyphenator, word: str) -> tuple[tuple[str, str], ...]:
    return tuple(hyphenator.iterate(word))


def runs_at(family: Family, text: str, style: str, size: float, colour, x: float, y: float,
            align: str, angle: float = 0.0) -> list[TextRun]:
    """One line of text at (x, y), aligned there; turned 90 degrees when `angle` is 90."""
    width = family.width(text, style, size) * PT_TO_MM
    shift = {"left": 0.0, "center": width / 2, "right": width}[align]
    if angle == 90:
        return [TextRun(x, y - shift, text, family.face(style), size, colour, 90.0)]
    return [TextRun(x - shift, y, text, family.face(style), size, colour)]
