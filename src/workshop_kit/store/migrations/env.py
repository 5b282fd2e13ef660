"""Alembic's environment for the response store: it runs on the connection
that workshop_kit.store.migrate hands it (there is no alembic.ini)."""

from alembic import context

from workshop_kit.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
