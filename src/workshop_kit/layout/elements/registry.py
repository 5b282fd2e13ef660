"""The element kinds of face templates, each registered once by its own
module of this package: its spec (the fields it takes), the function that
lays it out, and where it may be drawn. Every list of kinds, the template
models and their JSON Schema, the template checks and the messages about
kinds are made from this registry."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Union, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, field_validator
from pydantic.json_schema import SkipJsonSchema

from workshop_kit.layout.elements.base import ElementSpec
from workshop_kit.problems import did_you_mean

SURFACES = ("cards", "boards")

# (builder, spec, box, subject, problems, (face width, face height)) -> the items it draws
LayOut = Callable[..., list]
# (model, box, scale) -> (width, height) of the tokens placed on it
TokenSize = Callable[[Any, Any, float], tuple[float, float]]
# (model, box, scale, x, y) -> what a token whose centre lies at (x, y) mm
# means on it, as the value of its item's field `places` in the board's YAML; None off it
Meaning = Callable[[Any, Any, float, float, float], Any]


@dataclass(frozen=True)
class ElementKind:
    name: str
    spec: type[ElementSpec]
    lay_out: LayOut
    surfaces: frozenset[str]
    token_size: TokenSize | None = None  # set for the kinds a board's tokens are placed on
    needs: tuple[str, ...] = ()  # the fields of a board's content it draws
    meaning: Meaning | None = None  # set for the kinds a board's tokens are placed on
    places: str = ""  # the field of a token's item that says where it was placed (ring, score)
    # its items may reach beyond its box (a QR code grown for a long URL or a
    # larger card): it is laid out first, and the elements it reaches give way
    grows: bool = False
    # it lies under the others (a fill): it never gives way
    backdrop: bool = False
    # its lines flow around a grown item in its bottom-right corner (text)
    flows: bool = False

    def draws(self, model: type[BaseModel]) -> bool:
        """True when content of this model has every field the kind draws."""
        return all(name in model.model_fields for name in self.needs)


_KINDS: dict[str, ElementKind] = {}
_loaded = False


def register(spec: type[ElementSpec], lay_out: LayOut, *, cards: bool, boards: bool = True,
             token_size: TokenSize | None = None, needs: tuple[str, ...] = (),
             meaning: Meaning | None = None, places: str = "", grows: bool = False,
             backdrop: bool = False, flows: bool = False) -> ElementKind:
    """Register an element kind; its name is the Literal of its spec's `kind`.
    `needs`: the fields of a board's content it draws (none: it draws any);
    `grows`, `backdrop` and `flows` as ElementKind says."""
    (name,) = get_args(spec.model_fields["kind"].annotation)
    if name in _KINDS:
        raise ValueError(f"element kind '{name}' is registered twice")
    surfaces = frozenset(s for s, on in zip(SURFACES, (cards, boards)) if on)
    kind = _KINDS[name] = ElementKind(name, spec, lay_out, surfaces, token_size, tuple(needs), meaning, places,
                                      grows, backdrop, flows)
    return kind


def kinds() -> dict[str, ElementKind]:
    """Every registered kind by name; the modules of this package are imported first."""
    global _loaded
    if not _loaded:
        _loaded = True
        for module in pkgutil.iter_modules(_package_path()):
            importlib.import_module(f"{__package__}.{module.name}")
    return _KINDS


def _package_path() -> list[str]:
    return list(importlib.import_module(__package__).__path__)


def kind_of(name: str) -> ElementKind:
    return kinds()[name]


def kinds_on(surface: str, model: type[BaseModel] | None = None) -> list[str]:
    """The names of the kinds that may be drawn on cards or on boards (of
    content `model`, when given), sorted."""
    return sorted(name for name, kind in kinds().items()
                  if surface in kind.surfaces and (model is None or kind.draws(model)))


def element_union(surface: str) -> Any:
    """The type of an element of a template for `surface`: the spec of its
    kind, chosen by `kind`. A registered kind that is not drawn there is
    taken as written, for the template check to refuse at its line (with
    the template's other problems); an unknown kind is one problem at
    `kind`, with the kind it was probably meant to be."""
    allowed = kinds_on(surface)
    noun = surface.removesuffix("s")
    known = kinds()

    class Refused(ElementSpec):
        model_config = ConfigDict(extra="allow", frozen=True)
        kind: str
        box: Any = None

    class Element(ElementSpec):  # named as the user knows it: "an Element"
        model_config = ConfigDict(extra="allow", frozen=True)
        kind: str
        box: Any = None

        @field_validator("kind")
        @classmethod
        def _known(cls, value: str) -> str:
            raise ValueError(f"unknown element kind '{value}'{did_you_mean(value, known)} "
                             f"(a {noun} template can draw: {', '.join(allowed)})")

    def tag(value: Any) -> str:
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
        if kind in allowed:
            return known[kind].spec.__name__
        return "Refused" if kind in known else "Element"

    members = [Annotated[known[name].spec, Tag(known[name].spec.__name__)] for name in allowed]
    members += [Annotated[SkipJsonSchema[Refused], Tag("Refused")],
                Annotated[SkipJsonSchema[Element], Tag("Element")]]
    return Annotated[Union[tuple(members)], Discriminator(tag)]


def is_refused(element: ElementSpec, surface: str) -> bool:
    """True for an element of a kind that is not drawn on `surface`."""
    return surface not in kind_of(element.kind).surfaces
