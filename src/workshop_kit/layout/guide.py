"""The facilitator guide as data: the programme's clock times and the
materials to print, computed from the build's manifest. Pure functions:
data in, rows out; the drawing stage only sets them.

What gets printed (the office-printer route, one copy per group of every
deck and board the programme uses):

- a deck: its duplex office sheets (pages / 2 sheets a copy); its
  print-shop file is the alternative. A deck built for the print shop only
  is listed to be sent there.
- a board: its poster when the poster is on the office paper or has no
  tiles; otherwise its tiles on the office paper, taped together, with the
  poster as the alternative for an A3 printer or a print shop.
- a board's token sheets (cut out along the crop marks).
- one copy of a filled-in board where the guide asks for it (`print:
  filled` or `both`), to show; with `filled` the blank board is not printed.

Everything else is listed with why it is not printed: filled-in boards
(the record of a session, an example to show), SVG and PNG (for screens),
and the files of decks and boards the programme does not use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from workshop_kit.builtin import paper_size
from workshop_kit.file_kind import SCREEN_KINDS, FileKind
from workshop_kit.fonts import Family
from workshop_kit.printing import printed_duplex, sheets_of
from workshop_kit.problems import Problem

MINUTES_A_DAY = 24 * 60


# --- the programme -----------------------------------------------------------

def parse_clock(text: str) -> int:
    """'09:00' -> minutes after midnight."""
    hours, minutes = text.replace(".", ":").split(":")
    return int(hours) * 60 + int(minutes)


def clock(minutes: int) -> str:
    """Minutes after midnight -> '09:00' (past midnight it starts again)."""
    minutes %= MINUTES_A_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class PlanRow:
    start: str
    end: str
    minutes: int
    title: str
    tool: str | None
    who: str
    what: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    rows: tuple[PlanRow, ...]
    start: str
    end: str
    minutes: int  # the whole day


def plan(start: str, steps: Iterable) -> Plan:
    """The clock time of every step: each starts when the one before ends.

    `steps` have title, minutes, tool, who and what (a string, a list or None)."""
    begin = now = parse_clock(start)
    rows = []
    for step in steps:
        what = step.what if isinstance(step.what, list) else [step.what] if step.what else []
        rows.append(PlanRow(clock(now), clock(now + step.minutes), step.minutes, step.title,
                            step.tool, step.who or "", tuple(what)))
        now += step.minutes
    return Plan(tuple(rows), clock(begin), clock(now), now - begin)


# --- the text ------------------------------------------------------------------

def glyph_problems(source, family: Family) -> list[Problem]:
    """Every text of guide.yaml whose characters the kit's font lacks (the
    guide sets texts in regular and bold), at the text's line."""
    problems = []

    def visit(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                visit(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(item, path + (i,))
        elif isinstance(value, str):
            missing = family.missing(value, "regular") + family.missing(value, "bold")
            if missing:
                problems.append(source.problem(path, family.missing_message(missing)))

    visit(source.data, ())
    return problems


# --- materials -----------------------------------------------------------------

@dataclass(frozen=True)
class PrintItem:
    """A file to print: how many copies, and what that comes to."""

    path: str
    kind: str
    name: str            # the deck or board
    copies: int
    pages: int           # pages of one copy
    sheets: int | None   # sheets in all; None when it goes to a print shop
    paper: str           # paper name, or "card" for print-shop pages
    duplex: bool
    tokens: int = 0      # tokens to cut out, in all
    variant: str = ""    # a board's "blank" or "filled"


# Why a file of the build is not on the list to print.
PRINT_SHOP = "print-shop"    # the print-shop form of a deck printed at the office
POSTER = "poster"            # the whole poster, when its tiles are printed instead
TILES = "tiles"              # the tiles, when the poster is printed on office paper
FILLED = "filled"            # a filled-in board: the record of a session
BLANK = "blank"              # the blank board, when only the filled-in one is shown
DIGITAL = "digital"          # SVG and PNG, for screens and whiteboards
UNUSED = "unused"            # a deck or board the programme does not use
OTHER = "other"
REASONS = (PRINT_SHOP, POSTER, TILES, FILLED, BLANK, UNUSED, DIGITAL, OTHER)  # the order they are listed in


@dataclass(frozen=True)
class OtherFile:
    path: str
    kind: str
    name: str
    reason: str
    pages: int | None
    paper: str | None


@dataclass(frozen=True)
class SheetTotal:
    paper: str
    duplex: bool
    sheets: int


@dataclass(frozen=True)
class Materials:
    groups: int
    printed: tuple[PrintItem, ...]
    other: tuple[OtherFile, ...]
    totals: tuple[SheetTotal, ...]   # office sheets by paper and sides
    tokens: int
    post_its: int
    pens: int
    cutting: bool                     # crop marks or tile edges to cut along
    taped_boards: int                 # boards assembled from tiles
    tile_paper: str | None
    extra: tuple[str, ...]
    poster_paper: str | None = None   # the largest paper of the blank boards' posters the programme uses


def _area(paper: str) -> float:
    width, height = paper_size(paper)
    return width * height


def _name(entry: dict) -> str:
    return entry.get("deck") or entry.get("board") or ""


def absent_tools(used: Iterable[str], files: Sequence[dict]) -> list[str]:
    """The decks and boards of the programme that have no file in the
    output (after a build with --only into a new folder)."""
    present = {_name(f) for f in files}
    return [name for name in used if name not in present]


def materials(files: Sequence[dict], used: Sequence[str], *, groups: int, participants: int,
              post_its_per_participant: int, pens_per_participant: int, extra: Sequence[str],
              paper: str, per_group: Iterable[str] | None = None,
              filled: Iterable[str] = ()) -> Materials:
    """What to print and bring, from the manifest's files.

    `used` are the decks and boards of the programme, in the order of use;
    of these, `per_group` are printed once for each group (all by default)
    and `filled` once filled in. `paper` is the office paper."""
    used_set = set(used)
    per_group = used_set if per_group is None else set(per_group)
    filled = set(filled)
    files = [f for f in files if f.get("kind") not in (FileKind.GUIDE, FileKind.CARD_PICTURE)]  # (a picture a card)
    has_home = {_name(f) for f in files if f.get("kind") == FileKind.CARD_DECK and f.get("mode") == "home"}
    tiled = {(_name(f), f.get("variant")) for f in files if f.get("kind") == FileKind.BOARD_TILES}
    poster_on_office_paper = {(_name(f), f.get("variant")) for f in files
                              if f.get("kind") == FileKind.BOARD_POSTER and f.get("paper") == paper}

    printed: list[PrintItem] = []
    other: list[OtherFile] = []

    def skip(entry: dict, reason: str) -> None:
        other.append(OtherFile(entry["path"], entry.get("kind", ""), _name(entry), reason,
                               entry.get("pages"), entry.get("paper")))

    def add(entry: dict, duplex: bool, sheets: bool = True, tokens: int = 0, copies: int = groups) -> None:
        pages = int(entry.get("pages", 1))
        printed.append(PrintItem(entry["path"], entry["kind"], _name(entry), copies, pages,
                                 sheets_of(pages, duplex) * copies if sheets else None,
                                 entry.get("paper", ""), duplex, tokens * copies, entry.get("variant", "")))

    for entry in files:
        kind, name = entry.get("kind"), _name(entry)
        key = (name, entry.get("variant"))
        if kind in SCREEN_KINDS:
            skip(entry, DIGITAL)
        elif name not in used_set:
            skip(entry, UNUSED)
        elif kind == FileKind.BOARD_POSTER and entry.get("variant") == "filled":
            if name in filled:
                add(entry, duplex=False, copies=1)
            else:
                skip(entry, FILLED)
        elif name not in per_group:
            skip(entry, BLANK)
        elif kind == FileKind.CARD_DECK and entry.get("mode") == "home":
            add(entry, duplex=printed_duplex(entry))
        elif kind == FileKind.CARD_DECK:
            if name in has_home:
                skip(entry, PRINT_SHOP)
            else:
                add(entry, duplex=False, sheets=False)
        elif kind == FileKind.BOARD_POSTER:
            if key in tiled and key not in poster_on_office_paper:
                skip(entry, POSTER)
            else:
                add(entry, duplex=False)
        elif kind == FileKind.BOARD_TILES:
            if key in poster_on_office_paper:
                skip(entry, TILES)
            else:
                add(entry, duplex=False)
        elif kind == FileKind.TOKEN_SHEET:
            add(entry, duplex=False, tokens=int(entry.get("tokens", 0)))
        else:
            skip(entry, OTHER)

    order = {name: i for i, name in enumerate(used)}
    printed.sort(key=lambda item: order.get(item.name, len(order)))  # stable: manifest order within a tool

    totals: dict[tuple[str, bool], int] = {}
    for item in printed:
        if item.sheets is not None:
            totals[(item.paper, item.duplex)] = totals.get((item.paper, item.duplex), 0) + item.sheets
    tiles = [item for item in printed if item.kind == FileKind.BOARD_TILES]
    cut = any(item.kind in (FileKind.TOKEN_SHEET, FileKind.BOARD_TILES)
              or (item.kind == FileKind.CARD_DECK and item.sheets is not None) for item in printed)
    return Materials(
        groups=groups,
        printed=tuple(printed),
        other=tuple(sorted(other, key=lambda f: REASONS.index(f.reason))),
        totals=tuple(SheetTotal(p, d, n) for (p, d), n in sorted(totals.items(),
                                                                 key=lambda t: (t[0][0], not t[0][1]))),
        tokens=sum(item.tokens for item in printed),
        post_its=participants * post_its_per_participant,
        pens=participants * pens_per_participant,
        cutting=cut,
        taped_boards=sum(item.copies for item in tiles),
        tile_paper=tiles[0].paper if tiles else None,
        extra=tuple(extra),
        poster_paper=max((f["paper"] for f in files if f.get("kind") == FileKind.BOARD_POSTER and f.get("paper")
                          and f.get("variant") != "filled" and _name(f) in used_set),
                         key=lambda p: _area(p), default=None),
    )
