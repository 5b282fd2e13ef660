"""The schema migrations of the response store, run with Alembic from code.

The scripts are in migrations/ inside the package, so an installed
workshop-kit brings them along; there is no alembic.ini. A new revision
goes into migrations/versions/ with the next number, written by hand or
with `alembic.command.revision(alembic_config(connection), autogenerate=True)`
on a connection to a database at the current head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration: the scripts of the package, run on `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision that the scripts lead up to."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # None only without scripts; the package ships them
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None before the first."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> None:
    """`alembic upgrade head` on the connection, inside the transaction the
    caller holds; it does nothing when the database is at the head already."""
    command.upgrade(alembic_config(connection), "head")
