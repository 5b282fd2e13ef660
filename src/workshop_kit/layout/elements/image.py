"""A picture of the kit in a box: a file of its pictures/ folder, the
card's own picture ({picture}, or {field} for an image field its card
type declares) or the kit's logo ({logo}); nothing when the card or the
kit has none. A picture that touches a trim edge may run
on into the bleed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.content.model import placeholders
from workshop_kit.layout.boxes import Box, Image
from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.layout.elements.fill import _edges
from workshop_kit.layout.elements.registry import register
from workshop_kit.problems import did_you_mean

SOURCES = {"picture": "cards", "logo": None}  # placeholder -> where it may be drawn (None: anywhere)


class ImageElement(ElementSpec):
    """A PNG, JPEG or SVG picture."""

    kind: Literal["image"] = Field(description="A picture (PNG, JPEG or SVG).")
    src: str = Field(description="A picture in the kit's pictures/ folder (pictures/logo.svg), "
                                 "'{picture}' for the card's picture or '{logo}' for the kit's logo.",
                     examples=["{picture}", "{logo}", "pictures/logo.svg"])
    fit: Literal["contain", "cover"] = Field(
        "contain", description="contain: all of the picture in the box; cover: the box filled, the picture cut "
                               "at its edges.")
    align: Literal["left", "center", "right"] = Field("center", description="Where a narrower picture sits across.")
    valign: Literal["top", "middle", "bottom"] = Field("middle", description="Where a lower picture sits down.")
    bleed: bool = Field(False, description="Run on into the bleed where the box touches the trim "
                                           "(in the print-shop files).")

    def source(self) -> str | None:
        """The placeholder the src names ('picture', 'logo'), or None for a path."""
        try:
            names = placeholders(self.src)
        except ValueError:
            return "{"
        return names[0] if names else None

    def check(self, kit, source, at: tuple, surface: str) -> list:
        """Problems of the src: an unknown placeholder, a picture file that is not there or not one."""
        name = self.source()
        if name is not None:
            allowed = [n for n, where in SOURCES.items() if where in (None, surface)]
            if surface == "cards":
                allowed += image_fields(kit)
            if self.src.strip() not in {f"{{{n}}}" for n in allowed}:
                shown = ", ".join(f"{{{n}}}" for n in allowed)
                return [source.problem(at + ("src",), f"'{self.src}' is not a picture this template can draw"
                                       f"{did_you_mean(name, allowed)} (write {shown}, or a path in pictures/)")]
            return []
        problems: list = []
        pictures = getattr(kit, "pictures", None)
        if pictures is not None:
            pictures.check(self.src, source, at + ("src",), problems)
        return problems

    def pictures_of(self, kit, models=()) -> list:
        """The pictures this element draws for content `models` (a deck's cards)."""
        name = self.source()
        if name == "logo":
            return [kit.logo] if kit.logo else []
        if name is not None:  # the card's picture or one of its image fields
            found = {getattr(m, name): kit.pictures.get(getattr(m, name)) for m in models if getattr(m, name, None)}
            return [p for p in found.values() if p is not None]
        picture = kit.pictures.get(self.src) if kit.pictures else None
        return [picture] if picture else []


def image_fields(kit) -> list[str]:
    """The image fields the kit's card types declare (sorted, each once)."""
    return sorted({name for card_type in getattr(kit, "card_types", {}).values()
                   for name, spec in card_type.fields.items() if spec.kind == "image"})


def lay_out(builder, element: ImageElement, box: Box, subject, problems, face_size) -> list:
    kit = builder.kit
    name = element.source()
    if name == "logo":
        picture = kit.logo
    elif name is not None:  # the card's picture or one of its image fields
        written = getattr(subject.model, name, None)
        picture = kit.pictures.get(written) if written and kit.pictures else None
    else:
        picture = kit.pictures.get(element.src) if kit.pictures else None
    if picture is None:
        return []
    edges = _edges(box, *face_size) if element.bleed else ()
    return [Image(box, picture, element.fit, element.align, element.valign, edges)]


register(ImageElement, lay_out, cards=True)
