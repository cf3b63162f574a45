"""Concurrent small write transactions run clean on every engine.

Each task inserts its own row, then updates it by a column without an index. Under
InnoDB's REPEATABLE READ (MariaDB's default) the update's scan takes gap and next-key
locks on rows other tasks just inserted, and most of the tasks deadlocked; Vivace's
MariaDB sessions use READ COMMITTED, PostgreSQL's default, so they run as elsewhere.
"""

from __future__ import annotations

import asyncio

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import Engine

TASKS = 40


class Tally(Table, tablename="concurrent_tally"):
    name = Varchar(length=20)  # no index: the update scans the table
    hits = Integer(default=0)


async def test_insert_then_update_in_concurrent_transactions(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Tally)

    async def work(number: int) -> None:
        name = f"task-{number}"
        async with db.transaction():
            await Tally.insert(Tally(name=name))
            await Tally.update({Tally.hits: Tally.hits + 1}).where(Tally.name == name)

    results = await asyncio.gather(*(work(n) for n in range(TASKS)), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    rows = await Tally.select(Tally.name, Tally.hits).order_by(Tally.name)
    assert len(rows) == TASKS
    assert {row["hits"] for row in rows} == {1}
