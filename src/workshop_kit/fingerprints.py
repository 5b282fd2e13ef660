"""What a build's files depend on, as short digests.

Two kinds of fingerprint let a rebuild skip work:

* `inputs_digest`: the bytes of every YAML file of the kit, the build's
  options and the toolkit itself. When it equals the last build's, nothing
  can have changed, and the build is done before the content model is even
  imported.
* `deck_key`, `board_key`: what one deck's or board's files depend on, computed
  from the checked content. A deck whose key equals the last build's keeps
  its files, and only the decks and boards that changed are laid out and
  drawn again.

The toolkit's own files (code, data, default templates) are part of every
fingerprint, by size and modification time, so an upgrade rebuilds all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from workshop_kit import __version__

PACKAGE = Path(__file__).resolve().parent
KIT_PATTERNS = ("kit.yaml", "guide.yaml", "decks/*.yaml", "boards/*.yaml",
                "templates/*.yaml", "templates/boards/*.yaml", "layouts/*.yaml", "pictures/*", "pictures/**/*")


def digest(*parts: Any) -> str:
    """A short, stable digest of JSON-like data (pydantic models included)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _plain(value: Any) -> Any:
    """JSON for what json does not know, the same in every process (no
    reprs of sets, whose order changes with each process's string hashes)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value):
        # (a field left out of comparisons, such as a picture's bytes, is left out here too)
        return [type(value).__name__, {f.name: getattr(value, f.name) for f in dataclasses.fields(value)
                                       if f.compare}]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    return repr(value)


@cache
def toolkit() -> str:
    """The version and the state of every file of the installed toolkit."""
    from workshop_kit.builtin import default_templates_dir

    entries = [__version__]
    for folder in (PACKAGE, default_templates_dir()):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                stat = path.stat()
                entries.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(entries)


def kit_files(root: Path) -> list[Path]:
    """Every YAML file a build of the kit reads, and whatever else stands
    under those names (a folder, a link out of the kit), which the build
    reports as a problem."""
    found: set[Path] = set()
    for pattern in KIT_PATTERNS:
        found.update(p for p in root.glob(pattern) if p.exists())
    return sorted(found)


def build_options(only, paper, modes, poster, tile_paper, dpi, card_pictures=None, pdfx=None) -> dict[str, Any]:
    """The options of a build that change what it writes."""
    return {"only": sorted(set(only)), "paper": paper, "modes": sorted(modes), "poster": poster,
            "tile": tile_paper, "dpi": dpi, "card_pictures": card_pictures, "pdfx": pdfx}


def inputs_digest(root: Path, options: dict[str, Any]) -> str:
    """Everything a whole build reads: the kit's files, the options, the toolkit."""
    hasher = hashlib.sha256()
    hasher.update(toolkit().encode())
    hasher.update(digest(options).encode())
    inside = os.path.realpath(root) + os.sep
    for path in kit_files(root):
        hasher.update(str(path.relative_to(root)).encode() + b"\0")
        if not path.is_file() or not os.path.realpath(path).startswith(inside):
            hasher.update(b"not a file of the kit\0")  # a folder or a link out of the kit: not read here
            continue
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                hasher.update(block)
        hasher.update(b"\0")
    return hasher.hexdigest()[:24]


def files_intact(out: Path, entries: Iterable[dict[str, Any]]) -> bool:
    """Every file of a manifest is there with the size the manifest gives."""
    for entry in entries:
        try:
            size = os.stat(out / entry["path"]).st_size
        except (OSError, KeyError):
            return False
        if "bytes" in entry and entry["bytes"] != size:
            return False
    return True


def deck_key(checked, deck, options: dict[str, Any]) -> str:
    """What a deck's files depend on: its cards, the titles of the cards it
    links to, its template, the kit's settings, labels and theme, the options."""
    titles = checked.content.card_titles
    card_type = checked.content.card_types[deck.type]
    linked = {kind: titles.get(kind, {}) for kind in card_type.links.values()}
    return digest(_kit_part(checked), "deck", deck.slug, deck.type, card_type.fields, deck.name, deck.description,
                  deck.size, deck.colour, deck.qr_urls, deck.cards, linked,
                  checked.templates[deck.type].template, options)


def board_key(checked, board, options: dict[str, Any]) -> str:
    """What a board's files depend on: its content, a board it takes rows
    from, its template, the kit's settings, labels and theme, the options."""
    source = getattr(board.model, "partners_from", None)
    borrowed = checked.content.board(source).model if source else None
    return digest(_kit_part(checked), "board", board.slug, board.type, board.model, board.qr_url,
                  borrowed, checked.board_templates[board.type].template, options)


def faces_key(card) -> str:
    """What a card's thumbnails show: its laid-out front and back. Their
    repr is the digest's text: the faces are frozen dataclasses of numbers,
    strings and tuples, whose repr names every field (a picture by its
    bytes' digest, a QR code by its modules) and is the same in every
    process; it is made in a third of the time json takes."""
    return hashlib.sha256(repr((card.front, card.back)).encode("utf-8")).hexdigest()[:24]


def guide_key(checked, files: list[dict[str, Any]], paper: str) -> str:
    """What the facilitator guide depends on: guide.yaml, the decks and
    boards it describes, and the files of the build it counts (not their
    bytes or pixels: it is keyed before they are drawn)."""
    content = checked.content
    counted = [{k: v for k, v in f.items() if k not in ("bytes", "pixels", "inputs")} for f in files]
    return digest(_kit_part(checked), "guide", content.guide.model, content.guide.qr_url,
                  [(d.slug, d.name, d.description, len(d.cards)) for d in content.decks],
                  [b.model for b in content.boards], counted, paper)


def _kit_part(checked) -> str:
    content = checked.content
    pictures = content.pictures.digests() if content.pictures else {}
    return digest(toolkit(), content.kit, content.labels, content.colours, _font_files(checked.family), pictures)


def _font_files(family) -> list[str]:
    return [f"{style}:{os.stat(path).st_size}:{os.stat(path).st_mtime_ns}"
            for style, path in sorted(family.files().items())]
