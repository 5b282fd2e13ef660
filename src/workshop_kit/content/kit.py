"""Load a kit directory: kit.yaml and decks/*.yaml, checked as a whole."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workshop_kit.builtin import builtin
from workshop_kit.content.model import (
    CARD_MODELS, LINKS, Card, CMYK, DeckHead, Kit, Size, check_hex,
)
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import Source, read_yaml
from workshop_kit.problems import ContentError, Problem, display_path

PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")


@dataclass(frozen=True)
class Deck:
    slug: str
    file: str
    type: str
    name: str
    description: str
    size: Size
    colour: Any  # hex string or CMYK
    qr_enabled: bool
    cards: tuple[Card, ...]
    qr_urls: tuple[str | None, ...]
    source: Source = field(repr=False, compare=False)

    def card_line(self, index: int, path: tuple = ()) -> tuple[int | None, int | None]:
        return self.source.where(("cards", index) + path)


@dataclass(frozen=True)
class KitContent:
    root: Path
    kit: Kit
    colours: dict[str, Any]
    labels: dict[str, str]
    decks: tuple[Deck, ...]

    @property
    def cards_by_type(self) -> dict[str, dict[str, Card]]:
        out: dict[str, dict[str, Card]] = {}
        for deck in self.decks:
            for card in deck.cards:
                out.setdefault(deck.type, {}).setdefault(card.id, card)
        return out

    @property
    def placeholder_urls(self) -> bool:
        """True while any follow-up URL still points at a documentation host."""
        for deck in self.decks:
            for url in deck.qr_urls:
                if url and _host(url) in PLACEHOLDER_HOSTS:
                    return True
        return False


def _host(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def load_kit(root: Path) -> KitContent:
    """The validated kit, or ContentError with every problem found."""
    root = Path(root)
    problems: list[Problem] = []
    kit_file = root / "kit.yaml"
    if not kit_file.is_file():
        raise ContentError([Problem(display_path(kit_file, Path.cwd()), None, None, "",
                                    "no kit.yaml here; is this a workshop-kit folder?")])
    kit_src = read_yaml(kit_file, "kit.yaml", problems)
    kit = validate(kit_src, Kit, problems) if kit_src else None

    sizes = builtin("card_sizes")
    default_size = _size(kit.card_size, kit_src, ("card_size",), sizes, problems) if kit else None
    colours = dict(builtin("theme")["colours"])
    labels = dict(builtin(f"labels/{kit.language if kit else 'da'}"))
    if kit:
        colours.update(kit.theme.colours)
        for key, text in kit.labels.items():
            if key not in labels:
                problems.append(kit_src.problem(("labels", key), _unknown("label", key, labels), key=True))
            labels[key] = text

    decks: list[Deck] = []
    deck_files = sorted((root / "decks").glob("*.yaml")) if (root / "decks").is_dir() else []
    for path in deck_files:
        deck = _load_deck(path, root, kit, default_size, sizes, problems)
        if deck:
            decks.append(deck)
    if not deck_files:
        problems.append(Problem("decks/", None, None, "", "no deck files (decks/*.yaml) found"))

    _check_links(decks, problems)
    if problems:
        raise ContentError(problems)
    return KitContent(root, kit, colours, labels, tuple(decks))


def _unknown(what: str, name: str, known) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"unknown {what} '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")


def _size(value, source: Source, path: tuple, sizes: dict, problems: list) -> Size | None:
    if isinstance(value, Size):
        return value
    if value in sizes:
        return Size(**sizes[value])
    problems.append(source.problem(path, _unknown("card size", value, sizes)
                                   + f" (presets: {', '.join(sizes)}; or give width and height in mm)"))
    return None


def _load_deck(path: Path, root: Path, kit: Kit | None, default_size, sizes, problems) -> Deck | None:
    shown = display_path(path, root)
    source = read_yaml(path, shown, problems)
    if source is None:
        return None
    slug = path.stem
    if not _is_slug(slug):
        problems.append(Problem(shown, None, None, "",
                                "a deck file name must be lowercase a-z, digits and hyphens (it is used in URLs)"))
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "a deck file must be a mapping with type, name and cards"))
        return None
    head = validate(source, DeckHead, problems)
    raw_cards = source.data.get("cards")
    if head is None:
        # Check the cards too, so that one run shows every problem.
        if isinstance(raw_cards, list) and source.data.get("type") in CARD_MODELS:
            _validate_cards(source, source.data["type"], raw_cards, problems)
        return None
    cards = _validate_cards(source, head.type, raw_cards, problems)
    size = _size(head.card_size, source, ("card_size",), sizes, problems) if head.card_size else default_size
    colour = head.colour
    if isinstance(colour, str):
        try:
            colour = check_hex(colour)
        except ValueError as exc:
            problems.append(source.problem(("colour",), str(exc)))
    if cards is None or size is None or kit is None:
        return None
    urls = tuple(
        _qr_url(kit, head, slug, card, source, i, problems) if head.qr.enabled else None
        for i, card in enumerate(cards)
    )
    return Deck(slug, shown, head.type, head.name, head.description, size, colour,
                head.qr.enabled, tuple(cards), urls, source)


def _is_slug(text: str) -> bool:
    return re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", text) is not None


def _validate_cards(source: Source, type_: str, raw_cards: list, problems: list) -> list[Card] | None:
    model = CARD_MODELS[type_]
    cards: list[Card] = []
    seen: dict[str, int] = {}
    ok = True
    for i, raw in enumerate(raw_cards):
        found: list[Problem] = []
        card = validate(source, model, found, data=raw, prefix=("cards", i))
        card_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(card_id, str):  # name the card in its problems
            found = [replace(p, field=p.field.replace(f"cards[{i}]", f"cards[{i}] (id: {card_id})", 1))
                     for p in found]
        problems.extend(found)
        if card is None:
            ok = False
            continue
        if card.id in seen:
            line, _ = source.where(("cards", seen[card.id], "id"))
            problems.append(source.problem(("cards", i, "id"),
                                           f"duplicate id '{card.id}' (first used on line {line})"))
            ok = False
        seen.setdefault(card.id, i)
        cards.append(card)
    return cards if ok else None


def _qr_url(kit: Kit, head: DeckHead, slug: str, card: Card, source: Source, i: int, problems) -> str | None:
    template = card.qr_url or head.qr.url or kit.follow_up.url
    url = template.format(kit=kit.id, deck=slug, card=card.id, lang=kit.language)
    return url


def _check_links(decks: list[Deck], problems: list) -> None:
    ids: dict[str, list[str]] = {}
    for deck in decks:
        ids.setdefault(deck.type, []).extend(card.id for card in deck.cards)
    for deck in decks:
        for field_name, target in LINKS.get(deck.type, {}).items():
            for i, card in enumerate(deck.cards):
                for j, ref in enumerate(getattr(card, field_name)):
                    if ref in ids.get(target, []):
                        continue
                    known = ids.get(target, [])
                    message = f"no {target} card has the id '{ref}'"
                    hint = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
                    if hint:
                        message += f"; did you mean '{hint[0]}'?"
                    elif not known:
                        message += f" (the kit has no {target} deck)"
                    problems.append(deck.source.problem(("cards", i, field_name, j), message))
