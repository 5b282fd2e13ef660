"""Setting text in a box: light markup, line breaking with hyphenation,
and shrinking to fit between a largest and a smallest size."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from workshop_kit.builtin import DATA
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import TextRun

PT_TO_MM = 25.4 / 72
HYPHEN = "-"
SOFT = "\u00ad"          # a soft hyphen: a break point, printed only where the line breaks
DASHES = "-\u2013\u2014"  # a word may break after its own hyphen or dash
MIN_HYPHENATED = 7       # letters: shorter words are never hyphenated
LEFT, RIGHT = 2, 3       # letters at least before and after a hyphenation point
MAX_HYPHENATED_RUN = 2   # lines ending in a hyphen, one after the other
LAST_LINE_LETTERS = 4    # the last line of a paragraph has at least this many letters
LOOSE = 0.70             # a line fuller than this is not broken between syllables
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


# The spaces a line may break at: every white space but the no-break ones
# ("8\u00a0uger", "§\u00a017"), which stay inside their word and print as spaces.
_SPACES = re.compile(r"([^\S\u00a0\u2007\u202f]+)")


@lru_cache(maxsize=4096)  # a text is set at several sizes until it fits
def _words(spans: tuple[Span, ...]) -> tuple[Word, ...]:
    words: list[list] = [[]]
    for span in spans:
        for i, part in enumerate(_SPACES.split(span.text)):  # (words at even places, the spaces between)
            if i % 2:
                if words[-1]:
                    words.append([])
            elif part:
                words[-1].append((part, span.style, span.colour))
    words = [w for w in words if w]
    # A suspended compound ("sol- og vindprojekter") keeps its hyphen on the
    # line of the word after it: a line ending in "sol-" reads as a word broken there.
    # A section sign keeps to its number ("§ 17"), as a line ending in "§" reads wrong.
    glued: list[list] = []
    for word in words:
        before = glued[-1][-1][0] if glued else ""
        if (before in ("§", "§§") and len(glued[-1]) == 1
                or len(before) >= 2 and before[-1] in "-\u2010" and before[-2].isalpha()):
            last = glued[-1][-1]
            if (last[1], last[2]) == (word[0][1], word[0][2]):
                glued[-1][-1] = (last[0] + " " + word[0][0], last[1], last[2])
                glued[-1].extend(word[1:])
            else:
                glued[-1].extend([(" ", last[1], last[2]), *word])
            continue
        glued.append(list(word))
    return tuple(tuple(w) for w in glued)


class Typesetter:
    def __init__(self, family: Family, language: str):
        self.family = family
        self.hyphenator = _hyphenator(language)
        self.language = language

    def word_width(self, word: Word, size: float) -> float:
        return _unit_width(self.family, word) * size

    def splits(self, word: Word) -> list[tuple[Word, Word, str]]:
        """Ways to break a word, longest first part first, each with its
        kind: "dash" (after a hyphen or dash of its own), "slash" (after a
        slash of an address), "soft" (at a soft hyphen), "joint" (between
        the parts of a compound) or "syllable" (by the hyphenation dictionary).
        Only single-style words are broken."""
        if len(word) != 1:
            return []
        text, style, colour = word[0]
        return [(((a, style, colour),), ((b, style, colour),), kind) for a, b, kind in _splits(
            text, self.language if self.hyphenator else "")]

    def break_lines(self, blocks: list[Block], width_pt: float, size: float,
                    hyphenate: bool = True, notch: tuple[float, float, float] | None = None) -> list[Line] | None:
        """Line breaking a paragraph at a time; None if a word cannot be set
        at this width. Without `hyphenate`, words break only at their own
        hyphens, dashes, soft hyphens and slashes. `notch` (below, width,
        leading; pt): a line that reaches further down from the top than
        `below` is at most `width` wide (the text flows around something
        in the box's bottom-right corner)."""
        space = self.family.width(" ", "regular", size)
        bullet_indent = self.family.width(BULLET + " ", "regular", size)
        lines: list[Line] = []
        top = 0.0  # of the next line, from the top of the text
        for b, block in enumerate(blocks):
            indent = bullet_indent if block.bullet else 0.0
            gap = _gap_before(blocks, b)
            first = top + gap * size

            def avail(row: int, indent=indent, first=first) -> float:
                if notch is not None and first + (row + 1) * size * notch[2] > notch[0] + 1e-6:
                    return min(width_pt, notch[1]) - indent
                return width_pt - indent

            set_lines = self._paragraph(list(_words(block.spans)), avail, size, space, hyphenate)
            if set_lines is None:
                return None
            for n, row in enumerate(set_lines or [[]]):
                lines.append(self._line([w for w, _ in row] if row else [], size, space, indent,
                                        gap if n == 0 else 0.0, block.bullet and n == 0))
            if notch is not None:
                top = first + len(set_lines or [[]]) * size * notch[2]
        return lines

    def _paragraph(self, words: list[Word], avail_of, size: float, space: float, hyphenate: bool = True):
        """The words of a paragraph in lines: each line a list of (word,
        the whole word when this is the head of a broken one, else None).
        `avail_of(n)`: the width of its line n (or one width for all)."""
        if not callable(avail_of):
            width = avail_of
            avail_of = lambda row: width  # noqa: E731
        rows: list[list] = []
        current: list = []
        current_w = 0.0
        queue = list(words)
        while queue:
            avail = avail_of(len(rows))
            word = queue.pop(0)
            w = self.word_width(word, size)
            extra = space if current else 0.0
            if current_w + extra + w <= avail:
                current.append((word, None))
                current_w += extra + w
                continue
            run = _hyphenated_run(rows)
            fitting = [(head, rest, kind) for head, rest, kind in self.splits(word)
                       if (hyphenate or kind not in ("joint", "syllable"))
                       and current_w + extra + self.word_width(head, size) <= avail]
            if not current:  # must break: the word is wider than the line; at a joint if one fills 40 %
                good = [f for f in fitting if f[2] != "syllable"
                        and self.word_width(f[0], size) >= avail * 0.4]
                choice = good[0] if good else fitting[0] if fitting else None
                if choice is None:
                    return None
            else:
                choice = self._choose(fitting, current_w, extra, avail, size, run)
            if choice is None:
                rows.append(current)
                current, current_w = [], 0.0
                queue.insert(0, word)
                continue
            head, rest, _ = choice
            current.append((head, word))
            rows.append(current)
            current, current_w = [], 0.0
            queue.insert(0, rest)
        if current:
            rows.append(current)
        return self._settle_last(rows, min(avail_of(max(0, len(rows) - 2)), avail_of(len(rows) - 1)), size, space)

    def _choose(self, fitting, current_w: float, extra: float, avail: float, size: float, run: int):
        """The break of a word that ends a line, or None to carry the whole
        word to the next line: a break of its own (dash, soft hyphen,
        compound joint) when it fills the line better; a break between
        syllables only where the line would otherwise be loose."""
        if run >= MAX_HYPHENATED_RUN:
            fitting = [f for f in fitting if f[2] == "slash"]
        good = [f for f in fitting if f[2] != "syllable"]
        fill = current_w / avail
        if good:
            head = good[0]
            good_fill = (current_w + extra + self.word_width(head[0], size)) / avail
            if head[2] == "slash" or (good_fill >= LOOSE - 0.12 and good_fill > fill + 0.05):
                return head
        if fill >= LOOSE:
            return None
        syllables = [f for f in fitting if f[2] == "syllable"]
        if syllables:
            return syllables[0]
        return good[0] if good else None

    def _settle_last(self, rows: list[list], avail: float, size: float, space: float) -> list[list]:
        """No last line of fewer than LAST_LINE_LETTERS letters: the word
        broken before it is carried down whole (or broken earlier), or the
        last word of the line before is pulled down."""
        if len(rows) < 2 or _letters(rows[-1]) >= LAST_LINE_LETTERS:
            return rows
        before, last = rows[-2], rows[-1]
        head, whole = before[-1]
        if whole is not None:  # the short line is the end of a broken word
            rest_words = [w for w, _ in last[1:]]
            tail_w = sum(self.word_width(w, size) + space for w in rest_words)
            kept = before[:-1]
            kept_w = sum(self.word_width(w, size) for w, _ in kept) + space * max(0, len(kept) - 1)
            extra = space if kept else 0.0
            for h, r, kind in self.splits(whole):
                if kind == "slash":
                    continue
                if (kept_w + extra + self.word_width(h, size) <= avail and _letters([(r, None)]) >= LAST_LINE_LETTERS
                        and self.word_width(r, size) + tail_w <= avail):
                    return rows[:-2] + [kept + [(h, whole)], [(r, None)] + last[1:]]
            if kept and self.word_width(whole, size) + tail_w <= avail:
                return rows[:-2] + [kept, [(whole, None)] + last[1:]]
            return rows
        if len(before) >= 2:
            moved = before[-1][0]
            width = sum(self.word_width(w, size) for w, _ in last) + space * len(last) + self.word_width(moved, size)
            if width <= avail:
                return rows[:-2] + [before[:-1], [(moved, None)] + last]
        return rows

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
                text = text.replace(SOFT, "")  # printed only as the hyphen of a line broken there
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
            largest: float, smallest: float, leading: float, hyphenate: bool = True,
            notch: tuple[float, float] | None = None):
        """The largest size from largest down to smallest at which the
        blocks fit: (size, lines), or (None, why they do not fit). `notch`
        (width, height; mm): a corner of the box at its bottom right that
        the lines flow around. The same text in the same box is set once a
        process: a deck's labels and fixed texts recur on every card, and
        a `watch` rebuild sets again only the texts that were edited."""
        key = (self.family, self.language, tuple(blocks), width_mm, height_mm, largest, smallest, leading,
               hyphenate, notch)
        found = _fitted.get(key)
        if found is None:
            size, lines = self._fit(blocks, width_mm, height_mm, largest, smallest, leading, hyphenate, notch)
            found = (size, tuple(lines) if size is not None else lines)
            if len(_fitted) >= FITTED_AT_MOST:
                _fitted.clear()
            _fitted[key] = found
        size, lines = found
        return (size, list(lines)) if size is not None else found

    def _fit(self, blocks: list[Block], width_mm: float, height_mm: float, largest: float, smallest: float,
             leading: float, hyphenate: bool, notch: tuple[float, float] | None):
        width_pt, height_pt = width_mm / PT_TO_MM, height_mm / PT_TO_MM
        around = None if notch is None else ((height_mm - notch[1]) / PT_TO_MM, (width_mm - notch[0]) / PT_TO_MM)

        def attempt(size):
            lines = self.break_lines(blocks, width_pt, size, hyphenate, around and (*around, leading))
            if lines is not None and self.height_pt(lines, size, leading) <= height_pt + 1e-6:
                return lines
            return None

        steps = int(round((largest - smallest) / SIZE_STEP))
        # candidate i means largest - i*step; find the smallest i that fits,
        # beginning where the words could fit at all (none larger can)
        first = 0 if around else self._first_possible(blocks, width_pt, height_pt, largest, steps, leading)
        if first <= steps:
            lines = attempt(largest - first * SIZE_STEP)
            if lines is not None:
                return largest - first * SIZE_STEP, lines
        lo, hi = first + 1, steps
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
        lines = self.break_lines(blocks, width_pt, smallest, hyphenate, around and (*around, leading))
        if lines is None:
            return None, Misfit(smallest, height_mm, word=self.widest_word(blocks, smallest))
        return None, Misfit(smallest, height_mm, needed_mm=self.height_pt(lines, smallest, leading) * PT_TO_MM)

    def _first_possible(self, blocks: list[Block], width_pt: float, height_pt: float, largest: float,
                        steps: int, leading: float) -> int:
        """The first of the sizes largest, largest - SIZE_STEP, ... (0 ..
        steps; steps + 1 if none) at which the blocks could fit: a block
        of n words (of width w, at 1 pt) set in r lines holds at least
        n - r spaces between its words, so r * line >= w + (n - r) *
        space, and its lines and the gaps between the blocks must fit the
        height. At every larger size the lines surely do not fit, so they
        need not be set: a title that must shrink to fit its line is set
        once, not at the five sizes of a search."""
        space = self.family.width(" ", "regular", 1.0)
        bullet = self.family.width(BULLET + " ", "regular", 1.0)
        wanted = []  # (the words' width and spaces at 1 pt, the bullet's indent at 1 pt) of each block
        for block in blocks:
            words = _words(block.spans)
            wanted.append((sum(_unit_width(self.family, w) for w in words) + len(words) * space,
                           bullet if block.bullet else 0.0))
        gaps = sum(_gap_before(blocks, b) for b in range(len(blocks)))
        for i in range(steps + 1):
            size = largest - i * SIZE_STEP
            rows = 0
            for width, indent in wanted:
                line = (width_pt - indent * size) + space * size
                if line <= 0:
                    return i  # (no bound: the attempts tell)
                rows += max(1, math.ceil(width * size / line - 1e-9))
            if rows * size * leading + gaps * size <= height_pt + 1e-6:
                return i
        return steps + 1

    def widest_word(self, blocks: list[Block], size: float) -> str:
        words = [w for block in blocks for w in _words(block.spans)]
        widest = max(words, key=lambda w: self.word_width(w, size))
        return "".join(t for t, _, _ in widest)


def _gap_before(blocks: list[Block], b: int) -> float:
    """The space above block b, as a fraction of the size: none after a heading."""
    if b == 0 or blocks[b - 1].keep_with_next:
        return 0.0
    return ITEM_GAP if blocks[b].tight else PARAGRAPH_GAP


FITTED_AT_MOST = 20_000  # texts set, kept by a process (a watch runs for hours): some tens of MB at most
_fitted: dict[tuple, tuple] = {}


@lru_cache(maxsize=65536)
def _unit_width(family: Family, word: Word) -> float:
    """A word's width at 1 pt."""
    return sum(family.width(t.replace(SOFT, ""), s, 1.0) for t, s, _ in word)


@lru_cache(maxsize=None)
def _hyphenator(language: str):
    code = {"da": "da_DK", "en": "en_GB"}.get(language, language)
    if code not in pyphen.LANGUAGES:
        return None
    return pyphen.Pyphen(lang=code, left=LEFT, right=RIGHT)


def _hyphenated_run(rows: list[list]) -> int:
    """How many of the last lines end in a hyphen."""
    run = 0
    for row in reversed(rows):
        last = row[-1][0][-1][0] if row else ""
        if len(last) < 2 or last[-1] not in DASHES:  # a dash standing alone between words is no hyphen
            break
        run += 1
    return run


def _letters(row: list) -> int:
    return sum(ch.isalpha() for word, _ in row for text, _, _ in word for ch in text)


@lru_cache(maxsize=65536)
def _splits(text: str, language: str) -> tuple[tuple[str, str, str], ...]:
    """(head, rest, kind) of each way to break a word's text, longest head
    first; a head broken inside the word ends in a hyphen. See Typesetter.splits."""
    out: list[tuple[str, str, str]] = []
    if "/" in text:  # an address: after its slashes, else before a hyphen or dot (of its host too)
        for i in range(len(text) - 2, 0, -1):
            if text[i] == "/":
                out.append((text[: i + 1], text[i + 1:], "slash"))
        for i in range(len(text) - 2, 1, -1):
            if text[i] in "-." and text[i - 1] not in "-./":
                out.append((text[:i], text[i:], "slash"))
        out.sort(key=lambda split: -len(split[0]))
        return tuple(out)
    for i in range(len(text) - 2, 0, -1):
        if text[i] in DASHES and text[i - 1].isalpha() and text[i + 1] != " " and text[i + 1:].strip(".,;:!?)»”\"'"):
            out.append((text[: i + 1].replace(SOFT, ""), text[i + 1:], "dash"))
    if out:
        return tuple(out)
    trailing = _TRAILING.match(text)
    assert trailing is not None  # the pattern matches any text
    core, tail = trailing.groups()
    lead = len(core) - len(core.lstrip("(«„“\"'"))
    opening, core = core[:lead], core[lead:]
    if SOFT in core:  # the writer's own break points, and only those
        parts = core.split(SOFT)
        for n in range(len(parts) - 1, 0, -1):
            head, rest = "".join(parts[:n]), "".join(parts[n:])
            if head and rest:
                out.append((opening + head + HYPHEN, rest + tail, "soft"))
        return tuple(out)
    hyphenator = _hyphenator(language) if language else None
    if not hyphenator or len(core) < MIN_HYPHENATED or not core.isalpha():
        return ()
    joints = set(compound_joints(core, language))
    points = {len(a) for a, _ in hyphenator.iterate(core)} | joints
    for i in sorted(points, reverse=True):
        if LEFT <= i <= len(core) - RIGHT:
            out.append((opening + core[:i] + HYPHEN, core[i:] + tail, "joint" if i in joints else "syllable"))
    return tuple(out)


class Hyphenation:
    """The break points of a word for a paragraph set by ReportLab (the
    guide, the report): called with a word, it gives (head, tail) pairs in
    the order to try them, by the same rules as the cards: a soft hyphen or
    a compound's joint first, then syllables, but syllables only in words
    of at least SYLLABLES_FROM letters."""

    SYLLABLES_FROM = 10

    def __init__(self, language: str):
        self.language = language if _hyphenator(language) else ""

    def __call__(self, word: str) -> list[tuple[str, str]]:
        splits = _splits(word, self.language)
        letters = sum(ch.isalpha() for ch in word)
        good = [(h, t) for h, t, kind in splits if kind in ("soft", "joint")]
        syllables = [(h, t) for h, t, kind in splits if kind == "syllable" and letters >= self.SYLLABLES_FROM]
        return [(h[:-1], t) for h, t in good + syllables]


@lru_cache(maxsize=None)
def _parts(language: str) -> frozenset[str]:
    path = DATA / "compounds" / f"{language}.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


LINKS = ("s", "e", "")  # letters that join the parts of a Danish compound
ENDINGS = frozenset(("", "e", "en", "et", "er", "ne", "ene", "erne", "ernes", "ens", "ets", "es", "s",
                     "r", "n", "t", "de", "te", "ede", "ende", "ne", "nes", "rne", "rnes", "ens"))


@lru_cache(maxsize=65536)
def compound_joints(word: str, language: str) -> tuple[int, ...]:
    """Where a compound's parts meet (after a linking s or e), as offsets
    into the word: the division into the fewest known parts (from the
    language's list in data/compounds/), the last one inflected; () when
    the word is not made of known parts."""
    parts = _parts(language)
    if not parts:
        return ()
    w = word.lower()
    n = len(w)

    @lru_cache(maxsize=None)
    def best(i: int):
        """Fewest parts covering w[i:], as the joints after i; None if none."""
        found = None
        for j in range(i + 2, n + 1):
            if w[i:j] not in parts:
                continue
            end = w[j:]
            doubled = j < n and w[j] == w[j - 1] and w[j + 1:] in ENDINGS
            if end in ENDINGS or doubled:
                return ()
            for link in LINKS:
                k = j + len(link)
                if w[j:k] == link and n - k >= 3:
                    rest = best(k)
                    if rest is not None and (found is None or len(rest) + 1 < len(found)):
                        found = (k,) + rest
        return found

    joints = best(0)
    if joints is None:  # an unknown beginning (a prefix, or the rest of a broken word), then known parts
        for start in range(LEFT, n - 3):
            rest = best(start)
            if rest is not None:
                return (start,) + rest
    return tuple(joints) if joints else ()


def runs_at(family: Family, text: str, style: str, size: float, colour, x: float, y: float,
            align: str, angle: float = 0.0) -> list[TextRun]:
    """One line of text at (x, y), aligned there; turned 90 degrees when `angle` is 90."""
    width = family.width(text, style, size) * PT_TO_MM
    shift = {"left": 0.0, "center": width / 2, "right": width}[align]
    if angle == 90:
        return [TextRun(x, y - shift, text, family.face(style), size, colour, 90.0)]
    return [TextRun(x - shift, y, text, family.face(style), size, colour)]
