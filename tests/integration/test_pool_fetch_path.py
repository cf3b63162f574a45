"""``PostgresEngine.fetch``'s own path through the pool lanes (every ORM statement outside
a transaction takes it): a clean connection is kept, an interrupted one is closed, the
line is served in arrival order within its timeout, and a connection always goes back to
the pool it came from, also while that pool closes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.conftest import pg_config
from vivace.dialects import Compiled
from vivace.engine import PostgresEngine
from vivace.exceptions import DataError, PoolTimeout, VivaceError

TIMEOUT = 10.0
PID = Compiled("SELECT pg_backend_pid()", [])


@pytest.fixture
async def engine(postgres_db: PostgresEngine) -> AsyncIterator[PostgresEngine]:
    made = PostgresEngine(config={**pg_config(), "min_size": 1, "max_size": 2})
    try:
        yield made
    finally:
        await asyncio.wait_for(made.close_connection_pool(), TIMEOUT)


async def pid(engine: PostgresEngine, sql: str | None = None) -> int:
    """The backend the statement ran on, through ``fetch``."""
    rows = await engine.fetch(PID if sql is None else Compiled(sql, []), [])
    return int(rows[0][0])


def checked_out_of_asyncpg(engine: PostgresEngine) -> int:
    return sum(1 for holder in engine._pool._holders if holder._in_use is not None)


async def test_a_clean_connection_is_kept_and_reused(engine: PostgresEngine) -> None:
    first = await pid(engine)
    lane = engine._front.lane
    assert lane is not None and len(lane.idle) == 1 and lane.busy == 0
    assert await pid(engine) == first
    assert engine._front.in_use() == 0 and checked_out_of_asyncpg(engine) == 1


async def test_an_error_the_server_answered_keeps_the_connection(engine: PostgresEngine) -> None:
    first = await pid(engine)
    with pytest.raises(VivaceError):
        await engine.fetch(Compiled("SELECT 1 / 0", []), [])
    # asyncpg refuses a value it cannot encode with its protocol in step: kept too.
    with pytest.raises(VivaceError):
        await engine.fetch(Compiled("SELECT $1::int", [None]), ["not a number"])
    assert await pid(engine) == first
    assert engine._front.in_use() == 0


async def test_a_cancelled_statement_closes_its_connection(engine: PostgresEngine) -> None:
    before = await pid(engine)
    task = asyncio.create_task(pid(engine, "SELECT pg_backend_pid() FROM pg_sleep(10)"))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    lane = engine._front.lane
    assert lane is not None and lane.idle == [] and engine._front.in_use() == 0
    assert await asyncio.wait_for(pid(engine), TIMEOUT) != before


async def test_statements_waiting_for_a_connection_run_in_arrival_order(
    engine: PostgresEngine,
) -> None:
    hold = [await engine._acquire(), await engine._acquire()]  # both slots taken
    done: list[int] = []

    async def query(n: int) -> None:
        rows = await engine.fetch(Compiled("SELECT $1::int", [None]), [n])
        done.append(rows[0][0])

    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(query(n)))
        await asyncio.sleep(0.01)  # queued one after the other
    # One connection for the whole line: each statement runs when the one before ends.
    await engine._release(hold.pop())
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    assert done == list(range(6))
    await engine._release(hold.pop())
    assert engine._front.in_use() == 0 and engine._front.free() == 2


async def test_the_wait_is_bounded_and_a_cancelled_waiter_passes_its_turn(
    engine: PostgresEngine,
) -> None:
    engine.acquire_timeout = 0.2
    hold = [await engine._acquire(), await engine._acquire()]
    with pytest.raises(PoolTimeout, match=r"became free within 0\.2 s"):
        await pid(engine)
    engine.acquire_timeout = TIMEOUT
    cancelled = asyncio.create_task(pid(engine))
    waiting = asyncio.create_task(pid(engine))
    await asyncio.sleep(0.05)
    await engine._release(hold.pop())  # handed to `cancelled`, cancelled before it runs
    cancelled.cancel()
    assert isinstance(await asyncio.wait_for(waiting, TIMEOUT), int)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await engine._release(hold.pop())
    assert engine._front.in_use() == 0 and engine._front.free() == 2


async def test_a_transaction_pins_its_connection(engine: PostgresEngine) -> None:
    async with engine.transaction():
        inside = await pid(engine)
        outside = await asyncio.create_task(_in_a_task_of_its_own(engine))
        assert await pid(engine) == inside
        assert outside != inside
    with pytest.raises(DataError):  # raised in the transaction, which rolls back
        async with engine.transaction():
            await engine.fetch(Compiled("SELECT 1 / 0", []), [])
    assert engine._front.in_use() == 0


async def _in_a_task_of_its_own(engine: PostgresEngine) -> int:
    # A new task outside the transaction (it copies the context: leave it first).
    engine._transaction.set(None)
    return await pid(engine)


async def test_closing_waits_only_for_the_statements_running(engine: PostgresEngine) -> None:
    await pid(engine)
    running = asyncio.create_task(pid(engine, "SELECT pg_backend_pid() FROM pg_sleep(0.3)"))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await engine.close_connection_pool(timeout=TIMEOUT)
    # The statement's connection went back to asyncpg, whose close was waiting for it:
    # the close ends with it, not at its limit (when what is left is terminated).
    assert time.monotonic() - started < TIMEOUT / 2
    assert isinstance(running.result(), int)


async def test_a_connection_goes_back_to_the_pool_it_came_from(engine: PostgresEngine) -> None:
    await pid(engine)
    old_lane = engine._front.lane
    running = asyncio.create_task(pid(engine, "SELECT pg_backend_pid() FROM pg_sleep(0.3)"))
    await asyncio.sleep(0.1)
    closing = asyncio.create_task(engine.close_connection_pool(timeout=TIMEOUT))
    await asyncio.sleep(0.05)
    # A statement while the pool closes: the front makes a new pool for it.
    await pid(engine)
    await asyncio.wait_for(closing, TIMEOUT)
    assert isinstance(running.result(), int)
    lane = engine._front.lane
    assert lane is not None and lane is not old_lane
    # The old pool's connection did not join the new pool's lane.
    assert all(c._holder._pool is engine._pool for c in lane.idle)
    assert lane.busy == 0 and engine._front.in_use() == 0
    await pid(engine)


async def test_a_transaction_ending_after_its_pool_closed_gives_back_to_that_pool(
    engine: PostgresEngine,
) -> None:
    await pid(engine)
    old_lane = engine._front.lane

    async def transaction() -> None:
        async with engine.transaction():
            await pid(engine)
            await asyncio.sleep(0.3)

    running = asyncio.create_task(transaction())
    await asyncio.sleep(0.1)
    closing = asyncio.create_task(engine.close_connection_pool(timeout=TIMEOUT))
    await asyncio.sleep(0.05)
    await pid(engine)  # on a new pool
    started = time.monotonic()
    await asyncio.wait_for(running, TIMEOUT)
    await asyncio.wait_for(closing, TIMEOUT)
    assert time.monotonic() - started < TIMEOUT / 2  # the old pool's close got it back
    lane = engine._front.lane
    assert lane is not None and lane is not old_lane
    assert all(c._holder._pool is engine._pool for c in lane.idle)
    assert lane.busy == 0 and engine._front.in_use() == 0
