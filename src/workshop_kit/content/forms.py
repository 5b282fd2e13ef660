"""The content model of follow-up forms: the questions a participant answers
after scanning a card's or a board's QR code.

A form is set for the whole kit (kit.yaml, follow_up.form) and can be
replaced by a deck, a board, a card or the guide (their own `form`). The most
specific form wins as a whole.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from workshop_kit.content.basics import Slug, Strict, Text

MAX_TEXT = 5000  # the longest free-text answer a form may allow

# The background questions on who answers, in the order the form asks them:
# age (age band), gender, area (where they live), time (hours a month they
# could give), topics (the kit's welfare themes), formats (its dialogue formats).
BACKGROUND = ("age", "gender", "area", "time", "topics", "formats")
BACKGROUND_ID = "background."  # the stored answers' question ids: background.age, ...
MANY = ("topics", "formats")   # background questions with any number of answers
GENDERS = ("woman", "man", "other")  # stored as these; shown as the labels form_gender_<value>
AUDIENCES = ("council", "citizens")  # presets in data/forms/<audience>.yaml
CONTACT_FIELDS = ("name", "email", "phone")
SCALE = ("1", "2", "3", "4", "5")  # the answers of a scale question
DEFAULT_AGE_BANDS = ["0-17", "18-29", "30-49", "50-64", "65+"]
DEFAULT_TIME_BANDS = ["0-2", "3-5", "6-10", "11+"]
BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")


def parse_band(value: str) -> tuple[int, int | None]:
    """(lowest, highest) of a band written "18-29" or "70+" (highest None: open end)."""
    found = BAND.match(value)
    if not found:
        raise ValueError(f"'{value}' is not a band: write it as lowest-highest, e.g. 60-69, "
                         "or lowest+ for an open end, e.g. 70+")
    low = int(found.group(1))
    high = int(found.group(2)) if found.group(2) is not None else None
    if high is not None and high < low:
        raise ValueError(f"'{value}' ends before it starts: write the lowest number first, e.g. {high}-{low}")
    return low, high


def _band(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"{value} is one number: write a band as lowest-highest, e.g. 60-69, or 70+")
    if isinstance(value, str):
        parse_band(value.strip())
        return value.strip()
    return value


def _bands(values: list[str]) -> list[str]:
    """Bands in rising order that do not overlap; an open end only last.
    The first band out of order is reported at its own place in the list."""
    if not values:
        raise ValueError("give at least one band, or leave the field out for the default bands")
    before: tuple[str, int | None] | None = None
    for index, value in enumerate(values):
        low, high = parse_band(value)
        if before is not None:
            previous, end = before
            if end is None:
                _band_error(index, value, f"'{previous}' has an open end, so it must be the last band; "
                                          f"'{value}' comes after it")
            elif low <= end:
                _band_error(index, value, f"'{value}' overlaps '{previous}': list the bands youngest first, "
                                          f"each starting above the one before, e.g. {previous} then {end + 1}-")
        before = (value, high)
    return values


def _band_error(index: int, value: str, message: str) -> None:
    """Raise a band's problem at its index in the list (not at the list)."""
    raise ValidationError.from_exception_data("bands", [InitErrorDetails(
        type=PydanticCustomError("band_order", message.replace("{", "{{").replace("}", "}}")),
        loc=(index,), input=value)])


Band = Annotated[str, BeforeValidator(_band)]


def band_label(kind: str, value: str, labels: dict[str, str]) -> str:
    """An age or time band as the form shows it ("Under 18 år", "18–29 år",
    "65 år eller derover"), from its stored value; anything else as it is."""
    try:
        low, high = parse_band(value)
    except ValueError:
        return value
    if low == 0 and high is not None:
        return labels[f"form_{kind}_under"].format(age=high + 1, high=high)
    if high is None:
        return labels[f"form_{kind}_over"].format(age=low, low=low)
    return labels[f"form_{kind}_band"].format(low=low, high=high)


def age_band_label(value: str, labels: dict[str, str]) -> str:
    return band_label("age", value, labels)


def band_choices(kind: str, bands: list[str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(stored value, shown name) of each age or time band."""
    return [(band, band_label(kind, band, labels)) for band in bands]


def value_label(kind: str, value: str, labels: dict[str, str]) -> str:
    """A stored answer to a background question as the kit's language shows it."""
    if kind in ("age", "time"):
        return band_label(kind, value, labels)
    if kind == "gender" and value in GENDERS:
        return labels[f"form_gender_{value}"]
    return value


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value.casefold() in seen:
            raise ValueError(f"'{value}' is listed twice; each {what} once")
        seen.add(value.casefold())
    return values


class QuestionBase(Strict):
    id: Slug = Field(description="Unique within the form; names the answer in exports and the report.")
    text: Text = Field(description="The question as the participant reads it.")
    help: str = Field("", description="A hint below the question.")
    required: bool = Field(False, description="true: the form cannot be sent without an answer.")


class ChoiceQuestion(QuestionBase):
    options: list[Text] = Field(min_length=2, description="The choices, in order (at least two).")

    _options = field_validator("options")(lambda cls, v: _unique(v, "option"))


class SingleChoice(ChoiceQuestion):
    """One answer from a list."""

    type: Literal["single"] = Field(description="single: one of the options.")


class MultipleChoice(ChoiceQuestion):
    """Any number of answers from a list."""

    type: Literal["multiple"] = Field(description="multiple: any of the options.")


class Scale(QuestionBase):
    """A rating from 1 to 5."""

    type: Literal["scale"] = Field(description="scale: a rating from 1 to 5.")
    low: Text | None = Field(None, description="What 1 means, e.g. Slet ikke.")
    high: Text | None = Field(None, description="What 5 means, e.g. I høj grad.")


class FreeText(QuestionBase):
    """An answer in the participant's own words."""

    type: Literal["text"] = Field(description="text: free text.")
    max_length: int = Field(1000, ge=1, le=MAX_TEXT,
                            description=f"The longest answer in characters (at most {MAX_TEXT}).")


Question = Annotated[Union[SingleChoice, MultipleChoice, Scale, FreeText], Field(discriminator="type")]


class ContactOptIn(Strict):
    """Contact details, asked only when the participant ticks the consent box."""

    consent: Text = Field(description="The consent text beside the box, e.g. who may contact them and about what.")
    fields: list[Literal["name", "email", "phone"]] = Field(
        ["name", "email"], min_length=1, description="What to ask for: name, email, phone.")

    _fields = field_validator("fields")(lambda cls, v: _unique(v, "field"))


class Form(Strict):
    """A follow-up form."""

    audience: Literal["council", "citizens"] | None = Field(
        None, description="Who answers: council (councillors at the workshop: asked about topics and formats, "
                          "not who they are), citizens (after the workshop: also age, gender, area, time, "
                          "and contact details with consent). Sets background and contact where the form "
                          "does not set them itself.")
    title: Text | None = Field(None, description="Heading of the form; by default the label form_title.")
    intro: str = Field("", description="A few words above the questions.")
    questions: list[Question] = Field(
        default_factory=list, min_length=1,
        description="The questions, in order. Left out: the questions (and the rest) of the kit's form, "
                    "e.g. to ask another audience on a deck or board.")
    background: list[Literal["age", "gender", "area", "time", "topics", "formats"]] = Field(
        default_factory=list,
        description="Optional questions on who answers: age (age band), gender, area (where they live), "
                    "time (hours a month they could give), topics (which of the kit's welfare themes "
                    "interest them), formats (which of the kit's dialogue formats they would join).")
    age_bands: list[Band] = Field(
        default_factory=lambda: list(DEFAULT_AGE_BANDS),
        description="The age bands of the age question, youngest first, e.g. [0-17, 18-29, 30-39, 40-49, "
                    "50-59, 60-69, 70+]; lowest-highest, the last may be open (70+).",
        json_schema_extra={"items": {"type": "string", "pattern": BAND.pattern}})
    time_bands: list[Band] = Field(
        default_factory=lambda: list(DEFAULT_TIME_BANDS),
        description="The choices of the time question, in hours a month, e.g. [0-2, 3-5, 6-10, 11+].",
        json_schema_extra={"items": {"type": "string", "pattern": BAND.pattern}})
    areas: list[Text] = Field(default_factory=list,
                              description="The areas to choose from for the area question; "
                                          "none: the participant writes their area.")
    contact: ContactOptIn | None = Field(
        None, description="Ask for contact details, only with the participant's consent.")
    thanks: Text | None = Field(None, description="Shown after the answer is sent; "
                                                  "by default the label form_thanks_text.")

    _background = field_validator("background")(lambda cls, v: _unique(v, "background question"))
    _age_bands = field_validator("age_bands")(lambda cls, v: _bands(v))
    _time_bands = field_validator("time_bands")(lambda cls, v: _bands(v))

    @field_validator("areas")
    @classmethod
    def _areas(cls, areas: list[str]) -> list[str]:
        if not areas:
            raise ValueError("give at least one area, or leave areas out to let participants write theirs")
        return _unique(areas, "area")

    @field_validator("questions")
    @classmethod
    def _ids(cls, questions: list) -> list:
        _unique([q.id for q in questions], "question id")
        return questions

    @property
    def own_questions(self) -> bool:
        """Whether the form sets its questions (then it wins as a whole)."""
        return "questions" in self.model_fields_set
