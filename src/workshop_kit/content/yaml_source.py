"""YAML files read with the line and column of every value.

PyYAML's composer gives nodes with marks; we build plain Python data from
them and keep a map from each value's path (a tuple of keys and indexes) to
where it stands in the file, so validation errors can point at the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workshop_kit.problems import Problem

try:  # the C loader is several times faster where libyaml is present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

Path_ = tuple[str | int, ...]


@dataclass
class Source:
    """A YAML document: its data and where each value and key stands."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int] | tuple[None, None]:
        """Line and column of a value (or of its key); the nearest parent if absent."""
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (None, None))

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.file, line, column, field_name(path), message)


def field_name(path: Path_) -> str:
    """('cards', 2, 'title') -> 'cards[2].title'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Builder:
    def __init__(self, source: Source, problems: list[Problem]):
        self.source = source
        self.problems = problems
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problems.append(
                        self._at(key_node, path, "a key must be a plain word")
                    )
                    continue
                key = str(key)
                child = path + (key,)
                if key in out:
                    self.problems.append(
                        self._at(key_node, child, f"'{key}' is given twice in the same place")
                    )
                self.source.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)

    def _at(self, node: yaml.Node, path: Path_, message: str) -> Problem:
        return Problem(
            self.source.file,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            field_name(path),
            message,
        )


def read_yaml(path: Path, shown_as: str, problems: list[Problem]) -> Source | None:
    """Read one YAML file; on failure add a problem and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(shown_as, None, None, "", "file not found"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown_as, None, None, "", f"not UTF-8 text ({exc.reason})"))
        return None
    except OSError as exc:
        problems.append(Problem(shown_as, None, None, "", f"cannot be read: {exc.strerror}"))
        return None
    source = Source(shown_as, None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "malformed YAML"
        problems.append(Problem(shown_as, line, column, "", f"malformed YAML: {what}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(shown_as, None, None, "", f"malformed YAML: {exc}"))
        return None
    if node is None:
        problems.append(Problem(shown_as, 1, 1, "", "the file is empty"))
        return None
    before = len(problems)
    try:
        source.data = _Builder(source, problems).build(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        problems.append(
            Problem(shown_as, mark.line + 1 if mark else None, mark.column + 1 if mark else None, "",
                    f"malformed YAML: {exc.problem}")
        )
        return None
    if len(problems) > before:
        return None
    return source
