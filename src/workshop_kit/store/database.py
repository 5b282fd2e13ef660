"""The response store's database: SQLite in a file beside the kit, or a
PostgreSQL server.

Every method is one short transaction and safe to call from many threads
and several processes at once. A process opens its own `Database` (after a
fork too): an engine's connections are not shared between processes.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy
from alembic.util import CommandError
from sqlalchemy import Column, Connection, Engine, Row, and_, create_engine, delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url

from workshop_kit.store.migrate import current_revision, head_revision, upgrade
from workshop_kit.store.records import Contact, Response, StoredAnswer, StoredResponse
from workshop_kit.store.tables import answers, approved_answers, rate_hits, responses, settings

SQLITE_TIMEOUT = 30  # seconds a connection waits for a lock
# secure_delete: deleted answers are overwritten in the file, not only unlinked.
SQLITE_PRAGMAS = (f"busy_timeout={SQLITE_TIMEOUT * 1000}", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                  "secure_delete=1")
# Held while migrating a PostgreSQL database, so that two processes that
# open it at once do not both create the tables (any fixed number will do).
MIGRATION_LOCK = 0x776B5F7374  # "wk_st"
HEX = re.compile(r"[0-9a-fA-F]+")



@dataclass(frozen=True)
class Hit:
    """One hit of a rate limit: its key, its (amount, seconds) windows, when,
    and whether it counts (False only asks)."""

    key: str
    windows: tuple[tuple[int, float], ...]
    now: float
    count: bool = True

class DatabaseError(Exception):
    """The database cannot be reached, opened or used; the message is one line."""


def database_url(value: str | None, kit_root: Path) -> str:
    """The SQLAlchemy URL for a --db value.

    None: the SQLite file responses.db in the kit's folder. A value without
    "://": a SQLite file, relative to the current folder. postgresql:// and
    postgres:// URLs are PostgreSQL, through psycopg 3."""
    if value is None:
        return _sqlite_url(Path(kit_root) / "responses.db")
    if "://" not in value:
        return _sqlite_url(Path(value))
    scheme, rest = value.split("://", 1)
    if scheme.lower() in ("postgresql", "postgres", "postgresql+psycopg"):
        url = f"postgresql+psycopg://{rest}"
    elif scheme.lower() == "sqlite":
        url = value
    else:
        raise ValueError(f"'{scheme}://' is not a database workshop-kit can use: give a file path for "
                         "SQLite, or postgresql://user:password@host/database")
    try:
        parsed = make_url(url)
    except (sqlalchemy.exc.ArgumentError, ValueError) as error:  # the message does not show the URL
        raise ValueError(f"the database URL cannot be read: {error}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ValueError("an SQLite database in memory would lose every response: give a file path")
    return url


def _sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path.absolute())).render_as_string(hide_password=False)


def open_database(url: str, *, migrate: bool = True, create: bool = True) -> Database:
    """Open the database at `url` (see database_url).

    migrate=True first brings the schema up to date (`alembic upgrade
    head`; nothing happens when it is): `serve` does this once in its main
    process and opens with migrate=False in each worker, where the schema
    is only checked. create=False: a SQLite file that does not exist is an
    error instead of a new database. DatabaseError when the database cannot
    be reached or opened."""
    try:
        engine = _engine(url, create)
    except (sqlalchemy.exc.ArgumentError, ValueError) as error:
        raise DatabaseError(f"the database URL cannot be read: {error}") from None
    database = Database(url, engine)
    try:
        with database._transaction(write=migrate) as connection:
            if migrate:
                if connection.dialect.name == "postgresql":
                    connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
                upgrade(connection)
            else:
                _check_schema(database, connection)
    except BaseException as error:
        engine.dispose()
        if isinstance(error, DatabaseError):
            raise
        if isinstance(error, sqlalchemy.exc.DBAPIError):
            raise database._error(error) from None
        if isinstance(error, CommandError):  # e.g. a revision these scripts do not know
            raise DatabaseError(f"cannot migrate the database {database.display_url}: {_one_line(error)} "
                                "(was it made by a newer workshop-kit?)") from None
        raise
    return database


def _engine(url: str, create: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    path = Path(parsed.database or "")
    shown = parsed.render_as_string(hide_password=True)
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot open the database {shown}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise DatabaseError(f"cannot open the database {shown}: {path} is a folder")
    if not create and not path.exists():
        raise DatabaseError(f"no database at {path}")
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_TIMEOUT, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record) -> None:
        # The driver's own transaction handling is off: "begin" below says
        # when a transaction starts, and how.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            _pragma(cursor, pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        # A writer takes the write lock at the start (waiting up to the busy
        # timeout for it), never halfway through, where SQLite would fail
        # at once instead of waiting.
        options = connection.get_execution_options()
        # A write that may be lost in a power cut (a rate limit's hit) is
        # not synced to disk: answers that come at once do not wait for it.
        connection.exec_driver_sql(f"PRAGMA synchronous={'FULL' if options.get('durable', True) else 'OFF'}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("write", False) else "BEGIN")

    return engine


def _pragma(cursor, pragma: str) -> None:
    """Run a pragma, waiting while the database is locked. Turning on WAL in
    a new file needs the database to itself, and SQLite answers "locked"
    at once, without the busy timeout, while another process is doing the
    same: so this waits here, as long as the busy timeout would."""
    wanted = pragma.split("=", 1)[1].lower()
    deadline = time.monotonic() + SQLITE_TIMEOUT
    while True:
        try:
            row = cursor.execute(f"PRAGMA {pragma}").fetchone()
            if row is None or str(row[0]).lower() == wanted:  # journal_mode answers the mode it is in
                return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError(f"PRAGMA {pragma} did not take effect")
        time.sleep(0.01)


def _check_schema(database: Database, connection: Connection) -> None:
    found, head = current_revision(connection), head_revision()
    if found is None:
        raise DatabaseError(f"the database {database.display_url} has no tables yet: open it with migrations first")
    if found != head:
        raise DatabaseError(f"the database {database.display_url} is at schema revision {found}, "
                            f"this workshop-kit expects {head}")


def _one_line(error: BaseException) -> str:
    return " ".join(str(getattr(error, "orig", None) or error).split())


class Database:
    """The responses of every kit, in one database."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine

    @property
    def display_url(self) -> str:
        """The URL with the password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.dispose()

    # --- writing ---------------------------------------------------------------

    def save(self, response: Response) -> bool:
        """Store a response: True when it is stored now, False when its
        submission id was stored before (then nothing changes). It is
        committed when this returns. ValueError when a field is empty, too
        long, or received_at has no time zone."""
        return self.save_many([response])[0]

    def save_many(self, many: list[Response]) -> list[bool]:
        """Store several responses in one transaction, committed (and on
        disk) when this returns: for each, what `save` would say. A
        submission id given twice is stored once (the first); ValueError
        for any response `save` would refuse, before anything is stored."""
        for response in many:
            check_response(response)
        now = datetime.now(timezone.utc)
        first: dict[str, int] = {}  # submission id -> the first response that gives it
        for n, response in enumerate(many):
            first.setdefault(response.submission, n)
        # In the order of their submission ids, so that two transactions
        # that insert some of the same ids at once (two PostgreSQL workers)
        # take the ids' locks in one order and cannot wait for each other.
        new = sorted((many[n] for n in first.values()), key=lambda r: r.submission)
        rows = [_row(response, now) for response in new]
        # The submission id decides: a second save of it, even one that runs
        # at the same moment in another process, inserts nothing and
        # returns no row.
        insert = self._insert(responses).on_conflict_do_nothing(index_elements=[responses.c.submission]) \
            .returning(responses.c.submission, responses.c.id)
        with self._transaction(write=True) as connection:
            stored = dict(connection.execute(insert, rows).all())
            pairs = [dict(response_id=stored[response.submission], position=position, question=question,
                          value=value)
                     for response in new if response.submission in stored
                     for position, (question, value) in enumerate(response.answers)]
            if pairs:
                connection.execute(answers.insert(), pairs)
        return [response.submission in stored and first[response.submission] == n
                for n, response in enumerate(many)]

    def delete(self, kit: str, before: datetime | None = None) -> int:
        """Delete the kit's responses (those received before `before`, an
        aware datetime, when given) and their answers; the number deleted."""
        condition = responses.c.kit == kit
        if before is not None:
            _check_aware(before, "before")
            condition = and_(condition, responses.c.received_at < before)
        with self._transaction(write=True) as connection:
            deleted = connection.execute(delete(responses).where(condition)).rowcount
        if deleted and self.engine.dialect.name == "sqlite":
            # The write-ahead log still holds the pages as they were: move
            # them into the file, where secure_delete has overwritten them.
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def setting(self, key: str, make: Callable[[], str]) -> str:
        """The value stored under `key`; when there is none, make() makes it
        and it is stored. When several processes make one at once, the first
        stored wins and every one of them gets that value."""
        query = select(settings.c.value).where(settings.c.key == key)
        with self._transaction(write=False) as connection:
            value = connection.execute(query).scalar_one_or_none()
        if value is not None:
            return value
        made = make()
        insert = self._insert(settings).values(key=key, value=made).on_conflict_do_nothing(
            index_elements=[settings.c.key])
        with self._transaction(write=True) as connection:
            connection.execute(insert)
            return connection.execute(query).scalar_one()

    def hit(self, key: str, windows: list[tuple[int, float]], now: float, count: bool = True) -> bool:
        """A rate limit's hit for `key` (e.g. a client's address) at `now`
        (seconds since the epoch), shared by every process that uses this
        database: True when fewer than `amount` hits were counted in the
        `seconds` before now, for each (amount, seconds) of `windows`; then
        this hit is counted too (unless count is False). A refused hit is
        not counted."""
        return self.hit_many([Hit(key, tuple(windows), now, count)])[0]

    def hit_many(self, hits: list["Hit"]) -> list[bool]:
        """Several hits in one transaction, in order (each counts those
        before it): what `hit` says of each."""
        now = min(h.now for h in hits)
        outcomes = []
        with self._transaction(write=True, durable=False) as connection:
            if connection.dialect.name == "postgresql":  # SQLite: the write lock is taken at the start
                for key in sorted({h.key for h in hits}):  # in one order: two workers cannot wait for each other
                    connection.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
            connection.execute(delete(rate_hits).where(rate_hits.c.expires < now))
            for hit in hits:
                allowed = all(
                    connection.execute(select(func.count()).select_from(rate_hits).where(
                        rate_hits.c.key == hit.key, rate_hits.c.at > hit.now - seconds)).scalar_one() < amount
                    for amount, seconds in hit.windows)
                if allowed and hit.count:
                    longest = max(seconds for _, seconds in hit.windows)
                    connection.execute(rate_hits.insert().values(key=hit.key, at=hit.now,
                                                                 expires=hit.now + longest))
                outcomes.append(allowed)
        return outcomes

    def check_writable(self) -> None:
        """Write to the database and commit, as storing an answer does:
        DatabaseError (or the driver's error) when it refuses (a full
        disk, a file that cannot be written, a server gone read-only)."""
        now = datetime.now(timezone.utc).isoformat()
        upsert = self._insert(settings).values(key="health_checked", value=now)
        upsert = upsert.on_conflict_do_update(index_elements=[settings.c.key], set_={"value": now})
        with self._transaction(write=True, durable=False) as connection:
            connection.execute(upsert)

    def approve(self, kit: str, answer_id: int, shown: bool) -> bool:
        """Let the live screen show one of the kit's answers (shown=True) or
        hide it again; False when the kit has no answer with that id."""
        mine = (select(answers.c.id).join(responses, responses.c.id == answers.c.response_id)
                .where(answers.c.id == answer_id, responses.c.kit == kit))
        with self._transaction(write=True) as connection:
            if connection.execute(mine).scalar_one_or_none() is None:
                return False
            if shown:
                connection.execute(self._insert(approved_answers).values(answer_id=answer_id)
                                   .on_conflict_do_nothing(index_elements=[approved_answers.c.answer_id]))
            else:
                connection.execute(delete(approved_answers).where(approved_answers.c.answer_id == answer_id))
        return True

    # --- reading ---------------------------------------------------------------

    def counts(self, kit: str) -> dict[tuple[str, str], int]:
        """How many responses each (deck, card) of the kit has."""
        query = (select(responses.c.deck, responses.c.card, func.count())
                 .where(responses.c.kit == kit).group_by(responses.c.deck, responses.c.card))
        with self._transaction(write=False) as connection:
            return {(deck, card): count for deck, card, count in connection.execute(query)}

    def responses(self, kit: str) -> list[StoredResponse]:
        """The kit's responses, oldest first, each with its answers in order."""
        query = (select(responses, answers.c.question, answers.c.value)
                 .outerjoin(answers, answers.c.response_id == responses.c.id)
                 .where(responses.c.kit == kit)
                 .order_by(responses.c.received_at, responses.c.id, answers.c.position))
        found: list[StoredResponse] = []
        rows: dict[int, Row] = {}
        pairs: dict[int, list[tuple[str, str]]] = {}
        with self._transaction(write=False) as connection:
            for row in connection.execute(query):
                if row.id not in rows:
                    rows[row.id] = row
                    pairs[row.id] = []
                if row.question is not None:
                    pairs[row.id].append((row.question, row.value))
        for response_id, row in rows.items():  # in the query's order
            contact = None if row.contact_consent is None else Contact(
                row.contact_consent, row.contact_name or "", row.contact_email or "", row.contact_phone or "")
            found.append(StoredResponse(
                id=response_id, submission=row.submission, kit=row.kit, deck=row.deck, card=row.card,
                lang=row.lang, answers=tuple(pairs[response_id]), contact=contact,
                received_at=row.received_at))
        return found

    def stored_answers(self, kit: str, questions: set[str] | None = None,
                approved_only: bool = False) -> list[StoredAnswer]:
        """The kit's answers (to these question ids, when given), newest
        first, each with whether the live screen may show it."""
        query = (select(answers.c.id, responses.c.deck, responses.c.card, answers.c.question, answers.c.value,
                        responses.c.received_at, approved_answers.c.id.label("approval"))
                 .join(responses, responses.c.id == answers.c.response_id)
                 .outerjoin(approved_answers, approved_answers.c.answer_id == answers.c.id)
                 .where(responses.c.kit == kit)
                 .order_by(responses.c.received_at.desc(), answers.c.id.desc()))
        if questions is not None:
            query = query.where(answers.c.question.in_(sorted(questions)))
        if approved_only:
            query = query.where(approved_answers.c.id.is_not(None))
        with self._transaction(write=False) as connection:
            return [StoredAnswer(row.id, row.deck, row.card, row.question, row.value, row.received_at,
                                 row.approval is not None) for row in connection.execute(query)]

    def changes(self, kit: str) -> tuple:
        """A cheap mark that changes whenever a response of the kit is
        stored or deleted or an answer is approved or hidden: the number
        and the highest id of the responses and of the approvals."""
        stored = select(func.count(), func.coalesce(func.max(responses.c.id), 0)).where(responses.c.kit == kit)
        approved = select(func.count(), func.coalesce(func.max(approved_answers.c.id), 0))
        with self._transaction(write=False) as connection:
            return tuple(connection.execute(stored).one()) + tuple(connection.execute(approved).one())

    def dispose(self) -> None:
        """Close every connection of this process's pool."""
        self.engine.dispose()

    # --- the parts -------------------------------------------------------------

    def _insert(self, table):
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    @contextmanager
    def _transaction(self, write: bool, durable: bool = True) -> Iterator[Connection]:
        """One transaction, committed at the end (on disk when it returns,
        unless durable is False); a database that cannot be reached or is
        locked for too long raises DatabaseError."""
        try:
            with self.engine.connect() as connection:
                connection.execution_options(write=write, durable=durable)
                with connection.begin():
                    yield connection
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as error:
            raise self._error(error) from None

    def _error(self, error: sqlalchemy.exc.DBAPIError) -> DatabaseError:
        return DatabaseError(f"cannot use the database {self.display_url}: {_one_line(error)}")


def _row(response: Response, now: datetime) -> dict:
    """The responses table's row of a response; received `now` unless it says when."""
    contact = response.contact
    return dict(
        submission=response.submission, kit=response.kit, deck=response.deck, card=response.card,
        lang=response.lang, received_at=response.received_at or now,
        contact_consent=contact.consent if contact else None,
        contact_name=(contact.name or None) if contact else None,
        contact_email=(contact.email or None) if contact else None,
        contact_phone=(contact.phone or None) if contact else None,
    )


def check_response(response: Response) -> None:
    """ValueError for a response the database would refuse or garble."""
    if not HEX.fullmatch(response.submission or ""):
        raise ValueError(f"submission id {response.submission!r} is not hexadecimal")
    required = [(responses.c.submission, response.submission), (responses.c.kit, response.kit),
                (responses.c.deck, response.deck), (responses.c.card, response.card),
                (responses.c.lang, response.lang)]
    optional = []
    for question, value in response.answers:
        required.append((answers.c.question, question))
        optional.append((answers.c.value, value))
    if response.contact is not None:
        contact = response.contact
        required.append((responses.c.contact_consent, contact.consent))
        optional += [(responses.c.contact_name, contact.name), (responses.c.contact_email, contact.email),
                     (responses.c.contact_phone, contact.phone)]
    for column, value in required + optional:
        _check_text(column, value)
    for column, value in required:
        if not value:
            raise ValueError(f"{column.table.name}.{column.name} is empty")
    if response.received_at is not None:
        _check_aware(response.received_at, "received_at")


def _check_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} has no time zone: give an aware datetime")


def _check_text(column: Column, value) -> None:
    where = f"{column.table.name}.{column.name}"
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise ValueError(f"{where} contains a NUL character")
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise ValueError(f"{where} is {len(value)} characters long; at most {length} fit")
