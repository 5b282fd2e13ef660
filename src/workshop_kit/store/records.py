"""The stored answers to the follow-up forms, as the database gives them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Contact:
    consent: str
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class StoredResponse:
    id: int
    submission: str
    kit: str
    deck: str
    card: str
    lang: str
    answers: tuple[tuple[str, str], ...]  # (question id, value); one pair per chosen option
    contact: Contact | None
    received_at: datetime  # aware, UTC
