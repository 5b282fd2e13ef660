"""A board's tokens: their size on a poster, and each drawn where it was
placed on the filled-in board."""

from __future__ import annotations

from workshop_kit.layout.boxes import Box, Face, Fill, Group, Stroke, moved


def on_poster(width: float, height: float, scale: float) -> tuple[float, float]:
    """A token measured on the template's reference paper (mm, to a tenth),
    on a poster `scale` times as large: it grows with the poster exactly as
    its text does, so text that fits on the reference paper fits on every
    poster size."""
    return round(width, 1) * scale, round(height, 1) * scale


def placed_token(name: str, face: Face, x: float, y: float, subject) -> Group:
    """A token drawn where it was placed, outlined so it stands out."""
    outline = Stroke(((x, y), (x + face.width, y), (x + face.width, y + face.height), (x, y + face.height)),
                     subject.palette["accent"], 0.4 * subject.scale, closed=True)
    return Group(name, (Fill(Box(x, y, face.width, face.height), face.background),)
                 + moved(face.items, x, y) + (outline,))
