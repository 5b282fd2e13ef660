"""Pydantic validation errors turned into problems that point at the YAML."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from workshop_kit.content.yaml_source import Source

M = TypeVar("M", bound=BaseModel)


def validate(source: Source, model: type[M], problems: list, data: Any = None,
             prefix: tuple = ()) -> M | None:
    """Validate (part of) a source against a model; collect every problem."""
    value = source.data if data is None else data
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            problems.append(_problem(source, model, value, prefix, error))
        return None


def _problem(source: Source, model: type[BaseModel], data: Any, prefix: tuple, error: dict):
    loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
    path = prefix + loc
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1], data)
        hint = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        message = f"unknown field '{name}'"
        if hint:
            message += f"; did you mean '{hint[0]}'?"
        elif allowed:
            message += f"; allowed here: {', '.join(sorted(allowed))}"
        return source.problem(path, message, key=True)
    if kind == "missing":
        return source.problem(path[:-1], f"missing required field '{loc[-1]}'")
    return source.problem(path, _message(error))


def _is_union_tag(part: Any) -> bool:
    # Pydantic puts the chosen member of a union into the location
    # ('function-after[...]', 'str', ...); the user never wrote those.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "dict[str,any]"})


def _message(error: dict) -> str:
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if msg.startswith("Assertion failed, "):
        msg = msg[len("Assertion failed, "):]
    given = error.get("input")
    if error["type"].endswith("_type") and not isinstance(given, (dict, list)):
        msg += f" (got {given!r})"
    return msg[0].lower() + msg[1:] if msg else msg


def _allowed_keys(model: type[BaseModel], loc: tuple, data: Any) -> list[str]:
    """Field names of the model found at loc inside model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    meta = getattr(annotation, "__origin__", None)
    if meta is not None:
        return _model_in(meta)
    return None
