"""The board types, each registered once by its own module of this
package: its content model, the list whose items are cut out as tokens,
whether a board of it has a filled-in version, and its checks against the
kit's other boards. Nothing outside a type's module asks for a type by name."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, get_args

from workshop_kit.content.boards.base import BoardBase

# (board, the kit's boards by slug, slugs of board files that could not be
# read) -> (problem, held back: it names a board that could not be read)
CrossCheck = Callable[[Any, dict[str, Any], set[str]], list[tuple[Any, bool]]]


@dataclass(frozen=True)
class BoardType:
    name: str
    model: type[BoardBase]
    tokens: str | None = None          # the list field whose items are cut out as tokens
    token_text: Callable[[Any], str] = lambda item: ""
    filled_in: Callable[[Any], bool] = lambda model: False  # it places its tokens: a record of a session
    check: CrossCheck = field(default=lambda board, boards, unread: [])

    def token_items(self, model) -> list:
        return list(getattr(model, self.tokens)) if self.tokens else []


_TYPES: dict[str, BoardType] = {}
_loaded = False


def register(model: type[BoardBase], **how) -> BoardType:
    """Register a board type; its name is the Literal of its model's `type`."""
    (name,) = get_args(model.model_fields["type"].annotation)
    if name in _TYPES:
        raise ValueError(f"board type '{name}' is registered twice")
    kind = _TYPES[name] = BoardType(name, model, **how)
    return kind


def board_types() -> dict[str, BoardType]:
    """Every board type by name, sorted; the modules of this package are imported first."""
    global _loaded
    if not _loaded:
        _loaded = True
        package = importlib.import_module(__package__)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{__package__}.{module.name}")
    return dict(sorted(_TYPES.items()))


def board_type(name: str) -> BoardType:
    return board_types()[name]
