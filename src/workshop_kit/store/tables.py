"""The tables of the response store, as SQLAlchemy Core metadata.

The migrations in migrations/versions/ create exactly these tables (a test
compares them); a change here needs a new revision there.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# Constraint names are spelled out, so that every database and every
# migration names them alike.
metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

SUBMISSION_LENGTH = 64
SLUG_LENGTH = 200  # kit, deck and card ids, question ids


class UtcDateTime(TypeDecorator):
    """A point in time: stored in UTC, read back as an aware UTC datetime.

    PostgreSQL keeps it as `timestamp with time zone`; SQLite has no such
    type and keeps the UTC wall time, so that comparing and ordering work
    on both."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone: give an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


responses = Table(
    "responses", metadata,
    Column("id", Integer, primary_key=True),
    Column("submission", String(SUBMISSION_LENGTH), nullable=False),
    Column("kit", String(SLUG_LENGTH), nullable=False),
    Column("deck", String(SLUG_LENGTH), nullable=False),
    Column("card", String(SLUG_LENGTH), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("contact_consent", Text, nullable=True),
    Column("contact_name", String(200), nullable=True),
    Column("contact_email", String(320), nullable=True),
    Column("contact_phone", String(64), nullable=True),
    UniqueConstraint("submission"),
    Index(None, "kit", "deck", "card"),
    Index(None, "received_at"),
)

answers = Table(
    "answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", Integer, ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("question", String(SLUG_LENGTH), nullable=False),
    Column("value", Text, nullable=False),
    Index(None, "response_id"),
)

settings = Table(
    "settings", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per hit a rate limit counted (an answer sent, a wrong admin token),
# so that every worker process of a server counts the same hits; `at` and
# `expires` in seconds since the epoch, a row is deleted once it expires.
rate_hits = Table(
    "rate_hits", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(SLUG_LENGTH), nullable=False),
    Column("at", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Index(None, "key", "at"),
    Index(None, "expires"),
)

# The free-text answers the facilitator let the live screen show: a row
# per shown answer, deleted again when it is hidden (and with its answer).
# The ids are never used twice (autoincrement), so that the live screens
# see any change in the highest id and the number of rows.
approved_answers = Table(
    "approved_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("answer_id", Integer, ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("answer_id"),
    sqlite_autoincrement=True,
)
