"""Content stage: YAML files -> a validated kit model, or every problem found."""

from workshop_kit.content.kit import Deck, KitContent, load_kit

__all__ = ["Deck", "KitContent", "load_kit"]
