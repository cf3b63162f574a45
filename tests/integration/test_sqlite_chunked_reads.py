"""SQLite: a large result of a cheap read is read on the loop in chunks (no thread hop),
each under the step budget, other tasks running in between."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Integer
from vivace.engine import SQLiteEngine
from vivace.engine.sqlite import _OUTGREW_BUDGET

ROWS = 5000


class ChunkRow(Table, tablename="chunk_row"):
    number = Integer()


async def filled(engine: SQLiteEngine, use_tables: UseTables) -> None:
    await use_tables(engine, ChunkRow)
    await ChunkRow.insert(*[ChunkRow(number=i) for i in range(ROWS)])


async def test_a_big_cheap_read_is_read_inline_and_lets_other_tasks_run(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    await filled(sqlite_db, use_tables)
    ticks = 0
    stop = False

    async def ticker() -> None:
        nonlocal ticks
        while not stop:
            ticks += 1
            await asyncio.sleep(0)

    query = ChunkRow.select(ChunkRow.number)
    running = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    numbers = await query.output(as_list=True)
    stop = True
    await running

    assert sorted(numbers) == list(range(ROWS))
    compiled, _ = sqlite_db.compile(query._statement())
    assert _OUTGREW_BUDGET not in compiled.cache  # read on the loop, never on the worker
    assert ticks > 2  # the ticker ran between chunks


async def test_a_read_cancelled_between_chunks_holds_no_snapshot(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    """Cancelled between two chunks: the statement is reset, so the connection holds no
    read transaction (a full checkpoint from elsewhere succeeds) and reads correctly next."""
    await filled(sqlite_db, use_tables)
    task = asyncio.create_task(ChunkRow.select(ChunkRow.number).run())
    await asyncio.sleep(0)  # the task reads its first chunk and yields
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    other = sqlite3.connect(sqlite_db.path, isolation_level=None, timeout=0)
    try:
        other.execute("INSERT INTO chunk_row (number) VALUES (-1)")
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        other.close()
    assert busy == 0
    assert await ChunkRow.count() == ROWS + 1
