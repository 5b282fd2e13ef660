"""Card types as data: a card template (templates/<type>.yaml) declares the
fields of its cards under `fields:`, and the card model is made from that
declaration when the kit is loaded (pydantic's create_model), so a kit adds
a type by adding a template, without Python.

Every card has an id and a title (and may set qr_url, form and copies);
the template declares the rest. The faces of the template are the layout's
business (layout/template.py); here only the declaration is read.
"""

from __future__ import annotations

import copyreg
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, Optional, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    create_model,
    model_validator,
)

from workshop_kit.builtin import default_templates_dir
from workshop_kit.content.basics import Slug, Strict, Text, is_slug
from workshop_kit.content.model import Card, Colour
from workshop_kit.content.sources import Citation, sources_field
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import field_name, read_yaml
from workshop_kit.problems import Problem, did_you_mean, display_path

KINDS = {
    "text": "a text, printed as written",
    "rich-text": "a text that may mark **bold** and *italic* words",
    "list": "a list of texts, printed one per line with bullets",
    "link": "the id of one card of another type (`to`)",
    "links": "ids of cards of another type (`to`)",
    "image": "a picture: a path inside the kit, e.g. pictures/map.png",
    "number": "a whole number",
    "choice": "one of the texts under `choices`",
    "group": "a group of fields of its own (`fields`), written as a mapping on the card",
}
# what every card has or may set, not declared; its sources come after the declared fields
CARD_SOURCES = {"sources": (list[Citation], sources_field())}
CARD_KEYS = tuple(Card.model_fields) + tuple(CARD_SOURCES)
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


def _check_kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"unknown field kind '{value}'{did_you_mean(value, KINDS)} "
                         f"(kinds: {', '.join(KINDS)})")
    return value


def _check_name(value: str) -> str:
    if not FIELD_NAME.match(value):
        raise ValueError(f"'{value}' is not a field name: use lowercase a-z, digits and underscores, "
                         "starting with a letter")
    if value in CARD_KEYS:
        raise ValueError(f"every card has '{value}' already; declare only the other fields")
    return value


FieldKind = Annotated[str, AfterValidator(_check_kind),
                      WithJsonSchema({"type": "string", "enum": list(KINDS),
                                      "description": "; ".join(f"{k}: {v}" for k, v in KINDS.items())})]
FieldName = Annotated[str, AfterValidator(_check_name),
                      WithJsonSchema({"type": "string", "pattern": FIELD_NAME.pattern})]


class Words(Strict):
    """A text in English and in Danish."""

    en: Text = Field(description="In English.")
    da: Text = Field(description="In Danish.")


class FieldSpec(Strict):
    """One field of a card type."""

    kind: FieldKind = Field(description="What the field holds: " + ", ".join(KINDS) + ".")
    required: bool = Field(True, description="Every card must give it (false: it may be left out).")
    max_length: int | None = Field(None, ge=1, le=5000,
                                   description="At most this many characters (text, rich-text; a list: each item).")
    choices: list[Text] | None = Field(None, min_length=1, description="The texts a choice field takes.")
    to: Slug | None = Field(None, description="The card type a link or links field names cards of.")
    fields: dict[FieldName, "FieldSpec"] | None = Field(
        None, description="The fields of a group, declared as the card's own.")
    label: Words | None = Field(None, description="The heading the cards print before it, when the template "
                                                  "names it as a label (`label: <field>`).")
    description: Words | None = Field(None, description="What to write in it, for the editor.")

    @model_validator(mode="after")
    def _fits_kind(self) -> "FieldSpec":
        own = {"choices": ("choice",), "to": ("link", "links"), "fields": ("group",),
               "max_length": ("text", "rich-text", "list")}
        for key, kinds in own.items():
            if getattr(self, key) is not None and self.kind not in kinds:
                raise ValueError(f"'{key}' belongs to fields of kind {' or '.join(kinds)}, not {self.kind}")
        for key, kinds in own.items():
            if key != "max_length" and self.kind in kinds and getattr(self, key) is None:
                raise ValueError(f"a {self.kind} field needs '{key}'")
        if self.fields and any(spec.kind == "group" for spec in self.fields.values()):
            raise ValueError("a group's fields cannot be groups themselves")
        return self


class CardTypeHead(BaseModel):
    """What a card template says of its type besides its faces."""

    model_config = ConfigDict(extra="ignore", frozen=True)  # the faces are checked by the layout

    name: Words | None = Field(None, description="The type's name printed on its cards ({type}), in English "
                                                 "and Danish (default: the built-in label, or the file's name).")
    colour: Colour | None = Field(None, description="The type's colour ('accent'), unless kit.yaml's theme sets it.")
    tint: Colour | None = Field(None, description="The type's light colour ('tint'), unless kit.yaml's theme sets it.")
    fields: dict[FieldName, FieldSpec] | None = Field(
        None, description="The fields of the type's cards besides id and title, in the order a spreadsheet "
                          "lists them. A kit's own template without fields takes those of the shipped "
                          "template of the same name.")


@dataclass(frozen=True)
class CardType:
    """A card type: its name, its fields and the model its cards are checked against."""

    name: str
    fields: dict[str, FieldSpec]
    model: type[Card]
    file: str
    label: Words | None = None
    colour: Any = None
    tint: Any = None
    links: dict[str, str] = field(default_factory=dict)  # link field -> the type it names

    def kind_of(self, path: str) -> str | None:
        """The kind of a field path ('effort.time'); None if there is no such field."""
        fields: dict[str, FieldSpec] | None = self.fields
        spec: FieldSpec | None = None
        for part in path.split("."):
            spec = (fields or {}).get(part)
            if spec is None:
                return None
            fields = spec.fields
        assert spec is not None  # split() gives at least one part
        return spec.kind

    def labels(self, language: str) -> dict[str, str]:
        """The printed texts the template declares: its name, and each
        field's heading under '<type>.<field>' (a group's field by its own
        name, as a template names the label)."""
        out = {self.name: getattr(self.label, language)} if self.label else {}
        for name, spec in _walk(self.fields):
            if spec.label:
                out[f"{self.name}.{name.rpartition('.')[2]}"] = getattr(spec.label, language)
        return out


def type_labels(labels: dict[str, str], card_type: str) -> dict[str, str]:
    """The kit's labels with a type's own field headings over them under
    the fields' names: what a spreadsheet of its cards is headed with."""
    prefix = f"{card_type}."
    return {**labels, **{key[len(prefix):]: text for key, text in labels.items() if key.startswith(prefix)}}


def _walk(fields: dict[str, FieldSpec], prefix: str = ""):
    for name, spec in fields.items():
        yield prefix + name, spec
        if spec.fields:
            yield from _walk(spec.fields, f"{prefix}{name}.")


def label_text(labels: dict[str, str], card_type: str, key: str) -> str | None:
    """The text of a label a template of `card_type` names: the type's own
    (declared by its template or kit.yaml, '<type>.<key>'), else the kit's."""
    return labels.get(f"{card_type}.{key}", labels.get(key))


# --- the model made from the declaration ------------------------------------

def _image(value: str) -> str:
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"'{value}' must be a path inside the kit, e.g. pictures/map.png")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"'{value}' is not a picture; give a {', '.join(IMAGE_SUFFIXES)} file")
    return path.as_posix()


def _annotation(name: str, spec: FieldSpec, type_name: str) -> Any:
    """The type of a field's value, with the constraints of its kind."""
    length = {"max_length": spec.max_length} if spec.max_length else {}
    text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, **length)]
    if spec.kind in ("text", "rich-text"):
        return text
    if spec.kind == "list":
        return Annotated[list[text], Field(min_length=1)] if spec.required else list[text]
    if spec.kind == "link":
        return Slug
    if spec.kind == "links":
        return list[Slug]
    if spec.kind == "image":
        return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_image)]
    if spec.kind == "number":
        return int
    if spec.kind == "choice":
        assert spec.choices is not None  # FieldSpec._fits_kind: a choice field has choices
        return Literal[tuple(spec.choices)]
    assert spec.fields is not None  # FieldSpec._fits_kind: a group has fields
    return _model(_class_name(name), spec.fields, Strict, f"{name} of a {type_name} card.")


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", name) if part)


Model = TypeVar("Model", bound=BaseModel)


def _model(class_name: str, fields: dict[str, FieldSpec], base: type[Model], doc: str,
           last: dict[str, Any] | None = None) -> type[Model]:
    declared: dict[str, Any] = {}
    for name, spec in fields.items():
        annotation = _annotation(name, spec, class_name)
        info: dict[str, Any] = {"description": spec.description.en} if spec.description else {}
        if spec.description:
            info["json_schema_extra"] = {"markdownDescription": f"{spec.description.en}\n\n{spec.description.da}"}
        if spec.required:
            declared[name] = (annotation, Field(**info))
        elif spec.kind in ("list", "links"):
            declared[name] = (annotation, Field(default_factory=list, **info))
        else:
            declared[name] = (Optional[annotation], Field(None, **info))
    return create_model(class_name, __base__=base, __doc__=doc, **declared, **(last or {}))


def card_model(type_name: str, fields: dict[str, FieldSpec], label: Words | None = None) -> type[Card]:
    """The model of a type's cards: id and title, and the declared fields."""
    declared = _FIELDS.dump_json(fields).decode()
    return _made(type_name, declared, label.model_dump_json() if label else "")


_FIELDS = TypeAdapter(dict[str, FieldSpec])
_DECLARATION = "__declaration__"  # on a model made from a declaration: what _pickled_model names it by


@lru_cache(maxsize=64)
def _made(type_name: str, declared: str, label: str) -> type[Card]:
    """The card model of a declaration (as JSON), made once a process.
    A worker started fresh (spawn, forkserver) gets the cards it lays out
    by pickle, which names their model by its declaration: it makes the
    model again from that."""
    words = Words.model_validate_json(label) if label else None
    doc = f"A {words.en if words else type_name} card ({type_name})."
    model = _model(_class_name(type_name) + "Card", _FIELDS.validate_json(declared), Card, doc, CARD_SOURCES)
    setattr(model, _DECLARATION, (type_name, declared, label))
    for name, info in model.model_fields.items():  # the models of its groups, by the field they are
        for group in _models_of(info.annotation):
            setattr(group, _DECLARATION, (type_name, declared, label, name))
    return model


def _models_of(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_of(arg)]


def _remade(type_name: str, declared: str, label: str, group: str | None = None) -> type[BaseModel]:
    model = _made(type_name, declared, label)
    return model if group is None else _models_of(model.model_fields[group].annotation)[0]


def _pickled_model(cls: type) -> Any:
    """How pickle names a model class: a card model made from a declaration
    by that declaration; any other by its name, as pickle does by default."""
    declaration = cls.__dict__.get(_DECLARATION)
    return (_remade, declaration) if declaration else cls.__qualname__


copyreg.pickle(type(Card), _pickled_model)


# --- reading the templates ---------------------------------------------------

def type_files(root: Path) -> dict[str, Path]:
    """Type name -> its template: the shipped templates, and the kit's own
    templates/*.yaml over them."""
    found: dict[str, Path] = {}
    for folder in (default_templates_dir(), Path(root) / "templates"):
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found[path.stem] = path
    return found


def load_card_types(root: Path, problems: list[Problem], failed: set[str] | None = None) -> dict[str, CardType]:
    """Every card type the kit has, by name; the problems of their
    declarations. The names of types whose template cannot be read or has
    problems are added to `failed`: what follows from them (a deck of the
    type, a link to it) is not a problem of its own."""
    failed = set() if failed is None else failed
    root = Path(root)
    types: dict[str, CardType] = {}
    shipped = default_templates_dir()
    for name, path in type_files(root).items():
        own = path.is_relative_to(root)
        shown = display_path(path, root)
        if own and not is_slug(name):
            problems.append(Problem(shown, None, None, "", "a card template's file name is its type's name: "
                                    "lowercase a-z, digits and hyphens"))
            continue
        source = read_yaml(path, shown, problems, root=root if own else None)
        if source is None or not isinstance(source.data, dict):
            failed.add(name)
            continue  # the layout reports a template that is not a mapping
        head = validate(source, CardTypeHead, problems)
        if head is None:
            failed.add(name)
            continue
        fields = head.fields
        if fields is None and path.parent != shipped and (shipped / path.name).is_file():
            fallback = _shipped_head(shipped / path.name)
            fields = fallback.fields if fallback else None
        if fields is None:
            problems.append(source.problem((), f"the card template of '{name}' declares no fields; add "
                                           "`fields:` with what its cards hold besides id and title"))
            failed.add(name)
            continue
        links: dict[str, str] = {}
        for f, spec in fields.items():
            if spec.kind in ("link", "links"):
                assert spec.to is not None  # FieldSpec._fits_kind: a link field names its type
                links[f] = spec.to
        types[name] = CardType(name, dict(fields), card_model(name, fields, head.name), shown, head.name,
                               head.colour, head.tint, links)
    _check_targets(types, root, problems, failed)
    return types


def _shipped_head(path: Path) -> CardTypeHead | None:
    source = read_yaml(path, path.name, [], root=None)
    return validate(source, CardTypeHead, []) if source is not None else None


def _check_targets(types: dict[str, CardType], root: Path, problems: list[Problem], failed: set[str]) -> None:
    """Each link field names a card type the kit has."""
    for card_type in list(types.values()):
        for name, target in card_type.links.items():
            if target not in types and target not in failed:
                path = type_files(root)[card_type.name]
                source = read_yaml(path, card_type.file, [], root=root if path.is_relative_to(root) else None)
                message = f"no card type '{target}'{did_you_mean(target, types)} (types: {', '.join(types)})"
                where = ("fields", name, "to")
                # read a moment ago; should it be gone since, the problem has no line
                problems.append(source.problem(where, message) if source is not None
                                else Problem(card_type.file, None, None, field_name(where), message))
                del types[card_type.name]  # its decks wait until it links to a type the kit has
                failed.add(card_type.name)
                break
