"""Lost connections (plan ranks 7, 8, 10, 11): backends terminated while idle and
mid-transaction, a blackholed network, connections reset or refused at start-up.

Faults are made with ``pg_terminate_backend`` (MariaDB: ``KILL CONNECTION`` from an admin
connection) on this suite's own sessions and with the loopback fault proxy; the shared
servers themselves are never stopped or reconfigured. Every scenario runs on PostgreSQL
and MariaDB (the proxy then stands in front of MariaDB).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import MY_HOST, MY_PORT, PG_HOST, PG_PORT
from tests.reliability.harness import FaultProxy, StatementRecorder, free_port
from tests.reliability.support import (
    TIMEOUT,
    eventually,
    no_running_statement,
    open_transactions,
    pool_free,
    pool_in_use,
    pool_size,
    server_engine,
    server_sessions,
    session_id_sql,
    sessions_of,
    sleep_sql,
    tables_on,
    terminate_session,
    terminate_sessions_of,
)
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import Engine
from vivace.engine.server import ServerEngine
from vivace.exceptions import (
    ConnectionLost,
    ConnectionRefused,
    OperationalError,
    PoolTimeout,
    QueryTimeout,
    TransactionError,
    VivaceError,
)


class Entry(Table, tablename="rel_conn_entry"):
    name = Varchar(length=60)
    n = Integer(default=0)


async def count_entries(observer: Engine) -> int:
    rows = await observer.fetch_sql("SELECT count(*) AS n FROM rel_conn_entry")
    return int(rows[0]["n"])


# rank 7: backends terminated while idle in the pool -----------------------------------------------


async def test_idle_backends_terminated(server_kind: str) -> None:
    """Every pooled backend is terminated, five times over. Each dead connection costs at
    most one ConnectionLost (when it is picked before its end is noticed), then queries
    work again and the pool refills to min_size."""
    engine = server_engine(server_kind, min_size=2, max_size=4)
    await engine.start_connection_pool()
    errors: Counter[str] = Counter()
    killed_total = 0
    for round_ in range(5):
        await eventually(
            lambda: _sessions_at_least(engine, 2), what="the pool holding its 2 connections"
        )
        killed = await terminate_sessions_of(engine)
        killed_total += killed
        assert killed >= 2
        if round_ % 2:
            await asyncio.sleep(0.2)  # give the client time to notice the closed sockets
        failures = 0
        for _ in range(12):
            try:
                rows = await asyncio.wait_for(engine.fetch_sql("SELECT 1 AS one"), TIMEOUT)
                assert rows == [{"one": 1}]
            except ConnectionLost as error:
                assert engine._address() in str(error)
                failures += 1
                errors["ConnectionLost"] += 1
        assert failures <= killed, f"{failures} failures for {killed} dead connections"
        # Several concurrent users too (the pool grows again).
        results = await asyncio.gather(*(engine.fetch_sql("SELECT 2 AS n") for _ in range(4)))
        assert results == [[{"n": 2}]] * 4
    await eventually(lambda: _sessions_at_least(engine, 2), what="the pool refilling")
    assert pool_in_use(engine) == 0
    assert pool_size(engine) >= 2
    await engine.close_connection_pool()
    assert killed_total >= 10, killed_total


async def _sessions_at_least(engine: ServerEngine, count: int) -> bool:
    return len(await sessions_of(engine)) >= count


# rank 8: backend terminated mid-transaction -------------------------------------------------------


@pytest.mark.parametrize("when", ["between statements", "during a statement"])
async def test_backend_terminated_mid_transaction(
    server_kind: str, when: str, recorder: Callable[[Any], StatementRecorder]
) -> None:
    """The session dies after two of three inserts: ConnectionLost (a Vivace error with
    the host and port), nothing committed, no insert sent twice (no automatic retry of a
    transaction), and the engine goes on with a new connection."""
    engine, observer = server_engine(server_kind, max_size=2), server_engine(server_kind)
    record = recorder(engine)
    async with tables_on(engine, Entry):
        for attempt in range(5):
            record.clear()
            with pytest.raises(ConnectionLost) as raised:
                async with engine.transaction():
                    await Entry.insert(Entry(name=f"one{attempt}"))
                    await Entry.insert(Entry(name=f"two{attempt}"))
                    pid = (await engine.fetch_sql(session_id_sql(engine)))[0]["pid"]
                    if when == "between statements":
                        await terminate_backend(engine, pid)
                        await asyncio.sleep(0.05)
                        await Entry.insert(Entry(name=f"three{attempt}"))
                    else:
                        killer = asyncio.create_task(terminate_backend(engine, pid, after=0.1))
                        try:
                            await Entry.raw(sleep_sql(engine, 5))
                        finally:
                            await killer
            error = raised.value
            assert isinstance(error, OperationalError) and error.__cause__ is not None
            assert engine._address() in str(error) or error.code is not None
            # Only the rows of the earlier rounds' "after" transactions.
            assert await count_entries(observer) == attempt
            inserts = [s for s in record.statements if s.sql.startswith("INSERT")]
            assert len(inserts) == len({s.params for s in inserts}), "an insert was re-sent"
            assert not engine.transaction_exists()
            async with engine.transaction():
                await Entry.insert(Entry(name=f"after{attempt}"))
            assert await count_entries(observer) == attempt + 1
            await eventually(lambda: _idle(engine), what="no session left mid-statement")
    assert pool_in_use(engine) == 0


async def terminate_backend(engine: ServerEngine, pid: int, after: float = 0.0) -> None:
    """End one backend of this suite's own (its pid was read in its own session)."""
    await asyncio.sleep(after)
    await terminate_session(engine, pid)


async def _idle(engine: ServerEngine) -> bool:
    await asyncio.sleep(0)
    return all((s["state"] or "idle") == "idle" for s in await sessions_of(engine))


async def test_connection_reset_mid_transaction(
    server_kind: str, fault_proxy: FaultProxy, recorder: Callable[[Any], StatementRecorder]
) -> None:
    """The network resets every connection between two statements: ConnectionLost naming
    the proxy's host and port, nothing committed, and it works again once traffic flows."""
    engine = server_engine(server_kind, host=fault_proxy.host, port=fault_proxy.port)
    observer = server_engine(server_kind)
    address = f"{fault_proxy.host}:{fault_proxy.port}"
    async with tables_on(engine, Entry):
        for attempt in range(5):
            with pytest.raises(ConnectionLost, match=address):
                async with engine.transaction():
                    await Entry.insert(Entry(name=f"a{attempt}"))
                    fault_proxy.set_mode("reset")
                    await Entry.insert(Entry(name=f"b{attempt}"))
            with pytest.raises(ConnectionLost, match=address):
                await Entry.count()  # the server cannot be reached at all
            fault_proxy.set_mode("pass")
            assert await count_entries(observer) == 0
            assert await asyncio.wait_for(Entry.count().run(), TIMEOUT) == 0
    assert pool_in_use(engine) == 0


# rank 10: a blackholed network --------------------------------------------------------------------


async def test_blackhole(server_kind: str, fault_proxy: FaultProxy) -> None:
    """The network silently stops delivering: statements fail with QueryTimeout within
    command_timeout (plus a little), waits for a connection with PoolTimeout or
    ConnectionLost, never a hang; the interrupted connections are thrown away, and the
    engine recovers once the network is back."""
    command_timeout, acquire_timeout, slack = 0.5, 0.3, 0.4
    engine = server_engine(
        server_kind,
        host=fault_proxy.host,
        port=fault_proxy.port,
        min_size=2,
        max_size=2,
        command_timeout=command_timeout,
        acquire_timeout=acquire_timeout,
    )
    address = f"{fault_proxy.host}:{fault_proxy.port}"
    await engine.start_connection_pool()
    for _ in range(3):
        assert await engine.fetch_sql("SELECT 1 AS one") == [{"one": 1}]
        fault_proxy.set_mode("blackhole")

        # A statement on an idle pooled connection, alone and in a transaction.
        begin = time.monotonic()
        with pytest.raises(QueryTimeout, match=address):
            await asyncio.wait_for(engine.fetch_sql("SELECT 2"), TIMEOUT)
        assert time.monotonic() - begin < command_timeout + slack
        begin = time.monotonic()
        # (Or PoolTimeout: the slots may be busy reconnecting, boundedly, through the hole.)
        with pytest.raises((QueryTimeout, ConnectionLost, PoolTimeout)):
            async with engine.transaction():
                await asyncio.wait_for(engine.fetch_sql("SELECT 3"), TIMEOUT)
        # Not twice the timeout: the interrupted transaction is not rolled back over the
        # dead link, its connection is thrown away.
        assert time.monotonic() - begin < command_timeout + acquire_timeout + slack

        # Both slots busy with stuck statements: a third user gets PoolTimeout in time.
        stuck = [asyncio.create_task(engine.fetch_sql("SELECT 4")) for _ in range(2)]
        await asyncio.sleep(0.05)
        begin = time.monotonic()
        with pytest.raises((PoolTimeout, ConnectionLost)):
            await asyncio.wait_for(engine.fetch_sql("SELECT 5"), TIMEOUT)
        assert time.monotonic() - begin < acquire_timeout + slack
        outcomes = await asyncio.gather(*stuck, return_exceptions=True)
        assert all(isinstance(o, OperationalError) for o in outcomes), outcomes

        fault_proxy.set_mode("pass")
        await eventually(lambda: _answers(engine), within=5, what="recovery after the blackhole")
        if engine._background:  # ending the discarded backends borrows a slot, boundedly
            await asyncio.wait(list(engine._background), timeout=5)
        assert pool_in_use(engine) == 0
        await no_running_statement(engine, 2.0)
    # Closing with the network cut is bounded too.
    await engine.fetch_sql("SELECT 6")
    fault_proxy.set_mode("blackhole")
    begin = time.monotonic()
    await engine.close_connection_pool(timeout=0.5)
    assert time.monotonic() - begin < 0.5 + slack
    fault_proxy.set_mode("pass")


async def _answers(engine: ServerEngine) -> bool:
    try:
        return await engine.fetch_sql("SELECT 7 AS n") == [{"n": 7}]
    except VivaceError:
        return False


# rank 11: reset or refused at start-up, and the server coming back --------------------------------


async def test_reset_at_startup_then_recovery(server_kind: str, fault_proxy: FaultProxy) -> None:
    """Every connection attempt is reset: a ConnectionLost naming host and port (never a
    bare OSError), raised at once; the engine works as soon as the server is reachable."""
    engine = server_engine(server_kind, host=fault_proxy.host, port=fault_proxy.port)
    fault_proxy.set_mode("reset")
    for _ in range(3):
        begin = time.monotonic()
        with pytest.raises(ConnectionLost) as raised:
            await engine.fetch_sql("SELECT 1")
        assert time.monotonic() - begin < 2
        assert f"{fault_proxy.host}:{fault_proxy.port}" in str(raised.value)
        assert raised.value.__cause__ is not None
        with pytest.raises(ConnectionLost):
            async with engine.transaction():
                pass
    fault_proxy.set_mode("pass")
    assert await engine.fetch_sql("SELECT 1 AS one") == [{"one": 1}]
    async with engine.transaction():
        assert await engine.fetch_sql("SELECT 2 AS two") == [{"two": 2}]


async def test_refused_then_server_comes_up(server_kind: str) -> None:
    """Nothing listens on the port at first (connection refused), then a server appears
    there: the first queries fail with ConnectionRefused (never ConnectionLost: there was
    no connection to lose), the next ones work."""
    port = free_port()
    engine = server_engine(server_kind, port=port)
    with pytest.raises(ConnectionRefused, match=f"127.0.0.1:{port}") as raised:
        await engine.fetch_sql("SELECT 1")
    causes, cause = [], raised.value.__cause__
    while cause is not None:  # asyncmy wraps the OSError in its OperationalError
        causes.append(cause)
        cause = cause.__cause__
    assert any(isinstance(c, OSError) for c in causes), causes
    target = (MY_HOST, MY_PORT) if server_kind == "mysql" else (PG_HOST, PG_PORT)
    proxy = await FaultProxy(*target, port=port).start()
    try:
        assert await engine.fetch_sql("SELECT 1 AS one") == [{"one": 1}]
    finally:
        await engine.close_connection_pool()
        await proxy.close()


async def test_failed_pool_start_leaves_no_connection(
    server_kind: str, fault_proxy: FaultProxy
) -> None:
    """min_size=4 and the third connection is reset: the start fails with ConnectionLost,
    and the two connections already made are closed, not leaked on the server."""
    engine = server_engine(
        server_kind, host=fault_proxy.host, port=fault_proxy.port, min_size=4, max_size=4
    )
    before = await server_sessions(engine)
    fault_proxy.fail_after = 2
    with pytest.raises(ConnectionLost):
        await engine.start_connection_pool()
    await eventually(lambda: _sessions_are(engine, before), what="the started connections closing")
    fault_proxy.fail_after = None
    await engine.start_connection_pool()
    assert pool_size(engine) == 4
    assert await server_sessions(engine) == before + 4
    assert pool_free(engine) == 4


async def _sessions_are(engine: ServerEngine, count: int) -> bool:
    return await server_sessions(engine) == count


async def test_interrupted_statement_is_ended_on_the_server(server_kind: str) -> None:
    """A statement cut off on the client side (command_timeout) is also ended on the
    server: its backend does not run on holding locks (R1)."""
    engine = server_engine(server_kind, command_timeout=0.3)
    async with tables_on(engine, Entry):
        for _ in range(3):
            with pytest.raises(QueryTimeout):
                await Entry.raw(sleep_sql(engine, 10))
            await no_running_statement(engine, 2.0)
        with pytest.raises(TransactionError):
            async with engine.transaction():
                await Entry.insert(Entry(name="locked"))  # a row lock, held until the end
                with contextlib.suppress(QueryTimeout):
                    await Entry.raw(sleep_sql(engine, 10))
                await engine.fetch_sql("SELECT 1")
        await no_running_statement(engine, 2.0)
        assert await open_transactions(engine) == 0
        assert await Entry.count() == 0
