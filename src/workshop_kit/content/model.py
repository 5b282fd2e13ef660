"""The content model: what a kit, its theme and its decks may contain.

Field descriptions are written for the consultant who edits the YAML.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema, field_validator, model_validator

from workshop_kit.builtin import builtin
from workshop_kit.content.basics import SLUG, Slug, Strict, Text, is_slug, slug_from  # noqa: F401 (re-exported)
from workshop_kit.content.forms import Form

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def placeholders(text: str) -> list[str]:
    """The {names} of a text to be filled in, in order; ValueError if a brace is unbalanced."""
    return list(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(text) if name))


# What the JSON Schema says of a value that is checked in Python
# (the schema helps the editor; the checks here give the error messages).
HEX_SCHEMA = {"type": "string", "pattern": HEX.pattern, "examples": ["#1F5C99"]}
URL_SCHEMA = {"type": "string", "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^/\s]\S*$",
              "examples": ["https://forms.example.org/f/{kit}/{deck}/{card}"]}
PERCENT_SCHEMA = {"type": "number", "minimum": 0, "maximum": 100}

URL_FIELDS = {"kit", "deck", "card", "lang"}


# --- colours and theme ------------------------------------------------------

Percent = Annotated[float, WithJsonSchema(PERCENT_SCHEMA)]


class CMYK(Strict):
    """A colour for print shops, in CMYK per cent."""

    cmyk: tuple[Percent, Percent, Percent, Percent] = Field(
        description="Cyan, magenta, yellow and black in per cent (0-100), for print shops.",
        examples=[[100, 60, 0, 20]],
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


HexColour = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_hex),
                      WithJsonSchema(HEX_SCHEMA)]
Colour = Union[HexColour, CMYK]


class Theme(Strict):
    """The kit's font and colours."""

    font: str = Field(
        "Fira Sans",
        description="Font family, installed as a Python font package (fontpkg).",
    )
    colours: dict[str, Colour] = Field(
        default_factory=dict,
        description="Colour roles used by the templates (ink, paper, muted, on-accent, one per "
                    "card or board type, tint-<type>): #RRGGBB or {cmyk: [c, m, y, k]}.",
        examples=[{"dilemma": "#A3361F", "tint-dilemma": "#F7E7E3"}],
    )


# --- sizes ------------------------------------------------------------------

class Size(Strict):
    """A card size of your own, in millimetres."""

    width: float = Field(gt=20, le=300, description="Trim width in millimetres.")
    height: float = Field(gt=20, le=300, description="Trim height in millimetres.")


CARD_SIZES: dict[str, dict] = builtin("card_sizes")
CardSize = Union[
    Annotated[str, StringConstraints(strip_whitespace=True),
              WithJsonSchema({"type": "string", "enum": list(CARD_SIZES)})],
    Size,
]
CARD_SIZE_HELP = "Card size: " + ", ".join(
    f"{name} ({s['width']:g} x {s['height']:g} mm)" for name, s in CARD_SIZES.items()
) + ", or {width, height} in mm."


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


UrlTemplate = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_url_template),
                        WithJsonSchema(URL_SCHEMA)]


def check_base_url(value: str) -> str:
    """The address a server answers at: http(s), a host, no placeholders, no query."""
    check_url_template(value)
    if placeholders(value) or "?" in value or "#" in value:
        raise ValueError(f"'{value}' must be a plain address, e.g. http://192.168.1.20:8000, "
                         "without {placeholders}, ? or #")
    return value.rstrip("/")


BaseUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_base_url),
                    WithJsonSchema(URL_SCHEMA | {"examples": ["http://192.168.1.20:8000"]})]
FORM_PATH = "/f/{kit}/{deck}/{card}"  # where `serve` puts the forms under base_url by default


class FollowUp(Strict):
    """The follow-up forms and where the QR codes lead."""

    base_url: BaseUrl | None = Field(
        None, description="The address participants reach `workshop-kit serve` at, e.g. "
                          "http://192.168.1.20:8000 or https://workshop.kommune.dk. Without url, "
                          f"the QR codes lead to base_url{FORM_PATH}.")
    url: UrlTemplate | None = Field(
        None, description="URL template of the follow-up form; placeholders {kit}, {deck}, {card}, {lang}. "
                          "Set it for a form served elsewhere; by default it follows base_url."
    )
    form: Form | None = Field(None, description="The kit's follow-up form; a deck, board, card or the "
                                                "guide can have its own form instead.")
    links: Literal["full", "short"] = Field(
        "full", description="What the QR codes carry: full, the whole follow-up URL "
                            f"(base_url{FORM_PATH}); short, a short link base_url/q/<code> that "
                            "`workshop-kit serve` answers with the form, or sends on to form_url.")
    form_url: UrlTemplate | None = Field(
        None, description="A form elsewhere (Microsoft Forms, Google Forms) that `workshop-kit serve` sends "
                          "the QR codes on to, instead of its own form; placeholders {kit}, {deck}, {card}, "
                          "{lang}. Change it and restart serve to repoint printed codes.",
        examples=["https://docs.google.com/forms/d/e/FORM-ID/viewform?usp=pp_url&entry.1000001={card}"])
    privacy_threshold: int = Field(5, ge=1, le=1000, description="The live screen and the report show no "
                                   "group of answers smaller than this, but 'fewer than' this number.")

    @model_validator(mode="after")
    def _address(self) -> "FollowUp":
        if self.url is None and self.base_url is None:
            raise ValueError("give base_url (the address of workshop-kit serve) or url (a form elsewhere)")
        if self.links == "short" and self.base_url is None:
            raise ValueError("links: short needs base_url, the address of workshop-kit serve that answers "
                             "the short links")
        return self

    @property
    def template(self) -> str:
        if self.url:
            return self.url
        assert self.base_url is not None  # _address: one of the two is given
        return self.base_url + FORM_PATH


class QRSettings(Strict):
    """The QR code of a deck or a board."""

    enabled: bool = Field(True, description="Print a QR code (false: no code at all).")
    url: UrlTemplate | None = Field(
        None, description="URL template for this deck or board only, instead of follow_up.url.")
    form_url: UrlTemplate | None = Field(
        None, description="A form elsewhere for this deck or board only, instead of follow_up.form_url.")
    code: Slug | None = Field(None, description="The board's own short-link code (follow_up.links: short).")


# --- the kit ----------------------------------------------------------------

def _label_properties(schema: dict) -> None:
    """Every printed text a kit may replace, with its Danish and English default."""
    danish, english = builtin("labels/da"), builtin("labels/en")
    schema["properties"] = {
        key: {"type": "string", "minLength": 1,
              "description": f"Default: \"{text}\" (English: \"{english.get(key, text)}\")."}
        for key, text in danish.items()
    }
    schema["patternProperties"] = {  # the headings a card template declares for its fields
        r"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z][a-z0-9_]*$": {
            "type": "string", "minLength": 1,
            "description": "The heading of a field of a card type, as <type>.<field>, e.g. political-lever.question."}}
    schema["additionalProperties"] = False


class Kit(Strict):
    """kit.yaml: the settings of a kit."""

    id: Slug = Field(description="Short name of the kit, used in URLs ({kit}).", examples=["temadag"])
    title: Text = Field(description="Title of the kit, e.g. the theme day's name.")
    organisation: Text = Field(description="The municipality or organisation.")
    language: Literal["da", "en"] = Field(
        "da", description="Language of the fixed texts the cards print (da: Danish, en: English).")
    card_size: CardSize = Field("poker", description=CARD_SIZE_HELP)
    paper: Literal["a4", "letter", "a3"] = Field("a4", description="Paper for the office printer.")
    duplex: Literal["long-edge", "short-edge"] = Field(
        "long-edge", description="How the printer flips the sheet for the backs."
    )
    bleed: float = Field(3, ge=0, le=10, description="Bleed in mm for the print-shop files.")
    sheet_layout: Slug = Field(
        "office", description="How the cards stand on the office sheets: a layout of your own in "
                              "layouts/<name>.yaml, or a shipped one (office: duplex with crop marks; "
                              "fronts: fronts only; fold: front and back side by side to fold; "
                              "cut-lines: lines across the sheet).")
    theme: Theme = Field(default_factory=Theme, description="Font and colours.")
    logo: Text | None = Field(None, description="The kit's logo (PNG, JPEG or SVG in the kit's pictures/ "
                                                "folder), on the card backs, the boards, the guide, the "
                                                "report and the follow-up forms.",
                              examples=["pictures/logo.svg"])
    follow_up: FollowUp = Field(description="Where the QR codes lead.")
    labels: dict[str, Text] = Field(
        default_factory=dict, description="Replace fixed printed texts, e.g. {scan: 'Scan mig'}.",
        json_schema_extra=_label_properties,
    )

    def follow_up_url(self, deck: str, card: str, *own: str | None) -> str:
        """The follow-up URL of a card, board or guide: from its own template
        (the most specific of `own` that is set), or from follow_up.url."""
        template = next((t for t in own if t), self.follow_up.template)
        return template.format(kit=self.id, deck=deck, card=card, lang=self.language)


# --- cards ------------------------------------------------------------------

class Card(Strict):
    id: Slug = Field(description="Unique within the deck; used in URLs ({card}). "
                                 "Lowercase a-z, digits and hyphens; write æ ø å as ae oe aa.",
                     examples=["frivillige-i-sfo"])
    title: Text = Field(description="Title printed on the card.")
    qr_url: UrlTemplate | None = Field(None, description="Follow-up URL for this card only.")
    form: Form | None = Field(None, description="A follow-up form for this card only.")
    form_url: UrlTemplate | None = Field(None, description="A form elsewhere for this card only, instead of "
                                                           "the deck's or follow_up.form_url.")
    code: Slug | None = Field(None, description="The card's own short-link code (follow_up.links: short), "
                                                "instead of one derived from its id.")
    copies: int = Field(1, ge=1, le=100, description="How many of this card are printed, e.g. 2 to have it "
                                                     "twice in the deck.")
    picture: Text | None = Field(None, description="A picture of the card (PNG, JPEG or SVG in the kit's "
                                                   "pictures/ folder), drawn where its template says {picture}.",
                                 examples=["pictures/aeldre.svg"])


class DeckHead(Strict):
    """A deck file without its cards; the cards are checked by type."""

    type: Slug = Field(description="The kind of cards in the deck: the name of a card template "
                                   "(templates/<type>.yaml).")
    name: Text = Field(description="Deck name printed on every card.")
    description: str = Field("", description="What the deck is for and how to use it.")
    card_size: CardSize | None = Field(None, description="Overrides the kit's card size. " + CARD_SIZE_HELP)
    colour: Colour | None = Field(None, description="Overrides the theme colour of the card type.")
    qr: QRSettings = Field(default_factory=QRSettings, description="The QR code on the cards.")
    form: Form | None = Field(None, description="The follow-up form of this deck's cards, instead of the kit's.")
    copies: int = Field(1, ge=1, le=100, description="How many copies of the whole deck are printed, "
                                                     "e.g. 6 for one deck per table.")
    sheet_layout: Slug | None = Field(None, description="The sheet layout of this deck's office sheets, "
                                                        "instead of the kit's sheet_layout.")
    cards: list = Field(min_length=1, description="The cards of the deck.")
