"""Cancelling tasks mid-query, mid-transaction and while waiting for a connection.

A cancelled task must stop promptly, and the engine must never hand out a connection
that is still busy or still inside the cancelled transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import UseTables, pg_config
from vivace import Table, create_db_tables, drop_db_tables
from vivace.columns import Integer, Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.query import QueryString

TIMEOUT = 10  # seconds: the bound of every wait in this module
PROMPT = 2.0  # a cancelled task must be done within this many seconds

#: Counts to 10**8: runs for many seconds on SQLite.
LONG_SQLITE = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
    "SELECT count(*) AS n FROM c"
)
LONG_PG = "SELECT pg_sleep(10)"


class Job(Table, tablename="cancel_job"):
    name = Varchar(length=50, unique=True)
    attempts = Integer(default=0)


@contextlib.asynccontextmanager
async def tables_on(engine: Engine, *tables: type[Table]) -> AsyncIterator[None]:
    """Bind ``tables`` to an engine made by the test, create them, drop them after."""
    previous = [table._meta._db for table in tables]
    for table in tables:
        table._meta.db = engine
    try:
        await drop_db_tables(*tables)
        await create_db_tables(*tables)
        yield
    finally:
        try:
            await drop_db_tables(*tables)
        finally:
            for table, old in zip(tables, previous, strict=True):
                table._meta.db = old


async def cancel_after(task: asyncio.Task[Any], started: asyncio.Event | None = None) -> float:
    """Let ``task`` get into its statement, cancel it; how long it took to finish."""
    if started is not None:
        await asyncio.wait_for(started.wait(), TIMEOUT)
    await asyncio.sleep(0.3)
    assert not task.done(), "the statement finished before it could be cancelled"
    begin = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, TIMEOUT)
    return time.monotonic() - begin


async def pg_sessions(engine: PostgresEngine) -> list[dict[str, Any]]:
    """Other sessions on the test database, from pg_stat_activity."""
    return await engine.fetch_sql(
        "SELECT pid, state, query FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )


async def assert_pg_clean(engine: PostgresEngine) -> None:
    """No session is left idle in a transaction, and no cancelled statement still runs."""
    deadline = time.monotonic() + PROMPT
    while True:
        sessions = await pg_sessions(engine)
        idle_in_tx = [s for s in sessions if (s["state"] or "").startswith("idle in transaction")]
        assert idle_in_tx == [], idle_in_tx
        still_running = [
            s for s in sessions if "pg_sleep" in (s["query"] or "") and s["state"] == "active"
        ]
        if not still_running:
            return
        assert time.monotonic() < deadline, f"the cancelled statement still runs: {still_running}"
        await asyncio.sleep(0.05)


async def sqlite_settled(engine: SQLiteEngine) -> None:
    """Wait (bounded) until no interrupted worker statement is in flight."""
    deadline = time.monotonic() + PROMPT
    while any(c.pending is not None for c in engine._all):
        assert time.monotonic() < deadline, "an interrupted statement did not stop"
        await asyncio.sleep(0.01)


def sqlite_clean(engine: SQLiteEngine) -> None:
    assert engine._all, "the engine has no connection at all"
    for connection in engine._all:
        assert not connection.raw.in_transaction
        assert connection.pending is None


# PostgreSQL ---------------------------------------------------------------------------------


async def test_pg_cancel_mid_query(postgres_db: PostgresEngine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, Job)
    task = asyncio.create_task(Job.raw(LONG_PG).run())
    assert await cancel_after(task) < PROMPT
    assert await asyncio.wait_for(Job.raw("SELECT 1 AS one").run(), TIMEOUT) == [{"one": 1}]
    await Job.insert(Job(name="after"))
    assert await Job.count() == 1
    await assert_pg_clean(postgres_db)


async def test_pg_cancel_mid_orm_query(postgres_db: PostgresEngine, use_tables: UseTables) -> None:
    """The ORM path (``fetch``), not only raw SQL."""
    await use_tables(postgres_db, Job)
    await Job.insert(Job(name="a"))
    query = Job.select(Job.name, QueryString("pg_sleep(10)", alias="slept"))
    task = asyncio.create_task(query.run())
    assert await cancel_after(task) < PROMPT
    assert await asyncio.wait_for(Job.select(Job.name).run(), TIMEOUT) == [{"name": "a"}]
    await assert_pg_clean(postgres_db)


async def test_pg_cancel_mid_transaction(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, Job)
    await Job.insert(Job(name="locked"))
    started = asyncio.Event()

    async def work() -> None:
        async with postgres_db.transaction():
            await Job.insert(Job(name="uncommitted"))
            await Job.update({Job.attempts: 1}).where(Job.name == "locked")
            started.set()
            await Job.raw(LONG_PG)

    task = asyncio.create_task(work())
    assert await cancel_after(task, started) < PROMPT
    assert not postgres_db.transaction_exists()
    # Nothing of the cancelled transaction was committed.
    assert await asyncio.wait_for(Job.select(Job.name, Job.attempts).run(), TIMEOUT) == [
        {"name": "locked", "attempts": 0}
    ]

    # A later transaction can take the same row and the same unique value: the
    # cancelled one released its locks instead of holding them on the server.
    async def later() -> None:
        async with postgres_db.transaction():
            await Job.update({Job.attempts: 2}).where(Job.name == "locked")
            await Job.insert(Job(name="uncommitted"))

    await asyncio.wait_for(later(), PROMPT)
    rows = await Job.select(Job.name, Job.attempts).order_by(Job.name)
    assert rows == [{"name": "locked", "attempts": 2}, {"name": "uncommitted", "attempts": 0}]
    await assert_pg_clean(postgres_db)


async def test_pg_cancel_while_waiting_for_connection(postgres_db: PostgresEngine) -> None:
    engine = PostgresEngine(config={**pg_config(), "max_size": 1}, acquire_timeout=TIMEOUT)
    try:
        async with tables_on(engine, Job):
            holding = asyncio.Event()
            release = asyncio.Event()

            async def holder() -> None:
                async with engine.transaction():
                    await Job.insert(Job(name="held"))
                    holding.set()
                    await asyncio.wait_for(release.wait(), TIMEOUT)

            held = asyncio.create_task(holder())
            await asyncio.wait_for(holding.wait(), TIMEOUT)
            waiter = asyncio.create_task(Job.count().run())
            elapsed = await cancel_after(waiter)
            assert elapsed < PROMPT
            release.set()
            await asyncio.wait_for(held, TIMEOUT)
            # The pool's only connection is usable again, many times over.
            for _ in range(3):
                assert await asyncio.wait_for(Job.count().run(), TIMEOUT) == 1
            async with engine.transaction():
                await Job.insert(Job(name="next"))
            assert await Job.count() == 2
            assert engine._pool.get_size() == 1
    finally:
        await asyncio.wait_for(engine.close_connection_pool(), TIMEOUT)


# SQLite -------------------------------------------------------------------------------------


@pytest.fixture
async def lone_sqlite(tmp_path: Path) -> AsyncIterator[SQLiteEngine]:
    """A file database with one connection: the next statement must reuse it."""
    engine = SQLiteEngine(path=str(tmp_path / "cancel.sqlite"), max_connections=1)
    yield engine
    await engine.close_connection_pool()


async def test_sqlite_cancel_mid_query(lone_sqlite: SQLiteEngine) -> None:
    engine = lone_sqlite
    async with tables_on(engine, Job):
        task = asyncio.create_task(Job.raw(LONG_SQLITE).run())
        assert await cancel_after(task) < PROMPT
        # The one connection is reused: it was interrupted, not left running 10**8 steps.
        begin = time.monotonic()
        assert await asyncio.wait_for(Job.raw("SELECT 1 AS one").run(), TIMEOUT) == [{"one": 1}]
        assert time.monotonic() - begin < PROMPT
        await Job.insert(Job(name="after"))
        assert await Job.count() == 1
        await sqlite_settled(engine)
        sqlite_clean(engine)
        assert len(engine._all) == 1


async def test_sqlite_cancelled_statement_logs_nothing(
    lone_sqlite: SQLiteEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """The interrupted statement's error belongs to nobody: asyncio must not log it as
    "Future exception was never retrieved" when the future is collected."""
    engine = lone_sqlite
    async with tables_on(engine, Job):
        task = asyncio.create_task(Job.raw(LONG_SQLITE).run())
        await cancel_after(task)
        await sqlite_settled(engine)
        del task
        gc.collect()
        await asyncio.sleep(0)
    unseen = [r.getMessage() for r in caplog.records if "never retrieved" in r.getMessage()]
    assert unseen == []


async def test_sqlite_cancel_orm_query_moved_to_worker(lone_sqlite: SQLiteEngine) -> None:
    """An ORM select starts on the loop, runs out of budget, moves to the worker: cancellable."""
    engine = lone_sqlite
    async with tables_on(engine, Job):
        await Job.insert(Job(name="a"))
        query = Job.select(Job.name, QueryString(f"({LONG_SQLITE})", alias="n"))
        task = asyncio.create_task(query.run())
        assert await cancel_after(task) < PROMPT
        assert await asyncio.wait_for(Job.select(Job.name).run(), TIMEOUT) == [{"name": "a"}]
        await sqlite_settled(engine)
        sqlite_clean(engine)


async def test_sqlite_cancel_mid_transaction(lone_sqlite: SQLiteEngine, tmp_path: Path) -> None:
    engine = lone_sqlite
    async with tables_on(engine, Job):
        await Job.insert(Job(name="kept"))
        started = asyncio.Event()

        async def work() -> None:
            async with engine.transaction():
                await Job.insert(Job(name="uncommitted"))
                await Job.update({Job.attempts: 1}).where(Job.name == "kept")
                started.set()
                await Job.raw(LONG_SQLITE)

        task = asyncio.create_task(work())
        assert await cancel_after(task, started) < PROMPT
        assert not engine.transaction_exists()
        rows = await asyncio.wait_for(Job.select(Job.name, Job.attempts).run(), TIMEOUT)
        assert rows == [{"name": "kept", "attempts": 0}]
        # Another engine on the file sees nothing of it either, and can write.
        observer = SQLiteEngine(path=engine.path, busy_timeout=PROMPT)
        try:
            seen = await asyncio.wait_for(
                observer.fetch_sql("SELECT name FROM cancel_job"), TIMEOUT
            )
            assert seen == [{"name": "kept"}]
            await asyncio.wait_for(
                observer.fetch_sql("UPDATE cancel_job SET attempts = 5 WHERE name = 'kept'"),
                TIMEOUT,
            )
        finally:
            await observer.close_connection_pool()
        # A later transaction on the same (only) connection works and commits.
        async with engine.transaction():
            await Job.insert(Job(name="uncommitted"))
        rows = await Job.select(Job.name, Job.attempts).order_by(Job.name)
        assert rows == [{"name": "kept", "attempts": 5}, {"name": "uncommitted", "attempts": 0}]
        await sqlite_settled(engine)
        sqlite_clean(engine)


async def test_sqlite_cancel_while_waiting_for_connection(lone_sqlite: SQLiteEngine) -> None:
    engine = lone_sqlite
    async with tables_on(engine, Job):
        holding = asyncio.Event()
        release = asyncio.Event()

        async def holder() -> None:
            async with engine.transaction():
                await Job.insert(Job(name="held"))
                holding.set()
                await asyncio.wait_for(release.wait(), TIMEOUT)

        held = asyncio.create_task(holder())
        await asyncio.wait_for(holding.wait(), TIMEOUT)
        waiter = asyncio.create_task(Job.count().run())
        assert await cancel_after(waiter) < PROMPT
        release.set()
        await asyncio.wait_for(held, TIMEOUT)
        for _ in range(3):
            assert await asyncio.wait_for(Job.count().run(), TIMEOUT) == 1
        async with engine.transaction():
            await Job.insert(Job(name="next"))
        assert await Job.count() == 2
        assert len(engine._all) == 1
        assert not any(not w.done() for w in engine._waiters)
        sqlite_clean(engine)


async def test_sqlite_cancel_on_shared_engine(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    """The fixture engine (several connections): none is left in a transaction."""
    await use_tables(sqlite_db, Job)
    started = asyncio.Event()

    async def work() -> None:
        async with sqlite_db.transaction():
            await Job.insert(Job(name="x"))
            started.set()
            await Job.raw(LONG_SQLITE)

    task = asyncio.create_task(work())
    assert await cancel_after(task, started) < PROMPT
    await sqlite_settled(sqlite_db)
    sqlite_clean(sqlite_db)
    assert await Job.count() == 0
    # The write lock was given back: a new transaction can start at once.
    await asyncio.wait_for(Job.insert(Job(name="y")).run(), PROMPT)
    assert await Job.count() == 1
