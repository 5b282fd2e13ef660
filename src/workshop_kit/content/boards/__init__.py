"""The content of boards, one module per board type (influence circle,
partner matrix, partner list, checklist), registered once in registry.py."""

from __future__ import annotations

from workshop_kit.content.boards.base import BoardBase
from workshop_kit.content.boards.registry import BoardType, board_type, board_types

BOARD_MODELS = {name: kind.model for name, kind in board_types().items()}


def filled_in(kind: str, model) -> bool:
    """True when a board places its elements or partners: it then has a
    filled-in version, the record of a session."""
    return board_type(kind).filled_in(model)


__all__ = ["BOARD_MODELS", "BoardBase", "BoardType", "board_type", "board_types", "filled_in"]
