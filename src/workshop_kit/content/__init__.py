"""Content stage: YAML files -> a validated kit model, or every problem found."""

from workshop_kit.content.kit import Board, Deck, KitContent, load_kit

__all__ = ["Board", "Deck", "KitContent", "load_kit"]
