"""SQLite: the COMMIT of a transaction that changed many rows runs on the worker thread.

Which thread ran a statement is read from sqlite3's trace callback, called by the thread
that runs it.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Integer
from vivace.engine import SQLiteEngine
from vivace.engine.sqlite import _INLINE_COMMIT


class CommitRow(Table, tablename="commit_row"):
    number = Integer()


def trace_commits(engine: SQLiteEngine, seen: list[str], pause: float = 0.0) -> None:
    """Record the thread of every COMMIT on the engine's connections (sleeping ``pause``
    seconds in it first, so a cancellation can arrive while it runs)."""

    def trace(sql: str) -> None:
        if sql.strip().upper() == "COMMIT":
            seen.append(threading.current_thread().name)
            time.sleep(pause)

    for connection in engine._all:
        connection.raw.set_trace_callback(trace)


async def test_a_big_transaction_commits_on_the_worker_a_small_one_inline(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, CommitRow)
    seen: list[str] = []
    trace_commits(sqlite_db, seen)

    async with sqlite_db.transaction():
        await CommitRow.insert(*[CommitRow(number=i) for i in range(3)])
    async with sqlite_db.transaction():
        await CommitRow.insert(*[CommitRow(number=i) for i in range(_INLINE_COMMIT)])

    assert len(seen) == 2
    assert seen[0] == threading.current_thread().name
    assert seen[1].startswith("vivace-sqlite")
    assert await CommitRow.count() == 3 + _INLINE_COMMIT


async def test_a_cancellation_during_a_worker_commit_waits_for_it(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    """Cancelled while its COMMIT runs on the worker: the COMMIT is not interrupted, the
    cancellation is raised once it has ended, and the connection is fine afterwards."""
    await use_tables(sqlite_db, CommitRow)
    seen: list[str] = []
    trace_commits(sqlite_db, seen, pause=0.2)

    async def big_transaction() -> None:
        async with sqlite_db.transaction():
            await CommitRow.insert(*[CommitRow(number=i) for i in range(_INLINE_COMMIT)])

    task = asyncio.create_task(big_transaction())
    while not seen:
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen[0].startswith("vivace-sqlite")
    assert await CommitRow.count() == _INLINE_COMMIT
    async with sqlite_db.transaction():
        await CommitRow.insert(CommitRow(number=-1))
    assert await CommitRow.count() == _INLINE_COMMIT + 1
