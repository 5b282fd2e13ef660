"""YAML files read with the line and column of every value.

PyYAML's composer gives nodes with marks; we build plain Python data from
them and keep a map from each value's path (a tuple of keys and indexes) to
where it stands in the file, so validation errors can point at the line.

A file that cannot be read at all (not UTF-8, a control character, a YAML
syntax error, too large, aliases that expand without end) is one problem at
the place the reader stopped, with a hint in words for the usual slips.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from workshop_kit.builtin import yaml_loader
from workshop_kit.problems import Problem

_Loader = yaml_loader()

Path_ = tuple[str | int, ...]

MAX_BYTES = 5 * 1024 * 1024  # no kit file comes near this; a larger one is a mistake
MAX_VALUES = 200_000  # values built from one file, aliases expanded: bounds an alias bomb
MAX_DEPTH = 100  # levels of nesting
READ_KEPT = 64  # files a process keeps read: a watch reads the same files again at every save
_read: OrderedDict[tuple[str, str], Source] = OrderedDict()  # (shown as, text) -> what it was read as
_COMMENT_AFTER = re.compile(r"\s*:\s+(#\S*)")
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3}")


@dataclass
class Source:
    """A YAML document: its data and where each value and key stands."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list, repr=False)

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

    def written(self, path: Path_) -> str | None:
        """The text of a plain one-line value as it stands in the file (before YAML read it)."""
        p = tuple(path)
        if p not in self.values:
            return None
        line, column = self.values[p]
        if not 0 < line <= len(self.lines):
            return None
        text = self.lines[line - 1][column - 1:]
        return re.split(r" #|[,\]}]", text, maxsplit=1)[0].strip()

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


class _Unbounded(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node = node
        self.message = message


class _Builder:
    def __init__(self, source: Source, problems: list[Problem]):
        self.source = source
        self.problems = problems
        self.constructor = yaml.constructor.SafeConstructor()
        self.count = 0
        self.open: set[int] = set()  # the collections being built, to find an alias to itself

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Unbounded(node, f"the file holds more than {MAX_VALUES:,} values once its aliases (*name) "
                                  "are filled in; use fewer aliases")
        if len(path) > MAX_DEPTH:
            raise _Unbounded(node, f"the values are nested more than {MAX_DEPTH} levels deep")
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            value = self.constructor.construct_object(node, deep=True)
            # one code point for a letter and its accent (NFC), so that an
            # accent typed as a combining mark prints on its letter
            return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
        if id(node) in self.open:
            raise _Unbounded(node, "an alias (*name) stands inside the value it names, so it never ends")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        if _merged_size(node, {}) > MAX_VALUES:
            raise _Unbounded(node, f"the merge keys (<<) of this mapping give more than {MAX_VALUES:,} "
                                  "values; use fewer of them")
        self.constructor.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.constructor.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)):
                self.problems.append(self._at(key_node, path, "a key must be a plain word"))
                continue
            key = str(key)
            child = path + (key,)
            if key in out:
                self.problems.append(
                    self._at(key_node, child, f"'{key}' is given twice in the same place")
                )
            self.source.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child)
            if out[key] is None and value_node.value == "":
                self._comment_after(key_node, child)
        return out

    def _comment_after(self, key_node: yaml.Node, path: Path_) -> None:
        """`title: #1` or `colour: #A3361F` is an empty value and a comment:
        the value stands at the '#', and a colour there is a problem."""
        mark = key_node.end_mark
        lines = self.source.lines
        rest = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
        found = _COMMENT_AFTER.match(rest)
        if not found:
            return
        column = mark.column + found.start(1) + 1
        self.source.values[path] = (mark.line + 1, column)
        if _HEX_COLOUR.fullmatch(found[1]):
            self.problems.append(Problem(
                self.source.file, mark.line + 1, column, field_name(path),
                f"'#' starts a comment in YAML, so this value is empty: put the colour in quotes, "
                f"{path[-1]}: \"{found[1]}\""))

    def _at(self, node: yaml.Node, path: Path_, message: str) -> Problem:
        return Problem(
            self.source.file,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            field_name(path),
            message,
        )


def _merged_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many key-value pairs a mapping has once its merge keys (<<) are
    flattened, counted without flattening (each mapping once)."""
    if not isinstance(node, yaml.MappingNode):
        return 0
    if id(node) in sizes:
        return sizes[id(node)]
    sizes[id(node)] = MAX_VALUES + 1  # a merge of itself never ends
    total = 0
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            total += sum(_merged_size(m, sizes) for m in merged)
        else:
            total += 1
        if total > MAX_VALUES:
            break
    sizes[id(node)] = total
    return total


def read_yaml(path: Path, shown_as: str, problems: list[Problem], *, root: Path | None = None) -> Source | None:
    """Read one YAML file; on failure add a problem and return None.

    With `root`, the file must lie inside that folder once symbolic links
    are followed; one outside it is a problem and is not read."""
    def fail(message: str, line: int | None = None, column: int | None = None) -> None:
        problems.append(Problem(shown_as, line, column, "", message, unreadable=True))

    line: int | None  # where a problem stands, when it is known
    column: int | None

    if root is not None and not _inside(path, root):
        fail("links outside the kit folder; copy the file into the kit instead of linking to it")
        return None
    if path.is_dir():
        fail("is a folder, not a file; a folder's name must not end in .yaml")
        return None
    if path.exists() and not path.is_file():
        fail("is not a file that can be read (a device or a pipe?)")
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        fail("file not found")
        return None
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror}")
        return None
    if len(data) > MAX_BYTES:
        fail(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB, the most a kit's YAML file may be")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data[:exc.start].decode("utf-8"))
        fail(_not_utf8(data, exc), line, column)
        return None
    kept = _read.get((shown_as, text))
    if kept is not None:  # read before, to the letter: the same values, not the same objects
        _read.move_to_end((shown_as, text))
        return replace(kept, data=_copied(kept.data))
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        line, column = _position(text[:bad.start()])
        char = bad.group()
        name = "a NUL byte" if char == "\0" else f"the control character U+{ord(char):04X}"
        fail(f"{name} stands here, which a text file cannot hold; delete it "
             "(it can come from copying text out of another program)", line, column)
        return None
    source = Source(shown_as, None, lines=text.splitlines())
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        fail(f"YAML syntax error: {exc.problem or exc.context or 'malformed YAML'}"
             + _syntax_hint(exc.problem or "", source.lines, line, column), line, column)
        return None
    except yaml.YAMLError as exc:
        fail(f"YAML syntax error: {exc}")
        return None
    except RecursionError:
        fail("the values are nested too deep to read")
        return None
    if node is None:
        fail("the file is empty", 1, 1)
        return None
    before = len(problems)
    try:
        source.data = _Builder(source, problems).build(node, ())
    except _Unbounded as exc:
        mark = exc.node.start_mark
        del problems[before:]
        fail(exc.message, mark.line + 1, mark.column + 1)
        return None
    except RecursionError:
        del problems[before:]
        fail("the values are nested too deep to read")
        return None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        fail(f"YAML syntax error: {exc.problem}", mark.line + 1 if mark else None,
             mark.column + 1 if mark else None)
        return None
    if len(problems) > before:
        problems[before:] = [Problem(p.file, p.line, p.column, p.field, p.message, unreadable=True)
                             for p in problems[before:]]
        return None
    _read[shown_as, text] = replace(source, data=_copied(source.data))
    if len(_read) > READ_KEPT:
        _read.popitem(last=False)
    return source


def _copied(value: Any) -> Any:
    """A copy of read data: its dicts and lists new, the rest (immutable) shared."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    return value


def _inside(path: Path, root: Path) -> bool:
    """True when the file, its links followed, lies in the folder."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
        return True
    except ValueError:
        return False


def _position(before: str) -> tuple[int, int]:
    """1-based line and column just after the text `before`."""
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    message = f"not UTF-8 text: the byte 0x{data[exc.start]:02X} here cannot be read"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return message + "; save the file as UTF-8"
    return message + ("; the file looks saved as Windows text (cp1252): save it as UTF-8 "
                      "(in Notepad: Save as, Encoding: UTF-8)")


def _syntax_hint(problem: str, lines: list[str], line: int | None, column: int | None) -> str:
    """Words on the usual slip behind a YAML syntax error."""
    text = lines[line - 1] if line and 0 < line <= len(lines) else ""
    at = text[column - 1:column] if column else ""
    before = text[:column - 1] if column else ""
    if "\t" in text[:len(text) - len(text.lstrip())] or "tab" in problem or at == "\t":
        return "; indent with spaces, not tabs"
    if problem.startswith("mapping values are not allowed"):
        if ": " in before or before.rstrip().endswith(":") or before.lstrip().startswith("- "):
            return "; a ': ' inside a text starts a new field: put the text in quotes"
        return "; check the indent of this line: it must line up with the fields above it"
    if "cannot start any token" in problem and at in "@`%":
        return f"; YAML does not let a text start with '{at}': put the text in quotes"
    if problem == "found undefined alias":
        return "; a text that starts with '*' must be put in quotes"
    if "expected" in problem and ("'-'" in problem or "key" in problem or "':'" in problem):
        return "; check the indent of this line: it must line up with the lines above it"
    if "end of stream" in problem:
        return "; a quote is opened and not closed"
    return ""
