"""What every board takes, whatever its type."""

from __future__ import annotations

from pydantic import Field

from workshop_kit.content.forms import Form
from workshop_kit.content.model import QRSettings, Strict, Text
from workshop_kit.content.sources import Citation, sources_field


class BoardBase(Strict):
    type: str = Field(description="The kind of board.")
    title: Text = Field(description="Title printed at the top of the board.")
    intro: str = Field("", description="A short text on what the board is for.")
    qr: QRSettings = Field(default_factory=QRSettings, description="The QR code on the board.")
    form: Form | None = Field(None, description="The follow-up form of this board, instead of the kit's.")
    sources: list[Citation] = sources_field()
