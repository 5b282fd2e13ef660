"""A submitted form read and checked against the form it answers.

Every field name of the page is known in advance; anything else is refused.
Answers that a participant can correct (a required question left out, a text
too long) come back as messages per field, in the kit's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workshop_kit.content.forms import BACKGROUND_ID, DEFAULT_AGE_BANDS, MANY, SCALE, Form, band_choices

AREA_MAX = 100
CONTACT_MAX = {"name": 200, "email": 254, "phone": 40}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")
TOKEN_FIELD = "token"
# Control characters other than tab and line break: nothing a person types,
# and a spreadsheet cannot hold them (pasted from another program).
CONTROL = re.compile("[\x01-\x08\x0b-\x1f\x7f]")


def age_bands(labels: dict[str, str], bands: list[str] = DEFAULT_AGE_BANDS) -> list[tuple[str, str]]:
    """(stored value, shown name) of each age band (by default the default bands)."""
    return band_choices("age", bands, labels)


@dataclass(frozen=True)
class Page:
    """What a form page offers besides its questions."""

    form: Form
    # (stored value, shown text) of each background question's choices
    # (content.follow_up.background_choices); none for an area written freely
    choices: dict[str, list[tuple[str, str]]]

    @property
    def background(self) -> tuple[str, ...]:
        """The background questions asked: topics and formats only when the kit has some to offer."""
        return tuple(b for b in self.form.background if b == "area" or self.choices.get(b))

    def field_names(self) -> set[str]:
        names = {f"q-{q.id}" for q in self.form.questions}
        names |= {f"b-{b}" for b in self.background}
        if self.form.contact:
            names |= {"c-consent"} | {f"c-{f}" for f in self.form.contact.fields}
        return names


@dataclass
class Submitted:
    answers: list[tuple[str, str]] = field(default_factory=list)
    contact: dict[str, str] | None = None
    errors: dict[str, str] = field(default_factory=dict)    # field name -> message
    values: dict[str, list[str]] = field(default_factory=dict)  # as sent, to show again


class Refused(Exception):
    """A submission no page of ours could have sent."""


def read(page: Page, fields: list[tuple[str, str]], labels: dict[str, str]) -> Submitted:
    """The answers in `fields` (name, value pairs as posted, token excluded)."""
    known = page.field_names()
    values: dict[str, list[str]] = {}
    for name, value in fields:
        if name not in known:
            raise Refused(f"unknown field {name[:40]!r}")
        if "\x00" in value:
            raise Refused(f"a NUL character in {name}")
        value = CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        values.setdefault(name, []).append(value.strip())
    out = Submitted(values=values)

    def one(name: str) -> str:
        given = [v for v in values.get(name, []) if v]
        if len(given) > 1:
            raise Refused(f"{name} sent twice")
        return given[0] if given else ""

    def choose(name: str, options, many: bool) -> list[str]:
        chosen = [v for v in values.get(name, []) if v] if many else [one(name)] if one(name) else []
        if len(set(chosen)) != len(chosen) or any(c not in options for c in chosen):
            out.errors[name] = labels["form_error_choice"]
            return []
        return chosen

    for question in page.form.questions:
        name = f"q-{question.id}"
        if question.type == "text":
            chosen = [one(name)] if one(name) else []
            if chosen and len(chosen[0]) > question.max_length:
                out.errors[name] = labels["form_error_too_long"].format(max=question.max_length)
        elif question.type == "scale":
            chosen = choose(name, SCALE, many=False)
        else:
            chosen = choose(name, question.options, many=question.type == "multiple")
        if question.required and not chosen and name not in out.errors:
            out.errors[name] = labels["form_error_required"]
        out.answers += [(question.id, value) for value in chosen]

    for kind in page.background:
        name = f"b-{kind}"
        offered = page.choices.get(kind)
        if offered:
            chosen = choose(name, {value for value, _ in offered}, many=kind in MANY)
        else:  # an area in the participant's own words
            chosen = [one(name)] if one(name) else []
            if chosen and len(chosen[0]) > AREA_MAX:
                out.errors[name] = labels["form_error_too_long"].format(max=AREA_MAX)
        out.answers += [(BACKGROUND_ID + kind, value) for value in chosen]

    if page.form.contact:
        out.contact = _contact(page, one, labels, out.errors)
    questions = page.form.questions
    if questions and not out.errors and not out.contact \
            and all(qid.startswith(BACKGROUND_ID) for qid, _ in out.answers):
        # Nothing answered (what the participant told about themselves
        # alone says nothing about the card): not stored, not counted.
        out.errors[f"q-{questions[0].id}"] = labels["form_error_empty"]
    return out


def _contact(page: Page, one, labels: dict[str, str], errors: dict[str, str]) -> dict[str, str] | None:
    """The contact details, only with consent; details without consent are an
    error, so that nothing personal is stored by mistake."""
    assert page.form.contact is not None  # asked only of a form that asks for contact details
    consent = one("c-consent") == "yes"
    details: dict[str, str] = {f: one(f"c-{f}") for f in page.form.contact.fields}
    if not consent:
        if any(details.values()):
            errors["c-consent"] = labels["form_error_consent"]
        return None
    for name, value in details.items():
        if len(value) > CONTACT_MAX[name]:
            errors[f"c-{name}"] = labels["form_error_too_long"].format(max=CONTACT_MAX[name])
        elif name == "email" and value and not EMAIL.match(value):
            errors["c-email"] = labels["form_error_email"]
        elif name == "phone" and value and not PHONE.match(value):
            errors["c-phone"] = labels["form_error_phone"]
    if not any(details.values()):
        errors[f"c-{page.form.contact.fields[0]}"] = labels["form_error_required"]
    return {"consent": page.form.contact.consent, **details}
