"""Paragraphs of card or board fields, labels and fixed texts, fitted to
a box: the text shrinks from `size` to `min_size` before it is a problem."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from workshop_kit.layout.elements.base import Lettering, Strict, Style
from workshop_kit.layout.elements.registry import register


class ContentItem(Strict):
    """One paragraph of a text element."""

    field: str | None = Field(None, description="A card field, e.g. summary or effort.time.")
    text: str | None = Field(None, description="Fixed text with {title}, {deck}, {n}, {total}, {number} "
                                               "(the label 'number', e.g. 3/18), {url}, {type}.")
    label: str | None = Field(None, description="Key of a printed label (see labels/), shown as a heading.")
    inline: bool = Field(False, description="Put the label in front of the text on the same line.")
    font: Style | None = Field(None, description="Font style of this paragraph; the element's by default.")

    @model_validator(mode="after")
    def _something(self):
        if self.field is None and self.text is None and self.label is None:
            raise ValueError("give a field, a text or a label")
        if self.field is not None and self.text is not None:
            raise ValueError("give a field or a text, not both")
        return self


class TextElement(Lettering):
    """Text fitted to its box."""

    kind: Literal["text"] = Field(description="Text fitted to a box.")
    content: list[ContentItem] = Field(min_length=1, description="The paragraphs, in order.")
    align: Literal["left", "center", "right"] = Field("left", description="Alignment of the lines.")
    valign: Literal["top", "middle", "bottom"] = Field("top", description="Where the text sits in the box.")
    hyphenate: bool = Field(True, description="Break long words at their hyphenation points.")

    def text_colours(self) -> set[str]:
        return {self.colour, self.label_colour or self.colour}


def lay_out(builder, element: TextElement, box, subject, problems, face_size=None) -> list:
    return builder.text(box, element, subject, problems)


register(TextElement, lay_out, cards=True, flows=True)
