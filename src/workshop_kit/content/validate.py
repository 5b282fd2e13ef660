"""Pydantic validation errors turned into problems that point at the YAML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from workshop_kit.content.basics import SLUG, slug_from
from workshop_kit.content.yaml_source import Source
from workshop_kit.problems import closest, did_you_mean

M = TypeVar("M", bound=BaseModel)


def validate(source: Source, model: type[M], problems: list, data: Any = None,
             prefix: tuple = ()) -> M | None:
    """Validate (part of) a source against a model; collect every problem."""
    value = source.data if data is None else data
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems.extend(_problems(source, model, value, prefix, exc.errors(include_url=False)))
        return None


def _problems(source: Source, model: type[BaseModel], data: Any, prefix: tuple, errors: list) -> list:
    """One problem per place: where a union's members all failed, keep the
    errors of the member that matches the kind of value given."""
    located = [(_user_path(data, error["loc"]), error) for error in errors]
    # A misspelt key ('titel') is named with the field it was meant to be;
    # that field is then not reported missing too.
    extra = {loc for loc, error in located if error["type"] == "extra_forbidden"}
    meant = {loc[:-1] + (match,) for loc, error in located if error["type"] == "extra_forbidden"
             if (match := closest(str(loc[-1]), _allowed_keys(model, loc[:-1], data)))}
    out, seen = [], set()
    for loc, error in located:
        if error["type"] == "missing" and loc in meant:
            continue
        stray = _stray_key(model, data, loc) if error["type"] == "missing" else None
        if stray is not None and loc[:-1] + (stray,) not in extra:  # unknown keys let through: no kind yet
            out.append(source.problem(prefix + loc[:-1] + (stray,),
                                      f"unknown field '{stray}'; did you mean '{loc[-1]}'?", key=True))
            continue
        if error["type"].endswith("_type") and any(
                other is not error and other_loc[:len(loc)] == loc and not other["type"].endswith("_type")
                for other_loc, other in located):
            continue
        if error["type"] == "missing" and isinstance(_at(data, loc[:-1]), str):
            continue  # a string given where a union also takes a mapping
        key = (loc, error["type"])
        if key in seen:
            continue
        seen.add(key)
        out.append(_problem(source, model, data, prefix, dict(error, loc=loc)))
    return out


def _stray_key(model: type[BaseModel], data: Any, loc: tuple) -> str | None:
    """A key given beside a missing field that is probably that field misspelt."""
    parent = _at(data, loc[:-1])
    if not isinstance(parent, dict) or not isinstance(loc[-1], str):
        return None
    allowed = _allowed_keys(model, loc[:-1], data)
    return closest(loc[-1], [key for key in parent if isinstance(key, str) and key not in allowed])


def _at(data: Any, loc: tuple) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _user_path(data: Any, loc: tuple) -> tuple:
    """The location without pydantic's union member tags: only the keys and
    indexes that exist in the data (and a last missing key)."""
    out: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if isinstance(current, dict) and isinstance(part, str):
            if part not in current and current.get("type") == part:
                continue  # the tag of a union told apart by its type field
            if part in current:
                out.append(part)
                current = current[part]
                continue
            if i == len(loc) - 1 or all(not isinstance(p, str) or _is_union_tag(p) for p in loc[i + 1:]):
                if not _is_union_tag(part):
                    out.append(part)
                continue
            if _is_union_tag(part):
                continue
            out.append(part)
            current = None
        elif isinstance(current, list) and isinstance(part, int):
            out.append(part)
            current = current[part] if part < len(current) else None
        elif not _is_union_tag(part):
            out.append(part)
    return tuple(out)


def _problem(source: Source, model: type[BaseModel], data: Any, prefix: tuple, error: dict):
    loc = error["loc"]
    path = prefix + loc
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1], data)
        hint = did_you_mean(name, allowed)
        message = f"unknown field '{name}'" + hint
        if not hint and allowed:
            message += f"; allowed here: {', '.join(sorted(allowed))}"
        return source.problem(path, message, key=True)
    if kind == "missing" and isinstance(loc[-1], int):
        return source.problem(path[:-1], f"too few values: value {loc[-1] + 1} is missing")
    if kind == "missing":
        return source.problem(path[:-1], f"missing required field '{loc[-1]}'")
    return source.problem(path, error_message(error) + _yaml_trap(source, path, error))


def _yaml_trap(source: Source, path: tuple, error: dict) -> str:
    """Words on how YAML read a value other than as the text it looks like."""
    given = error.get("input")
    if given is None:
        line, _ = source.where(path, key=True)
        text = source.lines[line - 1] if line and 0 < line <= len(source.lines) else ""
        if text.partition(":")[2].lstrip().startswith("#"):
            return "; '#' starts a comment in YAML, so the value is empty: put the text in quotes"
        return ""
    if error["type"] != "string_type":
        return ""
    written = source.written(path) or str(given)
    if isinstance(given, bool):
        return f"; YAML reads {written} as {str(given).lower()}: put the text in quotes, \"{written}\""
    if isinstance(given, (int, float)):
        return f"; YAML reads {written} as a number: put the text in quotes, \"{written}\""
    if isinstance(given, dict) and len(given) == 1:
        return "; a ': ' in the text made YAML read it as a field: put the text in quotes"
    return ""


def _is_union_tag(part: Any) -> bool:
    # Pydantic puts the member of a union it tried into the location
    # ('function-after[...]', 'constrained-str', 'Size', ...); the user never wrote those.
    return isinstance(part, str) and (
        "[" in part or "-" in part or part in {"str", "int", "float", "bool"} or part[:1].isupper())


def error_message(error: Mapping[str, Any]) -> str:
    """A pydantic error as a message for the consultant."""
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if msg.startswith("Assertion failed, "):
        msg = msg[len("Assertion failed, "):]
    given = error.get("input")
    if error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == SLUG.pattern:
        msg = f"'{given}' is not an id: use lowercase a-z, digits and hyphens"
        made = slug_from(str(given))
        return msg + (f", e.g. '{made}'" if made else "")
    if error["type"].endswith("_type") and not isinstance(given, (dict, list)):
        msg += f" (got {given!r})"
    return msg[0].lower() + msg[1:] if msg else msg


def _allowed_keys(model: type[BaseModel], loc: tuple, data: Any) -> list[str]:
    """Field names of the model found at loc inside model; where a union of
    models is told apart by a field (kind, type), the member the data names."""
    annotation: Any = model
    value = data
    keyed = False  # the next part is a key of a mapping of models, not a field
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            value = _at(value, (part,))
            continue
        current = _member_for(annotation, value)
        info = current.model_fields.get(part) if current is not None else None
        if info is None:
            return []
        keyed = _is_mapping(info.annotation)
        annotation = info.annotation
        value = _at(value, (part,))
    current = _member_for(annotation, value)
    return list(current.model_fields) if current is not None else []


def _member_for(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The model in an annotation that takes `value`: among several, the
    one whose kind or type field is the value's."""
    models = _models_in(annotation)
    if isinstance(value, dict):
        for model in models:
            for tag in ("kind", "type"):
                info = model.model_fields.get(tag)
                if info is not None and value.get(tag) in (getattr(info.annotation, "__args__", None) or ()):
                    return model
    return models[0] if models else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found += [m for m in _models_in(arg) if m not in found]
    meta = getattr(annotation, "__origin__", None)
    if meta is not None and not found:
        found = _models_in(meta)
    return found


def _is_mapping(annotation: Any) -> bool:
    if getattr(annotation, "__origin__", None) is dict:
        return True
    return any(_is_mapping(arg) for arg in getattr(annotation, "__args__", ()) or ()
               if getattr(arg, "__origin__", None) is not None)
