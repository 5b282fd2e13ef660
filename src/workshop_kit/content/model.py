"""The content model: what a kit, its theme and its decks may contain.

Field descriptions are written for the consultant who edits the YAML.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    Field(description="Lowercase letters a-z, digits and hyphens; used in URLs and file names."),
]
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

URL_FIELDS = {"kit", "deck", "card", "lang"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- colours and theme ------------------------------------------------------

class CMYK(Strict):
    cmyk: tuple[float, float, float, float] = Field(
        description="Cyan, magenta, yellow and black in per cent (0-100), for print shops."
    )

    @field_validator("cmyk")
    @classmethod
    def _range(cls, value):
        if any(not 0 <= v <= 100 for v in value):
            raise ValueError("each CMYK value is a percentage from 0 to 100")
        return value


def check_hex(value: str) -> str:
    if not HEX.match(value):
        raise ValueError(f"'{value}' is not a colour; write it as #RRGGBB, e.g. #1F4E79")
    return value.upper()


Colour = Union[Annotated[str, StringConstraints(strip_whitespace=True)], CMYK]


class Theme(Strict):
    font: str = Field(
        "Atkinson Hyperlegible",
        description="Font family, installed as a Python font package (fontpkg).",
    )
    colours: dict[str, Colour] = Field(
        default_factory=dict,
        description="Colour roles used by the templates: #RRGGBB or {cmyk: [c, m, y, k]}.",
    )

    @field_validator("colours")
    @classmethod
    def _colours(cls, value):
        for role, colour in value.items():
            if isinstance(colour, str):
                check_hex(colour)
        return value


# --- sizes ------------------------------------------------------------------

class Size(Strict):
    width: float = Field(gt=20, le=300, description="Trim width in millimetres.")
    height: float = Field(gt=20, le=300, description="Trim height in millimetres.")


CardSize = Union[Annotated[str, StringConstraints(strip_whitespace=True)], Size]


# --- follow-up links ---------------------------------------------------------

def check_url_template(value: str) -> str:
    """A follow-up URL template: http(s) only, known placeholders only."""
    lowered = value.lower()
    if not (lowered.startswith("https://") or lowered.startswith("http://")):
        raise ValueError(f"'{value}' must start with https:// (or http://)")
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(value)
                  if name is not None]
    except ValueError as exc:
        raise ValueError(f"'{value}' has an unbalanced brace: {exc}") from None
    for name, spec, conv in fields:
        if spec or conv:
            raise ValueError(f"write the placeholder as {{{name}}}, without a format or conversion")
    names = [name for name, _, _ in fields]
    unknown = sorted(set(names) - URL_FIELDS)
    if unknown:
        raise ValueError(
            f"unknown placeholder {{{unknown[0]}}}; use {{kit}}, {{deck}}, {{card}} or {{lang}}"
        )
    host = value.split("://", 1)[1].split("/", 1)[0]
    if not host or " " in value:
        raise ValueError(f"'{value}' is not a valid URL")
    return value


UrlTemplate = Annotated[str, StringConstraints(strip_whitespace=True)]


class FollowUp(Strict):
    url: UrlTemplate = Field(
        description="URL template of the follow-up form; placeholders {kit}, {deck}, {card}, {lang}."
    )

    _check = field_validator("url")(classmethod(lambda cls, v: check_url_template(v)))


class QRSettings(Strict):
    enabled: bool = Field(True, description="Print a QR code on every card of the deck.")
    url: UrlTemplate | None = Field(None, description="URL template for this deck only.")

    @field_validator("url")
    @classmethod
    def _url(cls, value):
        return None if value is None else check_url_template(value)


# --- the kit ----------------------------------------------------------------

class Kit(Strict):
    id: Slug = Field(description="Short name of the kit, used in URLs ({kit}).")
    title: Text = Field(description="Title of the kit, e.g. the theme day's name.")
    organisation: Text = Field(description="The municipality or organisation.")
    language: Literal["da", "en"] = Field("da", description="Language of the printed fixed texts.")
    card_size: CardSize = Field("poker", description="Card size preset or {width, height} in mm.")
    paper: Literal["a4", "letter", "a3"] = Field("a4", description="Paper for home printing.")
    duplex: Literal["long-edge", "short-edge"] = Field(
        "long-edge", description="How the printer flips the sheet for the backs."
    )
    bleed: float = Field(3, ge=0, le=10, description="Bleed in mm for the print-shop files.")
    theme: Theme = Field(default_factory=Theme)
    follow_up: FollowUp
    labels: dict[str, Text] = Field(
        default_factory=dict, description="Override fixed printed texts, e.g. {scan: 'Scan mig'}."
    )


# --- cards ------------------------------------------------------------------

class Card(Strict):
    id: Slug = Field(description="Unique within the deck; used in URLs ({card}).")
    title: Text
    qr_url: UrlTemplate | None = Field(None, description="Follow-up URL for this card only.")

    @field_validator("qr_url")
    @classmethod
    def _url(cls, value):
        return None if value is None else check_url_template(value)


Items = Annotated[list[Text], Field(min_length=1)]
Ids = list[Slug]


class Barriers(Strict):
    framework_conditions: Text = Field(description="Rammevilkår: economy, structures.")
    room_for_action: Text = Field(description="Handlerum: what can actually be changed.")
    professional_practice: Text = Field(description="Faglighed: professional habits and culture.")
    legislation: Text = Field(description="Lovgivning: rules that bind.")


class WelfareThemeCard(Card):
    summary: Text
    opportunities: Items
    barriers: Barriers
    questions: Items = Field(description="Questions for the council.")


class Effort(Strict):
    time: Text
    resources: Text


class DialogueFormatCard(Card):
    what: Text = Field(description="What the format is.")
    when: Text = Field(description="When it suits.")
    who: Text = Field(description="Who it reaches.")
    effort: Effort
    legal_basis: Text | None = None
    example: Text | None = None
    dilemmas: Ids = Field(default_factory=list, description="Ids of related dilemma cards.")


class DilemmaCard(Card):
    scenario: Text
    question: Text = Field(description="The question put to the council.")
    formats: Ids = Field(default_factory=list, description="Ids of dialogue-format cards.")
    themes: Ids = Field(default_factory=list, description="Ids of welfare-theme cards.")


class PoliticianRoleCard(Card):
    tagline: Text
    description: Text
    strengths: Items
    pitfalls: Items
    reflection: Text = Field(description="A reflection question for the politician.")


CARD_MODELS: dict[str, type[Card]] = {
    "welfare-theme": WelfareThemeCard,
    "dialogue-format": DialogueFormatCard,
    "dilemma": DilemmaCard,
    "politician-role": PoliticianRoleCard,
}

# Which link fields point at which type of card.
LINKS: dict[str, dict[str, str]] = {
    "dialogue-format": {"dilemmas": "dilemma"},
    "dilemma": {"formats": "dialogue-format", "themes": "welfare-theme"},
}


class DeckHead(Strict):
    """A deck file without its cards; the cards are checked by type."""

    type: Literal["welfare-theme", "dialogue-format", "dilemma", "politician-role"]
    name: Text = Field(description="Deck name printed on every card.")
    description: str = ""
    card_size: CardSize | None = Field(None, description="Overrides the kit's card size.")
    colour: Colour | None = Field(None, description="Overrides the theme colour of the type.")
    qr: QRSettings = Field(default_factory=QRSettings)
    cards: list = Field(min_length=1, description="The cards of the deck.")
