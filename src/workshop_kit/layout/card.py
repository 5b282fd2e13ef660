"""A card and its template -> the two faces of the card, as boxes in mm."""

from __future__ import annotations

from workshop_kit.content import Deck, KitContent
from workshop_kit.content.follow_up import deck_url_setting
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import CardFaces
from workshop_kit.layout.colours import Palette
from workshop_kit.layout.face import FaceBuilder, Subject, short_url
from workshop_kit.layout.template import LoadedTemplate
from workshop_kit.problems import Problem

# What a card template's fixed texts can use: the keys of CardLayout._values.
# (The element kinds a card can draw are those registered for cards.)
CARD_PLACEHOLDERS = frozenset({"title", "deck", "n", "total", "number", "kit", "organisation", "type", "url"})


class CardLayout:
    """Lays out the cards of a kit's decks with their templates."""

    def __init__(self, kit: KitContent, templates: dict[str, LoadedTemplate], family: Family):
        self.kit = kit
        self.templates = templates
        self.builder = FaceBuilder(kit, family)

    def cards(self, deck: Deck, start: int = 0, end: int | None = None
              ) -> tuple[list[CardFaces], list[Problem]]:
        """Faces of the deck's cards start..end, and the problems found."""
        template = self.templates[deck.type]
        palette = Palette(self.kit.colours, deck.type, deck.colour)
        width, height = deck.size.width, deck.size.height
        growth = template.template.growth(width, height)
        out: list[CardFaces] = []
        problems: list[Problem] = []
        for i in range(start, len(deck.cards) if end is None else end):
            card = deck.cards[i]
            subject = Subject(card, deck.type, deck.qr_urls[i], self._values(deck, i),
                              _card_problem(deck, i), palette, found_on=("card", f"{deck.slug}/{card.id}"),
                              setting=_card_setting(self.kit, deck, i), peers=deck.cards, growth=growth)
            front, back = (self.builder.face(template.face(side), width, height, subject, problems)
                           for side in ("front", "back"))
            out.append(CardFaces(deck.slug, card.id, card.title, subject.url, front, back))
        return out, problems

    def _values(self, deck: Deck, index: int) -> dict[str, str]:
        url = deck.qr_urls[index]
        return {
            "title": deck.cards[index].title,
            "deck": deck.name,
            "n": str(index + 1),
            "total": str(len(deck.cards)),
            "number": self.kit.labels["number"].format(n=index + 1, total=len(deck.cards)),
            "kit": self.kit.kit.title,
            "organisation": self.kit.kit.organisation,
            "type": self.kit.labels.get(deck.type, deck.type),
            "url": short_url(url) if url else "",
        }


def card_size_setting(kit: KitContent, deck: Deck) -> tuple:
    """(source, path) of where a deck's card size is set: the deck or kit.yaml."""
    if isinstance(deck.source.data, dict) and "card_size" in deck.source.data:
        return deck.source, ("card_size",)
    return kit.kit_source, ("card_size",)


def _card_setting(kit: KitContent, deck: Deck, index: int):
    def setting(name: str, message: str) -> Problem | None:
        if name == "url":
            source, path = deck_url_setting(kit, deck, index)
        elif name == "card_size":
            source, path = card_size_setting(kit, deck)
        else:
            return None
        return source.problem(path, message)

    return setting


def _card_problem(deck: Deck, index: int):
    card_id = deck.cards[index].id

    def problem(path: tuple, message: str) -> Problem:
        line, column = deck.card_line(index, path)
        field = f"cards[{index}] (id: {card_id})" + ("." + ".".join(path) if path else "")
        return Problem(deck.file, line, column, field, f"deck '{deck.slug}': {message}")

    return problem
