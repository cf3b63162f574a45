"""A ``Serial`` column that is not the primary key: on PostgreSQL its sequence numbers the
new rows (as Piccolo's, which inserts ``DEFAULT``); a row that gives a number keeps it.
Elsewhere the column is a plain ``INTEGER NOT NULL`` (as in Piccolo): a row without a
number is refused with the same error on SQLite and MariaDB, nothing stored.
"""

from __future__ import annotations

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Serial, Varchar
from vivace.engine import Engine, PostgresEngine
from vivace.exceptions import NotNullViolation


class Ticket(Table):
    name = Varchar()
    number = Serial()


async def test_sequence_numbers_new_rows(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, Ticket)
    first = Ticket(name="first")
    await first.save()
    await Ticket.insert(Ticket(name="second"), Ticket(name="third"))
    # Over 100 rows: the array form of a bulk insert leaves the column out too.
    await Ticket.insert(*[Ticket(name=f"bulk-{i}") for i in range(150)])
    rows = await Ticket.select(Ticket.name, Ticket.number).order_by(Ticket.id)
    assert [row["number"] for row in rows] == list(range(1, 154))
    assert rows[0] == {"name": "first", "number": 1}
    assert first.id == 1


async def test_given_numbers_are_kept(postgres_db: PostgresEngine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, Ticket)
    # Mixed: rows that give a number and rows that leave it to the sequence, in one insert.
    given = Ticket(name="given", number=500)
    await Ticket.insert(Ticket(name="auto"), given, Ticket(name="auto too"))
    rows = await Ticket.select(Ticket.name, Ticket.number).order_by(Ticket.number)
    assert rows == [
        {"name": "auto", "number": 1},
        {"name": "auto too", "number": 2},
        {"name": "given", "number": 500},
    ]
    assert given.id is not None and given._exists_in_db


async def test_no_sequence_elsewhere(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Ticket)
    if isinstance(db, PostgresEngine):
        await Ticket(name="no number").save()
        assert await Ticket.select(Ticket.number) == [{"number": 1}]
        return
    with pytest.raises(NotNullViolation):
        await Ticket(name="no number").save()
    await Ticket(name="numbered", number=7).save()
    assert await Ticket.select(Ticket.name, Ticket.number) == [{"name": "numbered", "number": 7}]
