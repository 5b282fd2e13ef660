"""index.html: every card and board of a build, and how to print each file.

The page is made from the finished manifest alone, in the kit's language
(the `index_*` labels, which a kit may override). It works opened from
disk: the styles are inline, the pictures are relative files under
thumbs/, there is no script, and a Content-Security-Policy forbids any
fetch from the network, so one would fail visibly instead of leaking.

What the page shows is decided here, as a view model of plain data (which
tips, the print facts of each file, the order, the labels filled in, the
sizes and numbers as the kit's language writes them); the markup is
templates/index.html (with templates/index.css inlined), rendered by
Jinja2 with autoescape, so every text from the content or the labels is
escaped there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workshop_kit.file_kind import SCREEN_KINDS, FileKind
from workshop_kit.printing import cutting_label, fill_label, paper_name, printed_duplex, sheets_of

if TYPE_CHECKING:
    from jinja2 import Template

CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
OFFICE_PAPERS = ("a4", "letter")
KIND_ORDER = ("card-deck", "board-poster", "board-tiles", "token-sheet", "board-png", "board-svg")
FILE_TYPES = {".pdf": "PDF", ".svg": "SVG", ".png": "PNG"}
TEMPLATES = Path(__file__).parent / "templates"
# The labels the page shows as they are (no placeholders), by the template's name for them.
WORDS = ("title", "skip", "intro", "contents", "before", "guide", "guide_intro", "decks", "boards",
         "files", "cards", "filled", "footer", "captured")

Facts = list[tuple[str, str]]  # (term, text) pairs, shown as a <dl>


def index_page(manifest: dict[str, Any], labels: dict[str, str]) -> str:
    """The whole page as a string."""
    return _template().render(page=_Page(manifest, labels).view())


def prepare() -> None:
    """Import Jinja2 and compile the page's template now: a build does it
    while its workers draw, so that the page is written at once at the end."""
    _template()


@cache
def _template() -> Template:
    """The page's template, compiled once per process (and Jinja2 imported
    only by a build that writes the page). A name the view model lacks is
    an error, not an empty text."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True, auto_reload=False, undefined=StrictUndefined)
    return environment.get_template("index.html")


# --- the view model: what the template shows ------------------------------------------

@dataclass(frozen=True)
class Link:
    href: str
    text: str
    children: list[Link] = field(default_factory=list)  # a list under the link


@dataclass(frozen=True)
class FileItem:
    """A file of the build, and how to print or use it."""

    path: str
    badge: str  # PDF, SVG, PNG
    title: str
    filled: bool  # a board's filled-in variant
    facts: Facts


@dataclass(frozen=True)
class Face:
    """A card face: its rectangle of the deck's contact sheet (one picture for
    many faces), shown by an SVG whose view box is that rectangle; or, when
    `href` is None, its alt text in a box of the card's shape."""

    alt: str
    aspect: str  # "63 / 88": the card's shape, for the box of a missing picture
    href: str | None = None
    view_box: str = ""
    width: int = 0
    height: int = 0
    sheet_width: int = 0
    sheet_height: int = 0


@dataclass(frozen=True)
class Card:
    title: str
    faces: list[Face]


@dataclass(frozen=True)
class Deck:
    anchor: str  # the deck's name, in its ids
    name: str
    facts: Facts
    files: list[FileItem]
    cards: list[Card]


@dataclass(frozen=True)
class BoardPicture:
    """A variant of a board (blank, filled), or its alt text where the picture is missing."""

    caption: str
    alt: str
    src: str | None = None
    width: int = 0
    height: int = 0
    link: str | None = None  # the PNG the picture leads to
    portrait: bool = False


@dataclass(frozen=True)
class Captured:
    """What workshop-kit capture read from photos of the board: the
    straightened photos, where each token was placed, the tokens not found."""

    photos: list[BoardPicture]
    placements: list[tuple[str, str]]  # (token, where)
    not_found: str


@dataclass(frozen=True)
class Board:
    anchor: str
    title: str
    facts: Facts
    pictures: list[BoardPicture]
    files: list[FileItem]
    captured: Captured | None = None


@dataclass(frozen=True)
class View:
    lang: str
    csp: str
    title: str
    organisation: str
    words: dict[str, str]  # the labels in WORDS, by their short name
    nav: list[Link]
    tips: list[str]
    guides: list[FileItem]
    decks: list[Deck]
    boards: list[Board]


# --- what to show ------------------------------------------------------------------------

class _Page:
    def __init__(self, manifest: dict[str, Any], labels: dict[str, str]):
        self.kit = manifest.get("kit", {})
        self.labels = labels
        self.lang = self.kit.get("language", "da")
        self.files = manifest.get("files", [])
        decks = {d["deck"]: d for d in manifest.get("decks", [])}
        for card in manifest.get("cards", []):  # decks known only by their cards (an older manifest)
            decks.setdefault(card["deck"], {"deck": card["deck"], "name": card["deck"]})
        self.deck_of = decks
        self.decks = [decks[name] for name in sorted(decks)]
        self.cards = manifest.get("cards", [])
        self.boards = sorted(manifest.get("boards", []), key=lambda b: b["board"])

    # --- texts ---------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """A label with its {placeholders} filled in; a label a kit wrote
        with an unknown or broken placeholder is shown as it is."""
        return fill_label(self.labels, key, **values)

    def number(self, value: float) -> str:
        shown = f"{value:g}"
        return shown.replace(".", ",") if self.lang == "da" else shown

    def size(self, width: float, height: float) -> str:
        return f"{self.number(width)} × {self.number(height)} mm"

    # --- the page --------------------------------------------------------------

    def view(self) -> View:
        return View(lang=self.lang, csp=CSP, title=self.kit.get("title", ""),
                    organisation=self.kit.get("organisation", ""),
                    words={word: self.text(f"index_{word}") for word in WORDS},
                    nav=self.nav(), tips=self.tips(), guides=[self.file_item(f) for f in self.guides],
                    decks=[self.deck(d) for d in self.decks], boards=[self.board(b) for b in self.boards])

    def nav(self) -> list[Link]:
        items = [Link("#before", self.text("index_before"))]
        if self.guides:
            items.append(Link("#guide", self.text("index_guide")))
        if self.decks:
            items.append(Link("#decks", self.text("index_decks"),
                              [Link(f"#deck-{d['deck']}", d.get("name", d["deck"])) for d in self.decks]))
        if self.boards:
            items.append(Link("#boards", self.text("index_boards"),
                              [Link(f"#board-{b['board']}", b.get("title", b["board"])) for b in self.boards]))
        return items

    def tips(self) -> list[str]:
        """What to know before printing: the test print of a duplex file only
        when some file is printed on both sides at home."""
        duplex = self.kit.get("duplex", "long-edge")
        other = "short-edge" if duplex == "long-edge" else "long-edge"
        tips = [self.text("index_tip_scale")]
        if any(f.get("mode") == "home" and printed_duplex(f) for f in self.files):
            tips += [self.text("index_tip_test", other=other), self.text("index_tip_manual")]
        return tips

    @property
    def guides(self) -> list[dict]:
        return [f for f in self.files if f.get("kind") == "guide"]

    # --- decks -----------------------------------------------------------------

    def deck(self, deck: dict) -> Deck:
        name = deck["deck"]
        cards = [c for c in self.cards if c["deck"] == name]
        facts = [(self.text("index_card_count"), str(len(cards)))]
        if deck.get("type"):
            facts.append((self.text("index_type"), self.labels.get(deck["type"], deck["type"])))
        if deck.get("size_mm"):
            facts.append((self.text("index_size"), self.size(*deck["size_mm"])))
        files = sorted((f for f in self.files if f.get("deck") == name and f.get("kind") != FileKind.CARD_PICTURE),
                       key=lambda f: (_kind_rank(f), f.get("mode") != "home", f["path"]))
        return Deck(name, deck.get("name", name), facts, [self.file_item(f) for f in files],
                    [self.card(card) for card in cards])

    def card(self, card: dict) -> Card:
        title = card.get("title", card["id"])
        thumbs = card.get("thumbnails", {})
        width, height = card.get("size_mm", (63, 88))
        return Card(title, [_face(thumbs.get(side), f"{title} – {self.text('index_' + side)}",
                                  f"{width:g} / {height:g}") for side in ("front", "back")])

    # --- boards ----------------------------------------------------------------

    def board(self, board: dict) -> Board:
        name = board["board"]
        title = board.get("title", name)
        files = [f for f in self.files if f.get("board") == name]
        variants = sorted({f.get("variant", "blank") for f in files} | set(board.get("thumbnails", {})),
                          key=lambda v: (v != "blank", v))
        files.sort(key=lambda f: (f.get("kind") in SCREEN_KINDS, f.get("variant") != "blank",
                                  _kind_rank(f), f["path"]))
        pngs = {f.get("variant"): f["path"] for f in files if f.get("kind") == "board-png"}
        pictures = []
        for variant in variants:
            thumb = board.get("thumbnails", {}).get(variant)
            caption = self.text(f"index_{variant}")
            alt = f"{title} – {caption}"
            if not thumb:
                pictures.append(BoardPicture(caption, alt))
                continue
            width, height = thumb["pixels"]
            pictures.append(BoardPicture(caption, alt, thumb["path"], width, height, pngs.get(variant),
                                         portrait=height > width))
        facts = [(self.text("index_type"), self.labels.get(board.get("type", ""), board.get("type", "")))]
        return Board(name, title, facts, pictures, [self.file_item(f) for f in files],
                     self.captured(board["capture"], title) if board.get("capture") else None)

    def captured(self, record: dict, title: str) -> Captured:
        from workshop_kit.output.captures import where

        width, height = record.get("pixels") or (0, 0)
        caption = self.text("index_captured_photo")
        photos = [BoardPicture(caption, f"{title} – {caption}", path, width, height, path)
                  for path in record.get("photos", [])]
        placements = [(str(p.get("name", p.get("id", ""))), where(p, self.labels)) for p in record["placements"]]
        missing = ", ".join(str(p.get("name", p.get("id", ""))) for p in record["not_found"])
        return Captured(photos, placements, self.text("index_not_found", names=missing) if missing else "")

    # --- files and how to print them ---------------------------------------------

    def file_item(self, entry: dict) -> FileItem:
        path = entry["path"]
        kind = entry.get("kind", "")
        key = "index_kind_" + kind.replace("-", "_") + (f"_{entry['mode']}" if kind == "card-deck" else "")
        title = self.text(key, paper=paper_name(entry.get("paper", "")))
        if title == key:  # a kind of file this page has no words for
            title = path.rsplit("/", 1)[-1]
        return FileItem(path, FILE_TYPES.get(path[path.rfind("."):].lower(), ""), title,
                        entry.get("variant") == "filled", self.how_to_print(entry))

    def how_to_print(self, entry: dict) -> Facts:
        """(term, text) pairs that tell how to print this file."""
        kind, t = entry.get("kind"), self.text
        pages = entry.get("pages")
        if kind == "card-deck" and entry.get("mode") == "shop":
            size = self._card_size(entry["deck"])
            bleed = self.number(self.kit.get("bleed_mm", 3))
            return [(t("index_shop"), t("index_shop_send")),
                    (t("index_size"), t("index_card_size", size=size, bleed=bleed)),
                    (t("index_pages"), str(pages)),
                    (t("index_cut"), t("index_trim_bleed", size=size, bleed=bleed))]
        if kind == "board-svg":
            return [(t("index_use"), t("index_use_svg"))]
        if kind == "board-png":
            width, height = entry.get("pixels", ("?", "?"))
            return [(t("index_use"), t("index_use_png", width=width, height=height))]
        if pages is None:
            return []
        duplex = printed_duplex(entry)
        sides = (t("index_duplex_" + self.kit.get("duplex", "long-edge").replace("-", "_"))
                 if duplex else t("index_single_sided"))
        facts = [(t("index_paper"), self.paper(entry)), (t("index_printing"), sides),
                 (t("index_scale"), t("index_actual_size"))]
        if duplex:
            facts.append((t("index_pages"), str(pages)))
        facts.append((t("index_sheets"), str(sheets_of(pages, duplex))))
        office = entry.get("paper") in OFFICE_PAPERS
        facts.append((t("index_printer"), t("index_office_printer") if office
                      else t("index_large_printer", paper=paper_name(entry.get("paper", "")))))
        if kind == "card-deck":
            key, values = cutting_label(entry)
            cut = t(key, **values)
        elif kind == "board-tiles":
            cut = t("index_cut_tiles", pages=pages, rows=entry.get("rows"), columns=entry.get("columns"),
                    overlap=self.number(entry.get("overlap_mm", 0)))
        elif kind == "token-sheet":
            cut = t("index_cut_tokens", tokens=entry.get("tokens"))
        else:
            cut = t("index_cut_none")
        facts.append((t("index_cut"), cut))
        return facts

    def paper(self, entry: dict) -> str:
        name = paper_name(entry.get("paper", ""))
        size = entry.get("page_size_mm") or (entry.get("size_mm") if entry.get("kind") == "board-poster" else None)
        if not size:
            return name
        width, height = size
        orientation = self.text("index_landscape" if width > height else "index_portrait")
        return f"{name}, {orientation} ({self.size(width, height)})"

    def _card_size(self, deck: str) -> str:
        size = self.deck_of.get(deck, {}).get("size_mm")
        size = size or next((c["size_mm"] for c in self.cards if c["deck"] == deck), None)
        return self.size(*size) if size else ""


def _kind_rank(entry: dict) -> int:
    kind = entry.get("kind")
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _face(thumb: dict | None, alt: str, aspect: str) -> Face:
    if not thumb:
        return Face(alt, aspect)
    (width, height), (left, top), (sheet_w, sheet_h) = thumb["pixels"], thumb["at"], thumb["sheet_pixels"]
    return Face(alt, aspect, thumb["path"], f"{left} {top} {width} {height}", width, height, sheet_w, sheet_h)
