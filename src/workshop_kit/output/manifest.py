"""manifest.json: every file of a build, and for every card where it went."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from workshop_kit.file_kind import FileKind

if TYPE_CHECKING:  # (a rebuild with nothing changed reads the manifest without the pipeline)
    from workshop_kit.impose.plan import Sheets


def pictures_of(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The picture files of the thumbnails of these deck and board entries:
    the decks' contact sheets and the boards' pictures (path, pixels, bytes)."""
    return [t for entry in entries
            for t in [*entry.get("thumbnail_sheets", []), *entry.get("thumbnails", {}).values()]]


@dataclass
class Manifest:
    kit: dict[str, Any]
    files: list[dict[str, Any]] = field(default_factory=list)
    cards: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    boards: dict[str, dict[str, Any]] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)
    decks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_deck(self, deck: str, name: str, kind: str, cards: int, size: tuple[float, float],
                 copies: int = 1, printed: int | None = None) -> None:
        """`copies` of the whole deck are printed, `printed` cards in all (copies of cards counted)."""
        self.decks[deck] = {"deck": deck, "name": name, "type": kind, "cards": cards,
                            "size_mm": [size[0], size[1]], "copies": copies,
                            "printed": cards * copies if printed is None else printed}

    def add_card(self, deck: str, card_id: str, title: str, qr_url: str | None,
                 size: tuple[float, float], copies: int = 1) -> dict[str, Any]:
        """`copies`: how many of the card each file prints (the deck's copies counted)."""
        entry = self.cards[(deck, card_id)] = {
            "deck": deck, "id": card_id, "title": title, "qr_url": qr_url,
            "size_mm": [size[0], size[1]], "copies": copies, "placements": [],
        }
        return entry

    def add_sheets(self, name: str, kind: FileKind, deck: str, sheets: Sheets,
                   cards: list[tuple[str, str]]) -> None:
        self.files.append({
            "path": name, "kind": kind, "deck": deck, "mode": sheets.mode,
            "paper": sheets.paper, "pages": len(sheets.pages),
            "cards_per_sheet": sheets.per_sheet,
            "page_size_mm": [round(sheets.pages[0].width, 3), round(sheets.pages[0].height, 3)],
            **({"layout": sheets.layout} if sheets.layout else {}),
        })
        for number, page in enumerate(sheets.pages, start=1):
            for p in page.placements:
                deck_slug, card_id = cards[p.item]
                card = self.cards[(deck_slug, card_id)]
                width, height = card["size_mm"]
                placed = {"file": name, "page": number, "side": p.side,
                          # the trim as it stands on the page: a turned card's width and height swap
                          "trim_mm": [round(v, 3) for v in (p.x, p.y, *((height, width) if p.rotation in (90, 270)
                                                                         else (width, height)))]}
                if p.rotation:
                    placed["rotation"] = p.rotation
                card["placements"].append(placed)

    def add_board(self, board: str, kind: str, title: str, qr_url: str | None) -> None:
        self.boards[board] = {"board": board, "type": kind, "title": title, "qr_url": qr_url}

    def add_file(self, **entry: Any) -> None:
        self.files.append(entry)

    def carry_over(self, carried: dict[str, Any], order: list[str]) -> None:
        """Add the entries an earlier build made of the parts not rebuilt now,
        and put everything in the kit's order, so that the manifest of a
        partial rebuild reads like that of a whole build."""
        for card in carried["cards"]:
            self.cards.setdefault((card["deck"], card["id"]), card)
        for board in carried["boards"]:
            self.boards.setdefault(board["board"], board)
        for deck in carried["decks"]:
            self.decks.setdefault(deck["deck"], deck)
        rank = {part: n for n, part in enumerate(order)}
        cards = sorted(self.cards.items(), key=lambda item: rank.get(item[0][0], len(rank)))
        self.cards = dict(cards)  # sorted() is stable: each deck keeps its card order
        self.boards = dict(sorted(self.boards.items(), key=lambda item: rank.get(item[0], len(rank))))
        self.decks = dict(sorted(self.decks.items(), key=lambda item: rank.get(item[0], len(rank))))
        self.files.sort(key=lambda f: f["path"])
        # what the jobs recorded in the order they finished, in an order of its own
        for card in self.cards.values():
            card["placements"].sort(key=lambda p: (p["file"], p["page"]))
        for deck in self.decks.values():
            deck.get("thumbnail_sheets", []).sort(key=lambda t: t["path"])
        for board in self.boards.values():
            if "thumbnails" in board:
                board["thumbnails"] = dict(sorted(board["thumbnails"].items(), key=lambda v: v[0] != "blank"))

    def add_thumbnail_sheet(self, deck: str, path: str, pixels: tuple[int, int], size: int, faces: str) -> None:
        """A contact sheet of the deck's thumbnails; `faces`: what it shows (its key)."""
        self.decks[deck].setdefault("thumbnail_sheets", []).append(
            {"path": path, "pixels": list(pixels), "bytes": size, "faces": faces})

    def add_card_thumbnail(self, deck: str, card_id: str, side: str, path: str, pixels: tuple[int, int],
                           at: tuple[int, int], sheet: tuple[int, int]) -> None:
        """A face's picture: the rectangle of `pixels` (width, height) at
        `at` (left, top) on the contact sheet `path` of `sheet` pixels."""
        thumbnails = self.cards[(deck, card_id)].setdefault("thumbnails", {})
        thumbnails[side] = {"path": path, "pixels": list(pixels), "at": list(at), "sheet_pixels": list(sheet)}

    def add_board_thumbnail(self, board: str, variant: str, path: str, pixels: tuple[int, int],
                            size: int) -> None:
        thumbnails = self.boards[board].setdefault("thumbnails", {})
        thumbnails[variant] = {"path": path, "pixels": list(pixels), "bytes": size}

    def paths(self) -> set[str]:
        """Every file the manifest names: the files and the thumbnails' pictures."""
        return {f["path"] for f in [*self.files, *pictures_of([*self.decks.values(), *self.boards.values()])]}

    def data(self) -> dict[str, Any]:
        """Everything the manifest says, as plain data (what manifest.json holds)."""
        return {"kit": self.kit, "build": self.build, "decks": list(self.decks.values()), "files": self.files,
                "cards": list(self.cards.values()), "boards": list(self.boards.values())}

    def to_json(self) -> bytes:
        """manifest.json: each top-level entry, and each item of its lists,
        on a line of its own (compact JSON within: json's indented output is
        written by its pure-Python encoder, five times slower, and a 1000-card
        manifest took 0.05 s)."""
        lines = []
        for key, value in self.data().items():
            if isinstance(value, list) and value:
                items = ",\n".join("    " + _compact(item) for item in value)
                lines.append(f"  {_compact(key)}: [\n{items}\n  ]")
            else:
                lines.append(f"  {_compact(key)}: {_compact(value)}")
        return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

