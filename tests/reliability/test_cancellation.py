"""Cancellation (plan ranks 1, 2, 3, 5, 6), randomised and repeated.

``tests/integration/test_cancellation.py`` cancels once per API; here each scenario runs
many times with random timing, and checks the invariants every time: nothing
half-committed, the connection discarded or clean, the pool back to full, no statement
left running on the server, and the next query works.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import Statement, StatementRecorder
from tests.reliability.support import (
    TIMEOUT,
    eventually,
    in_server_sleep,
    no_running_statement,
    pool_free,
    pool_in_use,
    server_engine,
    sessions_of,
    sleep_sql,
    tables_on,
    twin,
)
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import Engine, SQLiteEngine
from vivace.engine.server import ServerEngine
from vivace.exceptions import PoolTimeout, TransactionError
from vivace.query import QueryString

#: Counts to 10**8 (many seconds) on SQLite.
LONG_SQLITE = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
    "SELECT count(*) AS n FROM c"
)
#: A write that runs many seconds on SQLite (and changes every row when it ends).
LONG_SQLITE_WRITE = (
    "UPDATE rel_cancel_ledger SET n = n + 1 WHERE (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
    "SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c) > 0"
)
PROMPT = 1.0  # seconds: a cancelled task must be finished within this


class Ledger(Table, tablename="rel_cancel_ledger"):
    name = Varchar(length=60)
    n = Integer(default=0)


@pytest.fixture
async def lone(engine_kind: str, tmp_path: Path) -> AsyncIterator[Engine]:
    """An engine with a single connection: whatever the next user gets is the same slot."""
    engine: Engine
    if engine_kind == "sqlite":
        engine = SQLiteEngine(path=str(tmp_path / "cancel.sqlite"), max_connections=1)
    else:
        engine = server_engine(engine_kind, max_size=1, acquire_timeout=TIMEOUT)
    async with tables_on(engine, Ledger):
        yield engine


def long_statement(engine: Engine) -> str:
    return LONG_SQLITE if isinstance(engine, SQLiteEngine) else sleep_sql(engine, 10)


async def names(engine: Engine) -> list[str]:
    rows = await engine.fetch_sql("SELECT name FROM rel_cancel_ledger ORDER BY name")
    return [row["name"] for row in rows]


async def finish_cancelled(task: asyncio.Task[Any]) -> float:
    """Cancel ``task``; how long it took to finish. It must end cancelled, promptly."""
    begin = time.monotonic()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=TIMEOUT)
    elapsed = time.monotonic() - begin
    assert task in done, "the cancelled task did not finish"
    if not task.cancelled():
        error = task.exception()
        raise AssertionError(f"expected a cancelled task, it ended with {error!r}") from error
    return elapsed


async def assert_engine_clean(engine: Engine) -> None:
    """The pool is back to full, nothing runs on the server, the next query works."""
    if isinstance(engine, SQLiteEngine):
        deadline = time.monotonic() + PROMPT
        while any(c.pending is not None for c in engine._all):
            assert time.monotonic() < deadline, "an interrupted SQLite statement did not stop"
            await asyncio.sleep(0.005)
        assert all(not c.raw.in_transaction for c in engine._all)
    if isinstance(engine, ServerEngine) and engine._background:
        # The discarded connection's backend is being ended by a task that borrows a slot.
        await asyncio.wait(list(engine._background), timeout=PROMPT)
    assert pool_in_use(engine) == 0
    if isinstance(engine, ServerEngine):
        assert pool_free(engine) == engine._front.driver.max_size(engine.pool)
        await no_running_statement(engine, PROMPT)
    assert await asyncio.wait_for(engine.fetch_sql("SELECT 1 AS one"), PROMPT) == [{"one": 1}]


# rank 1: cancel mid-query inside a transaction ----------------------------------------------------


async def test_cancel_mid_query_in_transaction(lone: Engine) -> None:
    """50 cancellations at random points between 1 and 200 ms (during connect, BEGIN, the
    insert or the long statement): the insert never shows, and everything is clean."""
    engine, rng = lone, random.Random(20240501)
    elapsed: list[float] = []
    for i in range(50):

        async def work(i: int = i) -> None:
            async with engine.transaction():
                await Ledger.insert(Ledger(name=f"c{i:02d}"))
                await Ledger.raw(long_statement(engine))

        task = asyncio.create_task(work())
        await asyncio.sleep(rng.uniform(0.001, 0.2))
        assert not task.done(), task
        elapsed.append(await finish_cancelled(task))
        assert not engine.transaction_exists()
        # First: the interrupted statement stopped, and the next query is served at once
        # (not after the cancelled statement has run to its end).
        await assert_engine_clean(engine)
        assert await names(engine) == []
    assert max(elapsed) < PROMPT, max(elapsed)


async def test_swallowed_cancellation_never_commits(lone: Engine) -> None:
    """User code that times a statement out and carries on in the same transaction: the
    transaction is refused (TransactionError), never committed half-way."""
    engine = lone
    await Ledger.insert(Ledger(name="kept"))
    slow = LONG_SQLITE_WRITE if isinstance(engine, SQLiteEngine) else sleep_sql(engine, 10)
    for attempt in range(5):
        with pytest.raises(TransactionError, match="interrupted"):
            async with engine.transaction():
                await Ledger.insert(Ledger(name=f"first{attempt}"))
                # The caller gives up on this statement, and goes on.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(Ledger.raw(slow).run(), 0.05 + attempt * 0.02)
                await Ledger.insert(Ledger(name=f"second{attempt}"))
        await assert_engine_clean(engine)
        assert await names(engine) == ["kept"]
        rows = await engine.fetch_sql("SELECT n FROM rel_cancel_ledger")
        assert rows == [{"n": 0}]


# rank 1: a read cancelled mid-result (asyncmy issue 103) ----------------------------------------

#: Per server: a select-list expression that pauses the server at row n = 400, after the
#: rows before it have been sent (the client is then mid-result, rows in hand).
PAUSE_AT_400 = {
    "postgres": "length(pg_sleep(CASE WHEN n = 400 THEN 10 ELSE 0 END)::text)",
    "mysql": "SLEEP(IF(n = 400, 10, 0))",
}


async def fill_ledger(rows: int) -> None:
    # Names of 60 characters: 800 rows are ~50 kB, more than a server's send buffer holds.
    await Ledger.insert(*[Ledger(name=f"old{n:04d}".ljust(60, "x"), n=n) for n in range(rows)])


async def assert_next_read_is_its_own(engine: Engine, round_: int) -> None:
    """The next user of the only connection reads exactly its own query's rows."""
    mark = f"new{round_:02d}"
    await Ledger.insert(Ledger(name=mark, n=-1 - round_))
    rows = await asyncio.wait_for(
        Ledger.select(Ledger.name, Ledger.n).where(Ledger.name == mark).run(), PROMPT
    )
    assert rows == [{"name": mark, "n": -1 - round_}], f"stale rows handed over: {rows[:3]}"
    assert await Ledger.count().where(Ledger.n < 0) == round_ + 1


@pytest.mark.parametrize("engine_kind", ["postgres", "mysql"], indirect=True)
async def test_read_cancelled_mid_result(lone: Engine, engine_kind: str) -> None:
    """A select cancelled while its rows stream in (the server paused half-way through
    sending them): the task ends cancelled, the connection is discarded, and the next
    read on the same one-connection pool gets its own rows, never the old result's rest
    (asyncmy issue 103: an interrupted read left them for the next query)."""
    engine = lone
    assert isinstance(engine, ServerEngine)
    await fill_ledger(800)
    paused = QueryString(PAUSE_AT_400[engine_kind], alias="paused")
    for round_ in range(3):
        task = asyncio.create_task(Ledger.select(Ledger.name, Ledger.n, paused).run())
        await eventually(lambda: in_server_sleep(engine), TIMEOUT, "the server pausing mid-result")
        assert not task.done()
        assert await finish_cancelled(task) < PROMPT
        await assert_engine_clean(engine)
        await assert_next_read_is_its_own(engine, round_)


async def test_stream_cancelled_mid_result(lone: Engine) -> None:
    """``batch()`` cancelled between two chunks (the rest of the result unread, on
    MariaDB still on the wire of an unbuffered cursor): the next read on the same
    one-connection pool gets its own rows, never the rest of the stream."""
    engine = lone
    await fill_ledger(3000)
    for round_ in range(3):
        reached = asyncio.Event()

        async def reader(reached: asyncio.Event = reached) -> None:
            query = Ledger.select(Ledger.name, Ledger.n).where(Ledger.n >= 0).order_by(Ledger.n)
            async with await query.batch(batch_size=100) as batch:
                async for rows in batch:
                    assert rows[0]["name"].startswith("old")
                    reached.set()
                    await asyncio.sleep(10)

        task = asyncio.create_task(reader())
        await asyncio.wait_for(reached.wait(), TIMEOUT)
        assert await finish_cancelled(task) < PROMPT
        await assert_engine_clean(engine)
        await assert_next_read_is_its_own(engine, round_)


# rank 2: cancel between the statements of a transaction -------------------------------------------


async def test_cancel_between_statements(lone: Engine) -> None:
    """Cancelled while the transaction waits on something else (no statement running):
    nothing is committed, and the next user never continues the old transaction."""
    engine = lone
    for i in range(20):
        reached = asyncio.Event()

        async def work(i: int = i, reached: asyncio.Event = reached) -> None:
            async with engine.transaction() as transaction:
                await Ledger.insert(Ledger(name=f"a{i:02d}"))
                if i % 2:
                    await transaction.savepoint()
                reached.set()
                await asyncio.sleep(10)
                await Ledger.insert(Ledger(name=f"b{i:02d}"))

        task = asyncio.create_task(work())
        await asyncio.wait_for(reached.wait(), TIMEOUT)
        assert await finish_cancelled(task) < PROMPT
        # The next user of the only connection: its transaction holds its own work only.
        async with engine.transaction():
            await Ledger.insert(Ledger(name=f"z{i:02d}"))
        assert await names(engine) == [f"z{j:02d}" for j in range(i + 1)]
        if isinstance(engine, ServerEngine):
            states = {s["state"] for s in await sessions_of(engine)}
            assert not any("transaction" in (state or "") for state in states), states
        await assert_engine_clean(engine)


# rank 3: cancel or time out while waiting for a connection -------------------------------------


@pytest.fixture
async def pair(engine_kind: str, tmp_path: Path) -> AsyncIterator[Engine]:
    """An engine with exactly two connections."""
    engine: Engine
    if engine_kind == "sqlite":
        engine = SQLiteEngine(path=str(tmp_path / "pair.sqlite"), max_connections=2)
    else:
        engine = server_engine(engine_kind, min_size=2, max_size=2)
    async with tables_on(engine, Ledger):
        yield engine


async def hold(engine: Engine, count: int) -> tuple[list[asyncio.Task[None]], asyncio.Event]:
    """``count`` tasks each holding a connection (in a transaction) until the event."""
    release, holding = asyncio.Event(), [asyncio.Event() for _ in range(count)]

    # SQLite: readers in deferred transactions (the default takes the write lock).
    options = {"transaction_type": "deferred"} if isinstance(engine, SQLiteEngine) else {}

    async def holder(held: asyncio.Event) -> None:
        async with engine.transaction(**options):
            await engine.fetch_sql("SELECT 1")
            held.set()
            await asyncio.wait_for(release.wait(), TIMEOUT)

    tasks = [asyncio.create_task(holder(h)) for h in holding]
    await asyncio.wait_for(asyncio.gather(*(h.wait() for h in holding)), TIMEOUT)
    return tasks, release


async def test_cancel_or_timeout_during_acquire(pair: Engine) -> None:
    """200 acquires on a full pool, each with a 0-5 ms timeout or a cancel at 0-5 ms:
    each ends in PoolTimeout or CancelledError; afterwards the pool is exactly full and
    the server has as many sessions as before (no drift, asyncpg#467/#1052)."""
    engine, rng = pair, random.Random(3)
    server = isinstance(engine, ServerEngine)
    sessions_before = len(await sessions_of(engine)) if server else 0
    holders, release = await hold(engine, 2)
    outcomes: Counter[str] = Counter()
    saved_timeout = engine.acquire_timeout  # type: ignore[attr-defined]
    try:
        for i in range(200):
            cancel = i % 2 == 1
            engine.acquire_timeout = 5.0 if cancel else rng.uniform(0, 0.005)  # type: ignore[attr-defined]
            task = asyncio.create_task(engine.fetch_sql("SELECT 2 AS two"))
            if cancel:
                await asyncio.sleep(rng.uniform(0, 0.005))
                task.cancel()
            done, _ = await asyncio.wait({task}, timeout=TIMEOUT)
            assert task in done
            if task.cancelled():
                outcomes["cancelled"] += 1
            else:
                error = task.exception()
                assert isinstance(error, PoolTimeout), repr(error)
                outcomes["pool timeout"] += 1
    finally:
        engine.acquire_timeout = saved_timeout  # type: ignore[attr-defined]
        release.set()
        await asyncio.wait_for(asyncio.gather(*holders), TIMEOUT)
    assert outcomes["cancelled"] == 100 and outcomes["pool timeout"] == 100, outcomes
    assert pool_in_use(engine) == 0
    if server:
        assert pool_free(engine) == 2
        assert len(await sessions_of(engine)) == sessions_before == 2
    else:
        assert len(engine._all) == 2 and not [w for w in engine._waiters if not w.done()]  # type: ignore[attr-defined]
    results = await asyncio.gather(*(engine.fetch_sql("SELECT 3 AS n") for _ in range(6)))
    assert results == [[{"n": 3}]] * 6


async def test_release_and_cancel_in_the_same_iteration(pair: Engine) -> None:
    """A connection is handed to a waiter and the waiter is cancelled before it runs again
    (Python 3.11's wait_for returned the connection then, swallowing the cancellation):
    the waiter ends cancelled and the connection is not lost."""
    engine: Any = pair
    for _ in range(20):
        first, second = await engine._acquire(), await engine._acquire()
        waiter = asyncio.create_task(engine.fetch_sql("SELECT 1 AS one"))
        await asyncio.sleep(0.01)  # the waiter now waits for a free connection
        released = engine._release(first)
        if released is not None:
            await released
        waiter.cancel()  # in the same loop iteration as the hand-over
        done, _ = await asyncio.wait({waiter}, timeout=TIMEOUT)
        assert waiter in done
        assert waiter.cancelled(), f"the cancellation was swallowed: {waiter!r}"
        released = engine._release(second)
        if released is not None:
            await released
        assert pool_in_use(engine) == 0
    assert await engine.fetch_sql("SELECT 2 AS two") == [{"two": 2}]


async def test_release_and_timeout_in_the_same_iteration(pair: Engine) -> None:
    """A connection is handed to a waiter in the loop turn its deadline passes (a zero
    timeout fires on the next turn): the waiter is served or fails with PoolTimeout, and
    the connection it was handed is not lost either way."""
    engine: Any = pair
    saved_timeout = engine.acquire_timeout
    outcomes: Counter[str] = Counter()
    try:
        for _ in range(10):
            first, second = await engine._acquire(), await engine._acquire()
            engine.acquire_timeout = 0.0
            waiter = asyncio.create_task(engine.fetch_sql("SELECT 1 AS one"))
            await asyncio.sleep(0)  # the waiter waits; its deadline fires on the next turn
            released = engine._release(first)
            if released is not None:
                await released
            done, _ = await asyncio.wait({waiter}, timeout=TIMEOUT)
            engine.acquire_timeout = saved_timeout
            assert waiter in done
            error = waiter.exception()
            assert error is None or isinstance(error, PoolTimeout), repr(error)
            outcomes["pool timeout" if error else "served"] += 1
            released = engine._release(second)
            if released is not None:
                await released
            assert pool_in_use(engine) == 0, outcomes
    finally:
        engine.acquire_timeout = saved_timeout
    assert await engine.fetch_sql("SELECT 2 AS two") == [{"two": 2}]


async def test_release_races_timeout_and_cancel(pair: Engine) -> None:
    """100 rounds where connections come free around the moment waiters time out or are
    cancelled (the race behind asyncpg#467): each waiter is served, or fails with
    PoolTimeout, or ends cancelled; no connection is lost."""
    engine, rng = pair, random.Random(4)
    loop = asyncio.get_running_loop()
    outcomes: Counter[str] = Counter()
    saved_timeout = engine.acquire_timeout  # type: ignore[attr-defined]
    try:
        for i in range(100):
            holders, release = await hold(engine, 2)
            engine.acquire_timeout = rng.uniform(0, 0.004) if i % 3 == 0 else 5.0  # type: ignore[attr-defined]
            waiter = asyncio.create_task(engine.fetch_sql("SELECT 4 AS n"))
            loop.call_later(rng.uniform(0, 0.004), release.set)
            if i % 3:
                loop.call_later(rng.uniform(0, 0.006), waiter.cancel)
            await asyncio.wait_for(asyncio.gather(*holders), TIMEOUT)
            done, _ = await asyncio.wait({waiter}, timeout=TIMEOUT)
            assert waiter in done
            if waiter.cancelled():
                outcomes["cancelled"] += 1
            elif waiter.exception() is not None:
                assert isinstance(waiter.exception(), PoolTimeout), repr(waiter.exception())
                outcomes["pool timeout"] += 1
            else:
                assert waiter.result() == [{"n": 4}]
                outcomes["served"] += 1
            await asyncio.sleep(0.007)  # any late cancel timer has fired
            if isinstance(engine, ServerEngine) and engine._background:
                # A waiter cancelled mid-statement had its backend ended by a task that
                # borrows a slot (reconnecting first if it drew the discarded one): on a
                # loaded machine that outlasts any fixed sleep. Bounded wait, then exact.
                await asyncio.wait(list(engine._background), timeout=TIMEOUT)
            assert pool_in_use(engine) == 0
    finally:
        engine.acquire_timeout = saved_timeout  # type: ignore[attr-defined]
    assert outcomes["cancelled"] and outcomes["served"], outcomes
    if isinstance(engine, ServerEngine):
        assert pool_free(engine) == 2
    assert await engine.fetch_sql("SELECT 5 AS n") == [{"n": 5}]


# rank 5: cancel during COMMIT ---------------------------------------------------------------------


async def test_cancel_during_commit(
    lone: Engine, recorder: Callable[[Engine], StatementRecorder]
) -> None:
    """The task is cancelled as its COMMIT goes out (before, during or after the round
    trip): the two rows are both there or both absent, and success is never reported for
    a transaction that did not commit."""
    engine, rng = lone, random.Random(5)
    record = recorder(engine)
    observer = twin(engine)
    p = engine.placeholder
    outcomes: Counter[str] = Counter()
    for i in range(40):
        delays: list[float | None] = [None, 0.0, 0.0001, 0.0005, 0.001, 0.003]
        delay = delays[i % len(delays)] if i < 12 else rng.choice([*delays, rng.uniform(0, 0.003)])

        def hook(statement: Statement, delay: float | None = delay) -> None:
            if statement.sql != "COMMIT":
                return
            task = asyncio.current_task()
            assert task is not None
            if delay is None:
                task.cancel()  # before COMMIT is even sent
            else:
                asyncio.get_running_loop().call_later(delay, task.cancel)

        async def work(i: int = i) -> None:
            async with engine.transaction():
                await Ledger.insert(Ledger(name=f"a{i:02d}"))
                await Ledger.insert(Ledger(name=f"b{i:02d}"))
                record.hooks.append(hook)

        task = asyncio.create_task(work())
        done, _ = await asyncio.wait({task}, timeout=TIMEOUT)
        record.hooks.clear()
        assert task in done
        if task.cancelled():
            reported = "cancelled"
        else:
            assert task.exception() is None, repr(task.exception())
            reported = "success"
        rows = await observer.fetch_sql(
            f"SELECT name FROM rel_cancel_ledger WHERE name IN ({p(1)}, {p(2)})",
            [f"a{i:02d}", f"b{i:02d}"],
        )
        assert len(rows) in (0, 2), f"half a transaction committed: {rows}"
        if reported == "success":
            assert len(rows) == 2, "success reported for a transaction that did not commit"
        outcomes[f"{reported}/{'committed' if rows else 'rolled back'}"] += 1
        await assert_engine_clean(engine)
    await observer.close_connection_pool()
    assert sum(n for k, n in outcomes.items() if k.startswith("cancelled")) > 0, outcomes


# rank 6: a transaction used from other tasks, during and after its block --------------------------


async def test_tasks_outliving_their_transaction(lone: Engine) -> None:
    """30 rounds of 8 tasks spawned inside a transaction, each running queries at random
    times, some after the block has ended: every query ran inside the transaction or was
    refused with TransactionError. Never a driver error ("another operation is in
    progress", "released back to the pool"); the committed rows are exactly the
    inserts that reported success."""
    engine, rng = lone, random.Random(6)
    succeeded: set[str] = set()
    outcomes: Counter[str] = Counter()
    for round_ in range(30):
        tasks: list[asyncio.Task[None]] = []

        async def sibling(name: str, pause: float) -> None:
            await asyncio.sleep(pause)
            await Ledger.insert(Ledger(name=name))
            succeeded.add(name)
            await Ledger.select(Ledger.name).where(Ledger.name == name)
            await Ledger.raw("SELECT count(*) AS n FROM rel_cancel_ledger")

        async with engine.transaction():
            for k in range(8):
                tasks.append(
                    asyncio.create_task(sibling(f"r{round_:02d}-{k}", rng.uniform(0, 0.02)))
                )
            await asyncio.sleep(rng.uniform(0, 0.015))
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), TIMEOUT)
        for result in results:
            if result is None:
                outcomes["ran inside"] += 1
            else:
                assert isinstance(result, TransactionError), repr(result)
                outcomes["refused"] += 1
        await assert_engine_clean(engine)
    assert set(await names(engine)) == succeeded
    assert outcomes["ran inside"] > 0 and outcomes["refused"] > 0, outcomes
