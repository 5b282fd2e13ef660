"""Card and board templates: YAML data that says where things go on a face.

A box is measured from the trim edges, in millimetres: two of left, right
and width fix it across, two of top, bottom and height fix it down. So the
same template serves every card size. What an element takes depends on
its kind: the models are made from the registry of element kinds
(layout/elements/registry.py), cards allowing some of them, boards all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, TypeAlias, TypeVar

from pydantic import Field, SkipValidation

from workshop_kit.builtin import builtin, default_templates_dir
from workshop_kit.content.card_type import CardTypeHead, FieldName, FieldSpec, Words
from workshop_kit.content.model import Colour
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import Source, read_yaml
from workshop_kit.layout.elements.base import ElementSpec, Strict
from workshop_kit.layout.elements.registry import element_union
from workshop_kit.problems import Problem, display_path

CARD_SIZES: dict[str, dict] = builtin("card_sizes")
if TYPE_CHECKING:  # the unions are made at run time from the registry; each member is an ElementSpec
    CardElement: TypeAlias = ElementSpec
    BoardElement: TypeAlias = ElementSpec
else:
    CardElement = element_union("cards")
    BoardElement = element_union("boards")


class CardFace(Strict):
    """A side of a card."""

    background: str = Field("paper", description="Colour role of the face.")
    elements: list[CardElement] = Field(
        default_factory=list, description="What is drawn, in order: later elements lie on top.")


class BoardFace(Strict):
    """A board's face or its tokens."""

    background: str = Field("paper", description="Colour role of the face.")
    elements: list[BoardElement] = Field(
        default_factory=list, description="What is drawn, in order: later elements lie on top.")


def _declared(name: str):
    """A field of the card type's declaration, as a template takes it: the
    content stage checks it when it loads the kit's card types
    (content/card_type.py), so it is not checked again here; its schema
    is the declaration's."""
    return Field(None, description=CardTypeHead.model_fields[name].description)


class Template(Strict):
    """templates/*.yaml: a card type: the fields of its cards and their layout."""

    name: SkipValidation[Words | None] = _declared("name")
    colour: SkipValidation[Colour | None] = _declared("colour")
    tint: SkipValidation[Colour | None] = _declared("tint")
    fields: SkipValidation[dict[FieldName, FieldSpec] | None] = _declared("fields")
    front: CardFace = Field(description="The front of the card.")
    back: CardFace = Field(description="The back of the card.")
    design_card: Literal[tuple(CARD_SIZES)] = Field(  # type: ignore[valid-type]
        "poker", description="The card size the font sizes are chosen for; on a larger card text grows "
                             "up to its max_size where it fits.")

    def growth(self, width: float, height: float) -> float:
        """How much larger a card of this size is than the design card: the
        larger of its width's and its height's ratio (text that grows does
        so only where it fits)."""
        design = CARD_SIZES[self.design_card]
        return max(width / design["width"], height / design["height"])


class BoardTemplate(Strict):
    """templates/boards/*.yaml: a board's layout, measured on its reference
    paper; a scalable board printed on a larger sheet of the same series
    grows with it."""

    paper: Literal["a4", "a3"] = Field("a3", description="The paper the boxes are measured on.")
    orientation: Literal["landscape", "portrait"] = Field("landscape", description="Of the reference paper.")
    scalable: bool = Field(True, description="May be printed as a larger poster (A2, A1, A0).")
    face: BoardFace = Field(description="The board itself.")
    token: BoardFace | None = Field(None, description="Layout of the cut-out tokens for the board.")


AnyTemplate = TypeVar("AnyTemplate", Template, BoardTemplate)


class LoadedTemplate(Generic[AnyTemplate]):
    """A template with the source it came from, so problems point into it."""

    def __init__(self, template: AnyTemplate, source: Source):
        self.template: AnyTemplate = template
        self.source = source

    def face(self, side: str) -> CardFace | BoardFace | None:
        return getattr(self.template, side)


def template_path(kit_root: Path, name: str) -> Path:
    own = kit_root / "templates" / f"{name}.yaml"
    return own if own.is_file() else default_templates_dir() / f"{name}.yaml"


def load_template(kit_root: Path, card_type: str, problems: list[Problem]) -> LoadedTemplate[Template] | None:
    return _load(kit_root, card_type, Template, problems)


def load_board_template(kit_root: Path, board_type: str,
                        problems: list[Problem]) -> LoadedTemplate[BoardTemplate] | None:
    return _load(kit_root, f"boards/{board_type}", BoardTemplate, problems)


def _load(kit_root: Path, name: str, model: type[AnyTemplate],
          problems: list[Problem]) -> LoadedTemplate[AnyTemplate] | None:
    path = template_path(kit_root, name)
    own = path.is_relative_to(kit_root)  # the kit's own template, not the built-in one: kept to the kit
    source = read_yaml(path, display_path(path, kit_root), problems, root=kit_root if own else None)
    if source is None:
        return None
    template = validate(source, model, problems)
    if template is not None and model is Template:  # the declaration is the content stage's (kit.card_types)
        template = template.model_copy(update=dict.fromkeys(CardTypeHead.model_fields))
    return LoadedTemplate(template, source) if template else None
