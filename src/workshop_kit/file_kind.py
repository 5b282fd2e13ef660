"""The kinds of file a build writes, as manifest.json names them."""

from __future__ import annotations

from enum import StrEnum


class FileKind(StrEnum):
    """The "kind" of a file in manifest.json; each member is its string there."""

    CARD_DECK = "card-deck"
    BOARD_POSTER = "board-poster"
    BOARD_PNG = "board-png"
    BOARD_SVG = "board-svg"
    BOARD_TILES = "board-tiles"
    TOKEN_SHEET = "token-sheet"
    GUIDE = "guide"
    CARD_PICTURE = "card-picture"


SCREEN_KINDS = frozenset({FileKind.BOARD_PNG, FileKind.BOARD_SVG, FileKind.CARD_PICTURE})  # for screens, never printed
