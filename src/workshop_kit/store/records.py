"""What the store keeps: a participant's response to one card, board or
guide, as saved and as read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Contact:
    """How to reach the participant, given only with their consent."""

    consent: str  # the consent text the participant agreed to, stored as evidence
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Response:
    """One submitted form, as saved."""

    submission: str  # random id from the form (hex, at most 64 characters): the idempotency key
    kit: str  # kit id
    deck: str  # deck slug, "boards" for a board, "guide" for the guide
    card: str  # card id, board slug, or kit id for the guide
    lang: str  # "da" / "en"
    # (question id, value); a multiple-choice question gives one pair per
    # chosen option; background questions use ids like "background.age",
    # "background.area", "background.formats"
    answers: tuple[tuple[str, str], ...]
    contact: Contact | None = None
    received_at: datetime | None = None  # aware; save() sets now (UTC) when None


@dataclass(frozen=True)
class StoredResponse:
    """One saved response, as read back: answers in the order given,
    received_at in UTC."""

    id: int
    submission: str
    kit: str
    deck: str
    card: str
    lang: str
    answers: tuple[tuple[str, str], ...]
    contact: Contact | None
    received_at: datetime


@dataclass(frozen=True)
class StoredAnswer:
    """One answer to one question, as read back for the facilitator's
    approval: never with the response's contact details."""

    id: int
    deck: str
    card: str
    question: str
    value: str
    received_at: datetime
    approved: bool  # the facilitator lets the live screen show it
