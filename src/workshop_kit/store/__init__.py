"""The response store: the answers participants give in the follow-up forms
that the QR codes lead to, kept in SQLite or PostgreSQL.

`open_database(database_url(...))` gives a `Database`; `serve` saves into
it and `report` and `responses delete` read and delete from it.
"""

from workshop_kit.store.database import Database, DatabaseError, database_url, open_database
from workshop_kit.store.records import Contact, Response, StoredResponse

__all__ = ["Contact", "Database", "DatabaseError", "Response", "StoredResponse", "database_url",
           "open_database"]
