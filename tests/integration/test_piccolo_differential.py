"""Differences found by running the same tables and queries with Piccolo 1.x and Vivace.

Each test pins one result where Vivace used to differ silently from Piccolo (a value
stored or read back differently, a column created with another type or default).
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import UUID, Varchar
from vivace.engine import Engine


class Ticket(Table):
    """A table keyed by a UUID, as Piccolo declares ``UUID(primary_key=True)``."""

    pk = UUID(primary_key=True)
    holder = Varchar(length=50)


async def test_uuid_primary_key_has_the_database_default(db: Engine, use_tables: UseTables) -> None:
    """Piccolo writes ``"pk" UUID PRIMARY KEY ... DEFAULT gen_random_uuid()`` on PostgreSQL,
    so a row inserted by raw SQL (a script, another program) gets a key; Vivace's table
    had no DEFAULT there, and such an insert failed with a NOT NULL violation."""
    if db.engine_type != "postgres":
        pytest.skip(
            "the key's DEFAULT is PostgreSQL's gen_random_uuid(): SQLite has no UUID "
            "function (docs/piccolo.md), MariaDB's UUID default is left as it was"
        )
    await use_tables(db, Ticket)
    declared = await Ticket.raw(
        "SELECT column_default FROM information_schema.columns "
        "WHERE table_name = 'ticket' AND column_name = 'pk'"
    )
    assert declared == [{"column_default": "gen_random_uuid()"}]

    await Ticket.raw("INSERT INTO ticket (holder) VALUES ({})", "raw")
    await Ticket.insert(Ticket(holder="orm"))
    rows = await Ticket.select(Ticket.pk, Ticket.holder).order_by(Ticket.holder)
    assert [row["holder"] for row in rows] == ["orm", "raw"]
    assert all(type(row["pk"]) is uuid.UUID for row in rows)
    assert rows[0]["pk"] != rows[1]["pk"]
