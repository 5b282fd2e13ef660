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
from dataclasses import dataclass
from pathlib import Path
from types import GenericAlias
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from workshop_kit.content.boards import BOARD_MODELS
from workshop_kit.content.guide import GuideModel
from workshop_kit.content.model import CARD_MODELS, DeckHead, Kit

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = "schemas"
MODELINE_START = "# yaml-language-server:"


@dataclass(frozen=True)
class YamlKind:
    """A kind of YAML file: the folder it sits in (relative to the kit) and its model."""

    folder: str
    model: type[BaseModel]
    title: str

    def schema(self) -> dict:
        schema = self.model.model_json_schema()
        return {"$schema": DIALECT, "title": self.title, **{k: v for k, v in schema.items() if k != "title"}}

    def text(self) -> str:
        return json.dumps(self.schema(), indent=2, ensure_ascii=False) + "\n"


def deck_kind(card_type: str) -> str:
    return f"deck-{card_type}"


def board_kind(board_type: str) -> str:
    return f"board-{board_type}"


def _deck_model(card_type: str) -> type[BaseModel]:
    """A deck file of one card type: the deck head with its cards."""
    card = CARD_MODELS[card_type]
    kind: Any = Literal[card_type]  # the field types are made at run time, for each card type
    cards: Any = GenericAlias(list, card)  # list[card]
    return create_model(
        card.__name__.removesuffix("Card") + "Deck",
        __base__=DeckHead,
        __doc__=f"decks/*.yaml: a deck of {card_type} cards.",
        type=(kind, Field(description="The kind of cards in the deck.")),
        cards=(cards, Field(min_length=1, description="The cards of the deck.")),
    )


KINDS: dict[str, YamlKind] = {
    "kit": YamlKind("", Kit, "kit.yaml"),
    "guide": YamlKind("", GuideModel, "guide.yaml: the facilitator guide"),
    **{deck_kind(t): YamlKind("decks", _deck_model(t), f"Deck of {t} cards") for t in CARD_MODELS},
    **{board_kind(t): YamlKind("boards", m, f"Board: {t}") for t, m in BOARD_MODELS.items()},
}


def schema_file(kind: str) -> str:
    """The schema's file name, e.g. deck-dilemma.schema.json."""
    return f"{kind}.schema.json"


def modeline(kind: str, folder: str | None = None) -> str:
    """The first line of a YAML file of this kind (one of KINDS, or one in
    `folder` of the kit): where editors find its schema."""
    depth = len(Path(KINDS[kind].folder if folder is None else folder).parts)
    return f"{MODELINE_START} $schema={'../' * depth}{SCHEMA_FOLDER}/{schema_file(kind)}"


def schema_text(kind: str) -> str:
    return KINDS[kind].text()
