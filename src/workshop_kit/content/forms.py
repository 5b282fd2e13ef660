"""The content model of follow-up forms: the questions a participant answers
after scanning a card's or a board's QR code.

A form is set for the whole kit (kit.yaml, follow_up.form) and can be
replaced by a deck, a board, a card or the guide (their own `form`). The most
specific form wins as a whole.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, field_validator

from workshop_kit.content.basics import Slug, Strict, Text

MAX_TEXT = 5000  # the longest free-text answer a form may allow

# Age bands of the background question: (lowest, highest) age, None: open end.
AGE_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, 17), (18, 29), (30, 49), (50, 64), (65, None))
BACKGROUND = ("age", "area", "formats")
BACKGROUND_ID = "background."  # the stored answers' question ids: background.age, ...
CONTACT_FIELDS = ("name", "email", "phone")
SCALE = ("1", "2", "3", "4", "5")  # the answers of a scale question


def age_band_values() -> list[str]:
    """How an answer to the age question is stored: "0-17", "18-29", ..., "65+"."""
    return [f"{low or 0}-{high}" if high is not None else f"{low}+" for low, high in AGE_BANDS]


def age_band_label(value: str, labels: dict[str, str]) -> str:
    """An age band as the form shows it ("Under 18 år", "18–29 år", "65 år
    eller derover"), from its stored value; an unknown value as it is."""
    for (low, high), stored in zip(AGE_BANDS, age_band_values()):
        if value == stored:
            if low is None:
                assert high is not None  # the first band, "under high + 1", has an upper end
                return labels["form_age_under"].format(age=high + 1)
            if high is None:
                return labels["form_age_over"].format(age=low)
            return labels["form_age_band"].format(low=low, high=high)
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

    title: Text | None = Field(None, description="Heading of the form; by default the label form_title.")
    intro: str = Field("", description="A few words above the questions.")
    questions: list[Question] = Field(min_length=1, description="The questions, in order.")
    background: list[Literal["age", "area", "formats"]] = Field(
        default_factory=list,
        description="Optional questions on who answers: age (age band), area (where they live), "
                    "formats (which of the kit's dialogue formats they would join).")
    areas: list[Text] = Field(default_factory=list,
                              description="The areas to choose from for the area question; "
                                          "none: the participant writes their area.")
    contact: ContactOptIn | None = Field(
        None, description="Ask for contact details, only with the participant's consent.")
    thanks: Text | None = Field(None, description="Shown after the answer is sent; "
                                                  "by default the label form_thanks_text.")

    _background = field_validator("background")(lambda cls, v: _unique(v, "background question"))
    _areas = field_validator("areas")(lambda cls, v: _unique(v, "area"))

    @field_validator("questions")
    @classmethod
    def _ids(cls, questions: list) -> list:
        _unique([q.id for q in questions], "question id")
        return questions

