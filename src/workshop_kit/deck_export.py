"""A deck file as a spreadsheet: decks/NAME.yaml -> .xlsx or .csv, one row
per card, headed as `import` reads it, so that importing the sheet over the
deck gives the same cards.

The headers are the labels the cards print in the kit's language (the
field name where a field has no label); list fields take one item per line.
The file is written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workshop_kit.build import UsageError
from workshop_kit.content.card_type import type_labels
from workshop_kit.content.kit import Deck, load_kit
from workshop_kit.content.spreadsheet import card_columns, citation_cell_item, column_headers, item_cell
from workshop_kit.output.files import Staging
from workshop_kit.problems import ContentError, Problem, did_you_mean
from workshop_kit.serve.export import to_csv, to_xlsx  # as the answers are written for Excel

EXPORT_SUFFIXES = (".xlsx", ".csv")
SHOWN_IF_USED = ("qr_url", "form_url", "code", "copies", "picture", "sources")  # columns only when a card fills them in


@dataclass
class Exported:
    path: Path
    deck: Deck
    rows: list[list[str]]  # the header row, then one row per card


def export_deck(kit: Path, deck: str, target: Path) -> Exported:
    """Write the deck to target (.xlsx or .csv); UsageError or ContentError if it cannot."""
    suffix = target.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(f"{target.name}: give a file name that ends in .xlsx or .csv")
    if not (kit / "kit.yaml").is_file():
        raise UsageError(f"no kit.yaml in '{kit}'; give the kit's folder with --kit")
    content = load_kit(kit)
    found = content.deck(deck)
    if found is None:
        slugs = [d.slug for d in content.decks]
        raise UsageError(f"no deck '{deck}' in {kit}{did_you_mean(deck, slugs)} (decks: {', '.join(slugs)})")
    rows = deck_rows(found, content.card_types[found.type].model, content.kit.language,
                     type_labels(content.labels, found.type))
    if suffix == ".csv":
        data = to_csv(rows, content.kit.language)
    else:
        data = to_xlsx(rows, found.slug)
    target = target.resolve()
    with Staging(target.parent) as staging:
        staging.write(target.name, data)
        staging.commit()
    return Exported(target, found, rows)


def deck_rows(deck: Deck, model, language: str, labels: dict[str, str]) -> list[list[str]]:
    """The header row and a row of texts for each card (of the card model
    `model`), as they are in the deck file."""
    cards = deck.source.data["cards"]
    forms = [Problem(deck.file, *deck.card_line(i, ("form",)), f"cards[{i}].form",
                     f"card '{card.get('id')}' has a follow-up form of its own, which a spreadsheet "
                     "cannot hold; keep this deck in YAML, or move the form to the deck")
             for i, card in enumerate(cards) if "form" in card]
    if forms:
        raise ContentError(forms)
    headers = column_headers(model, language, labels)
    columns = [name for name in card_columns(model) if name != "form"
               and (name not in SHOWN_IF_USED or any(_value(card, name) is not None for card in cards))]
    return [[headers[name] for name in columns]] + [[_cell(card, name) for name in columns] for card in cards]


def _value(card: dict, column: str):
    top, _, sub = column.partition(".")
    value = card.get(top)
    return value.get(sub) if sub and isinstance(value, dict) else value


def _cell(card: dict, column: str) -> str:
    value = _value(card, column)
    if value is None:
        return ""
    if isinstance(value, list) and column == "sources":
        return "\n".join(citation_cell_item(item) for item in value if isinstance(item, dict))
    if isinstance(value, list):
        return item_cell([str(item) for item in value])
    return str(value)
