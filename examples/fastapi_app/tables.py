"""The app's tables and its engine.

``FASTAPI_APP_DB`` picks the database: a SQLite file path (the default,
``fastapi_app.sqlite``) or a PostgreSQL DSN (``postgresql://user@host/database``).
"""

from __future__ import annotations

import os

from vivace import Table
from vivace.columns import ForeignKey, Integer, Serial, Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine


def engine_from_environment() -> Engine:
    """The engine ``FASTAPI_APP_DB`` names."""
    target = os.environ.get("FASTAPI_APP_DB", "fastapi_app.sqlite")
    if target.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": target})
    return SQLiteEngine(path=target)


DB = engine_from_environment()


class Manager(Table, db=DB):
    id: Serial  # added by Vivace (the primary key); annotated for type checkers
    name = Varchar(length=50, required=True)


class Band(Table, db=DB):
    id: Serial
    name = Varchar(length=50, unique=True, required=True)
    manager = ForeignKey(Manager, null=False, required=True)
    popularity = Integer(default=0)
