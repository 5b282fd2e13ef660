"""JSON Schemas of the kit's YAML files, for editors that check and complete
as you type, and the modeline that tells the editor which schema a file uses.

Each kind of content file is one entry in KINDS: where such files sit in a kit and
the pydantic model they are checked against. The schema is the model's own
JSON Schema (draft 2020-12); what is checked outside pydantic (card size
presets, label names, colours, URLs) is declared for the schema beside the
fields in the models, and links between cards are left to `workshop-kit validate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import GenericAlias
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from workshop_kit.builtin import default_templates_dir
from workshop_kit.content.boards import BOARD_MODELS
from workshop_kit.content.card_type import CardType, load_card_types
from workshop_kit.content.guide import GuideModel
from workshop_kit.content.model import DeckHead, Kit
from workshop_kit.content.yaml_source import read_yaml

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = "schemas"
MODELINE_START = "# yaml-language-server:"


@dataclass(frozen=True)
class YamlKind:
    """A kind of YAML file: the folder it sits in (relative to the kit) and its model."""

    folder: str
    model: type[BaseModel]
    title: str
    # link field -> the ids it may take, offered to the editor as choices (the
    # kit's cards of the linked type when the schema was written)
    choices: dict[str, list[str]] = field(default_factory=dict)
    card: str = ""  # the name of the card model among the schema's $defs

    def schema(self) -> dict:
        schema = self.model.model_json_schema()
        card = schema.get("$defs", {}).get(self.card)
        for name, ids in self.choices.items():
            if card and ids and name in card.get("properties", {}):
                _offer(card["properties"][name], sorted(set(ids)))
        return {"$schema": DIALECT, "title": self.title, **{k: v for k, v in schema.items() if k != "title"}}

    def text(self) -> str:
        return json.dumps(self.schema(), indent=2, ensure_ascii=False) + "\n"


def _offer(prop: dict, ids: list[str]) -> None:
    """Give a link field's ids (or its list's items) the kit's ids as choices."""
    for branch in prop.get("anyOf", [prop]):
        target = branch.get("items", branch) if branch.get("type") == "array" else branch
        if target.get("type") == "string":
            target["enum"] = ids


def deck_kind(card_type: str) -> str:
    return f"deck-{card_type}"


def board_kind(board_type: str) -> str:
    return f"board-{board_type}"


def _deck_model(card_type: CardType) -> type[BaseModel]:
    """A deck file of one card type: the deck head with its cards."""
    card = card_type.model
    # types made at run time from the card type, which a type checker cannot read as types
    type_name: Any = Literal[card_type.name]
    cards: Any = GenericAlias(list, card)  # list[card]
    return create_model(
        card.__name__.removesuffix("Card") + "Deck",
        __base__=DeckHead,
        __doc__=f"decks/*.yaml: a deck of {card_type.name} cards.",
        type=(type_name, Field(description="The kind of cards in the deck.")),
        cards=(cards, Field(min_length=1, description="The cards of the deck.")),
    )


def yaml_kinds(root: Path | None = None) -> dict[str, YamlKind]:
    """Every kind of content file of a kit (the shipped card types without
    one): a deck kind for each of its card types, its card ids offered to
    the link fields that name them."""
    root = Path(root) if root is not None else default_templates_dir().parent
    card_types = load_card_types(root, [])
    ids = card_ids(root)
    return {
        "kit": YamlKind("", Kit, "kit.yaml"),
        "guide": YamlKind("", GuideModel, "guide.yaml: the facilitator guide"),
        **{deck_kind(name): YamlKind("decks", _deck_model(t), f"Deck of {name} cards",
                                     {f: ids.get(target, []) for f, target in t.links.items()}, t.model.__name__)
           for name, t in card_types.items()},
        **{board_kind(t): YamlKind("boards", m, f"Board: {t}") for t, m in BOARD_MODELS.items()},
    }


def card_ids(root: Path) -> dict[str, list[str]]:
    """Card type -> the ids of the kit's cards of that type, as the deck
    files give them (read as they are: a kit being edited may not validate)."""
    out: dict[str, list[str]] = {}
    for path in sorted((root / "decks").glob("*.yaml")) if (root / "decks").is_dir() else []:
        source = read_yaml(path, path.name, [], root=root)
        data = source.data if source is not None else None
        if isinstance(data, dict) and isinstance(data.get("type"), str) and isinstance(data.get("cards"), list):
            out.setdefault(data["type"], []).extend(
                c["id"] for c in data["cards"] if isinstance(c, dict) and isinstance(c.get("id"), str))
    return out


FOLDERS = {"deck": "decks", "board": "boards"}


def schema_file(kind: str) -> str:
    """The schema's file name, e.g. deck-dilemma.schema.json."""
    return f"{kind}.schema.json"


def modeline(kind: str, folder: str | None = None) -> str:
    """The first line of a YAML file of this kind (kit, guide, deck-<type>,
    board-<type>, or one in `folder` of the kit): where editors find its schema."""
    folder = FOLDERS.get(kind.partition("-")[0], "") if folder is None else folder
    depth = len(Path(folder).parts)
    return f"{MODELINE_START} $schema={'../' * depth}{SCHEMA_FOLDER}/{schema_file(kind)}"
