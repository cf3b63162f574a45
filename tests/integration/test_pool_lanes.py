"""The pool front's lanes on PostgreSQL (``vivace.engine.lanes``): a clean connection is
kept between statements, anything else goes back through asyncpg's pool, and waiters
are served in arrival order within their timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.conftest import pg_config
from vivace.engine import PostgresEngine, lanes
from vivace.exceptions import PoolTimeout

TIMEOUT = 10.0


@pytest.fixture
async def engine(postgres_db: PostgresEngine) -> AsyncIterator[PostgresEngine]:
    made = PostgresEngine(config={**pg_config(), "min_size": 1, "max_size": 2})
    try:
        yield made
    finally:
        await asyncio.wait_for(made.close_connection_pool(), TIMEOUT)


async def backend_pid(engine: PostgresEngine, sql: str = "SELECT pg_backend_pid()") -> int:
    """The backend of the connection one statement ran on (the skeleton's own path)."""
    rows = await engine._run_statement(engine._driver_fetch, sql, [])
    return int(rows[0][0])


def checked_out_of_asyncpg(engine: PostgresEngine) -> int:
    return sum(1 for holder in engine._pool._holders if holder._in_use is not None)


async def test_a_clean_connection_is_kept_between_statements(engine: PostgresEngine) -> None:
    first = await backend_pid(engine)
    lane = engine._front.lane
    assert lane is not None and len(lane.idle) == 1 and lane.busy == 0
    # Held by nobody, yet still checked out of asyncpg's pool: no proxy, reset or task.
    assert engine._front.in_use() == 0 and checked_out_of_asyncpg(engine) == 1
    assert await backend_pid(engine) == first
    assert engine._front.free() == 2


async def test_a_connection_left_in_a_transaction_goes_back_through_asyncpg(
    engine: PostgresEngine,
) -> None:
    connection = await engine._acquire()
    await connection.execute("BEGIN")
    await connection.execute("CREATE TEMP TABLE lane_probe (x int)")
    await engine._release(connection)
    lane = engine._front.lane
    assert lane is not None and lane.idle == [] and lane.busy == 0
    assert checked_out_of_asyncpg(engine) == 0
    # asyncpg rolled it back: the next statement is outside any transaction.
    rows = await engine._run_statement(
        engine._driver_fetch, "SELECT count(*) FROM pg_tables WHERE tablename = 'lane_probe'", []
    )
    assert rows[0][0] == 0


async def test_a_cancelled_statement_never_leaves_its_connection_kept(
    engine: PostgresEngine,
) -> None:
    before = await backend_pid(engine)
    task = asyncio.create_task(backend_pid(engine, "SELECT pg_backend_pid() FROM pg_sleep(10)"))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    lane = engine._front.lane
    assert lane is not None and lane.idle == [] and engine._front.in_use() == 0
    after = await asyncio.wait_for(backend_pid(engine), TIMEOUT)
    assert after != before  # a new connection: the interrupted one was closed


async def test_a_kept_connection_closed_by_the_server_is_replaced(
    engine: PostgresEngine,
) -> None:
    pid = await backend_pid(engine)
    admin = await asyncpg.connect(**pg_config())
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await asyncio.sleep(0.3)  # the client reads the end of the socket
    lane = engine._front.lane
    # asyncpg took the dead connection back itself (detached from its proxy).
    assert lane is not None and [lane.reuse(c) for c in lane.idle if lane.reuse] == [False]
    # The next statements run, on a new connection: the dead one went back to asyncpg.
    assert await backend_pid(engine) != pid
    assert await backend_pid(engine) != pid


async def test_every_recycle_th_release_goes_through_asyncpg(
    engine: PostgresEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lanes, "RECYCLE", 3)
    await backend_pid(engine)
    await backend_pid(engine)
    lane = engine._front.lane
    assert lane is not None and len(lane.idle) == 1
    await backend_pid(engine)  # the third release: back to asyncpg, which keeps it
    assert lane.idle == [] and checked_out_of_asyncpg(engine) == 0


async def test_idle_connections_go_back_to_asyncpg_after_a_period(
    engine: PostgresEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lanes, "LINGER", 0.05)
    await asyncio.gather(backend_pid(engine), backend_pid(engine))
    lane = engine._front.lane
    assert lane is not None and len(lane.idle) >= 1
    for _ in range(100):
        if not lane.idle and not lane.returning:
            break
        await asyncio.sleep(0.05)
    assert lane.idle == [] and checked_out_of_asyncpg(engine) == 0


async def test_forget_idle_gives_kept_connections_back(engine: PostgresEngine) -> None:
    await backend_pid(engine)
    await engine._front.forget_idle()
    lane = engine._front.lane
    assert lane is not None and lane.idle == [] and checked_out_of_asyncpg(engine) == 0
    await backend_pid(engine)


async def test_waiters_are_served_in_arrival_order(engine: PostgresEngine) -> None:
    order: list[int] = []
    hold = [await engine._acquire(), await engine._acquire()]  # both slots taken

    async def query(n: int) -> None:
        connection = await engine._acquire()
        order.append(n)  # the order connections were handed out in
        await connection.execute("SELECT 1")
        await engine._release(connection)

    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(query(n)))
        await asyncio.sleep(0.01)  # queued one after the other
    for connection in hold:
        await engine._release(connection)
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    assert order == list(range(6))
    assert engine._front.in_use() == 0


async def test_a_full_pool_times_out_and_a_cancelled_waiter_passes_its_turn(
    engine: PostgresEngine,
) -> None:
    engine.acquire_timeout = 0.2
    hold = [await engine._acquire(), await engine._acquire()]
    with pytest.raises(PoolTimeout, match=r"became free within 0\.2 s"):
        await backend_pid(engine)
    engine.acquire_timeout = TIMEOUT
    cancelled = asyncio.create_task(backend_pid(engine))
    waiting = asyncio.create_task(backend_pid(engine))
    await asyncio.sleep(0.05)
    await engine._release(hold.pop())  # handed to `cancelled`, cancelled before it runs
    cancelled.cancel()
    assert isinstance(await asyncio.wait_for(waiting, TIMEOUT), int)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await engine._release(hold.pop())
    assert engine._front.in_use() == 0 and engine._front.free() == 2


async def test_a_setup_hook_keeps_no_connection(postgres_db: PostgresEngine) -> None:
    calls: list[Any] = []

    async def setup(connection: Any) -> None:
        calls.append(connection)

    made = PostgresEngine(config={**pg_config(), "max_size": 1, "setup": setup})
    try:
        await backend_pid(made)
        await backend_pid(made)
        assert len(calls) == 2  # asyncpg's hook ran on every statement's checkout
        lane = made._front.lane
        assert lane is not None and lane.idle == []
    finally:
        await made.close_connection_pool()


async def test_a_waiter_still_times_out_when_the_pool_closes(engine: PostgresEngine) -> None:
    engine.acquire_timeout = 0.3
    hold = [await engine._acquire(), await engine._acquire()]
    waiter = asyncio.create_task(backend_pid(engine))
    await asyncio.sleep(0.05)
    await engine.close_connection_pool(timeout=0.05)  # the held ones are terminated
    with pytest.raises(PoolTimeout):
        await asyncio.wait_for(waiter, TIMEOUT)  # bounded as ever, never stuck
    for connection in hold:
        await engine._release(connection)
