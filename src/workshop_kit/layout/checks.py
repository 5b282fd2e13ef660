"""Checks of templates against the kit: fields, labels, colour roles and
the contrast of every text against what lies behind it."""

from __future__ import annotations

import math
import typing
from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel

from workshop_kit.content import Deck, KitContent
from workshop_kit.content.card_type import CardType, label_text
from workshop_kit.content.model import placeholders
from workshop_kit.content.pictures import MIN_DPI
from workshop_kit.layout.boxes import Image
from workshop_kit.layout.card import CARD_PLACEHOLDERS
from workshop_kit.layout.colours import MIN_CONTRAST, Palette, contrast
from workshop_kit.layout.elements.image import ImageElement
from workshop_kit.layout.elements.registry import is_refused, kind_of, kinds_on
from workshop_kit.layout.template import LoadedTemplate
from workshop_kit.problems import Problem, Shared, did_you_mean


def _field_kind(model: type[BaseModel], path: str) -> str | None:
    """'text', 'list' or 'group' for a field path of a card model; None if unknown."""
    current: typing.Any = model
    parts = path.split(".")
    for n, part in enumerate(parts):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
        if typing.get_origin(current) is list:  # of texts, or of sources: printed as a list either way
            return "list" if n == len(parts) - 1 else None
        for arg in typing.get_args(current):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                current = arg
    if isinstance(current, type) and issubclass(current, BaseModel):
        return "group"
    origin = typing.get_origin(current)
    if origin is list:
        return "list"
    if origin is typing.Annotated and typing.get_origin(typing.get_args(current)[0]) is list:
        return "list"
    return "text"


class Look(Protocol):
    """What the template checks read of a kit: its theme's colours, its labels and its card types."""

    @property
    def colours(self) -> dict[str, Any]: ...

    @property
    def labels(self) -> dict[str, str]: ...

    @property
    def card_types(self) -> dict[str, CardType]: ...


class BuiltinLook(NamedTuple):
    """The built-in colours and labels and the card types that load, to check the templates of a kit
    that does not load."""

    colours: dict[str, Any]
    labels: dict[str, str]
    card_types: dict[str, CardType]


def check_template(kit: Look, card_type: str, loaded: LoadedTemplate,
                   model: type[BaseModel] | None = None,
                   sides: tuple[str, ...] = ("front", "back"),
                   surface: str = "cards",
                   allowed: frozenset[str] = CARD_PLACEHOLDERS) -> list[Problem]:
    """Problems of a template: the fields, labels, colour roles, element
    kinds and placeholders it names that its layout does not have. Element
    kinds not drawn on the `surface` ("cards" or "boards") are refused."""
    problems: list[Problem] = []
    src = loaded.source
    model = model or kit.card_types[card_type].model
    palette = Palette(kit.colours, card_type)
    for side in sides:
        face = loaded.face(side)
        if face is None:
            continue
        if face.background not in palette:
            problems.append(src.problem((side, "background"), f"unknown colour role '{face.background}'"
                                        + did_you_mean(face.background, palette.roles())))
        for i, element in enumerate(face.elements):
            at = (side, "elements", i)
            if is_refused(element, surface):
                problems.append(src.problem(at + ("kind",), f"a {card_type} template cannot draw "
                                            f"'{element.kind}' elements (it can: {', '.join(kinds_on(surface))})"))
                continue
            if not kind_of(element.kind).draws(model):
                *most, last = kind_of(element.kind).needs
                needs = f"{', '.join(most)} and {last}" if most else last
                problems.append(src.problem(at + ("kind",), f"'{element.kind}' elements draw a board's {needs}, "
                                            f"which a {card_type} board does not have (its template can draw: "
                                            f"{', '.join(kinds_on(surface, model))})"))
                continue
            problems.extend(element.check(kit, src, at, surface))
            for role_field, role in element.colour_roles().items():
                if role not in palette:
                    problems.append(src.problem(at + (role_field,),
                                                f"unknown colour role '{role}'" + did_you_mean(role, palette.roles())))
            for j, item in enumerate(getattr(element, "content", ())):
                item_at = at + ("content", j)
                if item.field is not None:
                    kind = _field_kind(model, item.field)
                    if kind is None:
                        fields = list(model.model_fields)
                        problems.append(src.problem(item_at + ("field",),
                                                    f"{card_type} cards have no field '{item.field}'"
                                                    + did_you_mean(item.field, fields)))
                    elif kind == "group":
                        problems.append(src.problem(
                            item_at + ("field",), f"'{item.field}' is a group; name one of its parts, "
                                                  f"e.g. {item.field}.…"))
                if item.label is not None and label_text(kit.labels, card_type, item.label) is None:
                    problems.append(src.problem(item_at + ("label",),
                                                f"unknown label '{item.label}'" + did_you_mean(item.label, kit.labels)))
                if item.text is not None:
                    try:
                        names = set(placeholders(item.text))
                    except ValueError as exc:
                        problems.append(src.problem(item_at + ("text",), f"unbalanced brace: {exc}"))
                        continue
                    for name in sorted(names - allowed):
                        problems.append(src.problem(item_at + ("text",),
                                                    f"unknown placeholder {{{name}}}" + did_you_mean(name, allowed)))
    return problems


def check_contrast(kit: KitContent, loaded: LoadedTemplate, card_type: str, deck: Deck | None,
                   width: float, height: float, sides: tuple[str, ...] = ("front", "back")
                   ) -> list[Problem | Shared]:
    """Every text colour against the fill it sits on (or the face
    background). A pair too close is reported at the colour that kit.yaml's
    theme (or the deck) sets, once for every template it affects; at the
    template only when both colours are the built-in theme's."""
    problems: list[Problem | Shared] = []
    palette = Palette(kit.colours, card_type, deck.colour if deck else None)
    where = f"deck '{deck.slug}'" if deck else f"board type '{card_type}'"
    found_on = ("deck", deck.slug) if deck else ("board type", card_type)
    src = loaded.source
    for side in sides:
        face = loaded.face(side)
        if face is None or face.background not in palette:
            continue
        layers = []
        for i, element in enumerate(face.elements):
            layer, colours = element.layer(), element.text_colours()
            if layer is not None:
                if layer in palette:
                    layers.append((element.box.resolve(width, height), layer))
                continue
            if not colours:
                continue
            box = element.box.resolve(width, height)
            behind = face.background
            for fill_box, role in layers:
                if fill_box.contains(box):
                    behind = role
            for role in colours:
                if role not in palette:
                    continue
                ratio = contrast(palette[role], palette[behind])
                if ratio >= MIN_CONTRAST:
                    continue
                pair = f"text colour '{role}' on '{behind}' has a contrast of {ratio:.2f}:1, below {MIN_CONTRAST}:1"
                for blamed in (role, behind):
                    setting = colour_setting(kit, card_type, deck, blamed)
                    if setting is not None:
                        source, path = setting
                        problems.append(Shared(source.problem(path,
                            f"{pair} (in {src.file}, {side}); darken or lighten this colour"),
                            f"contrast-{blamed}", found_on, -ratio))
                        break
                else:
                    problems.append(src.problem((side, "elements", i, "colour"),
                        f"{where}: {pair}; darken or lighten one of them in the theme"))
    return problems


def colour_setting(kit: KitContent, card_type: str, deck: Deck | None, role: str) -> tuple | None:
    """(source, path) of where a colour role of a deck or board type is set:
    the deck's colour, or kit.yaml's theme; None for the built-in theme."""
    if role == "accent":
        if deck is not None and deck.colour is not None:
            return deck.source, ("colour",)
        role = card_type
    elif role == "tint":
        role = f"tint-{card_type}" if kit.colours.get(f"tint-{card_type}") is not None else "paper"
    if role in kit.kit.theme.colours:
        return kit.kit_source, ("theme", "colours", role)
    return None


def low_resolution(kit: KitContent, loaded: LoadedTemplate, width: float, height: float,
                   models=(), sides: tuple[str, ...] = ("front", "back")) -> list[str]:
    """Warnings for the bitmaps a template prints at fewer than MIN_DPI
    pixels per inch at their placed size on a face of width x height mm
    (of `models`, the cards whose {picture} it draws): the file, the
    template's line and the dpi."""
    found = []
    for side in sides:
        face = loaded.face(side)
        for i, element in enumerate(face.elements if face else ()):
            if not isinstance(element, ImageElement):  # the one element kind that draws pictures
                continue
            box = element.box.resolve(width, height)
            line, _ = loaded.source.where((side, "elements", i, "src"))
            for picture in element.pictures_of(kit, models):
                if not picture.bitmap:
                    continue
                placed, _ = Image(box, picture, element.fit).placed()
                dpi = picture.dpi(placed.width)
                if dpi < MIN_DPI:
                    need = math.ceil(placed.width / 25.4 * MIN_DPI)
                    found.append(f"{picture.path} is printed at {dpi:.0f} dpi by {loaded.source.file}:{line} "
                                 f"({placed.width:.0f} mm wide), below {MIN_DPI} dpi, and may look blurred; "
                                 f"use a picture of at least {need} pixels across")
    return found
