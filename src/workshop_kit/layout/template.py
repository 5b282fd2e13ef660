"""Card templates: YAML data that says where things go on a card.

A box is measured from the trim edges, in millimetres: two of left, right
and width fix it across, two of top, bottom and height fix it down. So the
same template serves every card size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workshop_kit.builtin import default_templates_dir
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import Source, read_yaml
from workshop_kit.layout.boxes import Box
from workshop_kit.problems import Problem, display_path

Style = Literal["regular", "bold", "italic", "bold-italic"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inset(_Strict):
    left: float | None = None
    right: float | None = None
    width: float | None = Field(None, gt=0)
    top: float | None = None
    bottom: float | None = None
    height: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _two_of_each(self):
        across = [v for v in (self.left, self.right, self.width) if v is not None]
        down = [v for v in (self.top, self.bottom, self.height) if v is not None]
        if len(across) != 2:
            raise ValueError("give exactly two of left, right and width")
        if len(down) != 2:
            raise ValueError("give exactly two of top, bottom and height")
        return self

    def resolve(self, width: float, height: float) -> Box:
        """The box in face coordinates: origin bottom-left, y up."""
        if self.width is None:
            x, w = self.left, width - self.left - self.right
        elif self.left is None:
            x, w = width - self.right - self.width, self.width
        else:
            x, w = self.left, self.width
        if self.height is None:
            top, h = self.top, height - self.top - self.bottom
        elif self.top is None:
            h = self.height
            top = height - self.bottom - h
        else:
            top, h = self.top, self.height
        return Box(x, height - top - h, w, h)


class ContentItem(_Strict):
    """One paragraph of a text element."""

    field: str | None = Field(None, description="A card field, e.g. summary or effort.time.")
    text: str | None = Field(None, description="Fixed text with {title}, {deck}, {n}, {total}, {number} (the label 'number', e.g. 3/18), {url}, {type}.")
    label: str | None = Field(None, description="Key of a printed label (see labels/), shown as a heading.")
    inline: bool = Field(False, description="Put the label in front of the text on the same line.")
    font: Style | None = None

    @model_validator(mode="after")
    def _something(self):
        if self.field is None and self.text is None and self.label is None:
            raise ValueError("give a field, a text or a label")
        if self.field is not None and self.text is not None:
            raise ValueError("give a field or a text, not both")
        return self


class Element(_Strict):
    kind: Literal["fill", "text", "qr", "rings", "matrix", "table", "checklist", "lines"]
    box: Inset
    when: Literal["always", "qr"] = Field("always", description="'qr': only on cards with a QR code.")
    fill: str | None = Field(None, description="Colour role of a fill.")
    content: list[ContentItem] = Field(default_factory=list)
    font: Style = "regular"
    size: float = Field(9, ge=7, le=72, description="Largest font size in pt.")
    min_size: float = Field(7, ge=7, le=72, description="Text shrinks down to this size (pt), never below 7.")
    leading: float = Field(1.18, ge=1.0, le=2.0)
    colour: str = "ink"
    label_colour: str | None = None
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    hyphenate: bool = True
    level: Literal["M", "Q"] = Field("M", description="QR error correction.")

    @model_validator(mode="after")
    def _kind_fields(self):
        if self.kind in ("fill", "matrix") and self.fill is None:
            raise ValueError("a fill needs a colour role in 'fill'")
        if self.kind == "text" and not self.content:
            raise ValueError("a text needs 'content'")
        if self.min_size > self.size:
            raise ValueError("min_size is larger than size")
        return self


class FaceTemplate(_Strict):
    background: str = "paper"
    elements: list[Element] = Field(default_factory=list)


class Template(_Strict):
    front: FaceTemplate
    back: FaceTemplate


class BoardTemplate(_Strict):
    """A board's layout, measured on its reference paper; a scalable board
    printed on a larger sheet of the same series grows with it."""

    paper: Literal["a4", "a3"] = Field("a3", description="The paper the boxes are measured on.")
    orientation: Literal["landscape", "portrait"] = "landscape"
    scalable: bool = Field(True, description="May be printed as a larger poster (A2, A1, A0).")
    face: FaceTemplate
    token: FaceTemplate | None = Field(None, description="Layout of the cut-out tokens for the board.")


class LoadedTemplate:
    """A template with the source it came from, so problems point into it."""

    def __init__(self, template: Template, source: Source):
        self.template = template
        self.source = source

    def face(self, side: str) -> FaceTemplate:
        return getattr(self.template, side)


def template_path(kit_root: Path, name: str) -> Path:
    own = kit_root / "templates" / f"{name}.yaml"
    return own if own.is_file() else default_templates_dir() / f"{name}.yaml"


def load_template(kit_root: Path, card_type: str, problems: list[Problem]) -> LoadedTemplate | None:
    return _load(kit_root, card_type, Template, problems)


def load_board_template(kit_root: Path, board_type: str, problems: list[Problem]) -> LoadedTemplate | None:
    return _load(kit_root, f"boards/{board_type}", BoardTemplate, problems)


def _load(kit_root: Path, name: str, model, problems: list[Problem]) -> LoadedTemplate | None:
    path = template_path(kit_root, name)
    own = path.is_relative_to(kit_root)  # the kit's own template, not the built-in one: kept to the kit
    source = read_yaml(path, display_path(path, kit_root), problems, root=kit_root if own else None)
    if source is None:
        return None
    template = validate(source, model, problems)
    return LoadedTemplate(template, source) if template else None
