"""Load (plan ranks 12, 23, 25): pool exhaustion with fair, bounded waits; streaming
300,000 rows in flat memory; an event loop that never stalls for 100 ms on big results,
big inserts or long SQLite statements. On SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import asyncio
import gc
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import LagMonitor
from tests.reliability.support import (
    TIMEOUT,
    no_running_statement,
    pool_free,
    pool_in_use,
    server_engine,
    tables_on,
)
from vivace import Table
from vivace.columns import Integer, Text, Varchar
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.engine.server import ServerEngine
from vivace.exceptions import PoolTimeout
from vivace.query import QueryString

LAG_LIMIT = 0.1  # seconds
WALL_LIMIT = 1.0  # seconds: a stall by the wall clock, whatever the machine's load


class Wide(Table, tablename="rel_load_wide"):
    a = Integer()
    b = Varchar(length=40)
    c = Text()


@pytest.fixture
async def engine(engine_kind: str, tmp_path: Path) -> AsyncIterator[Engine]:
    made: Engine
    if engine_kind == "sqlite":
        made = SQLiteEngine(path=str(tmp_path / "load.sqlite"))
    else:
        made = server_engine(engine_kind, max_size=4)
    async with tables_on(made, Wide):
        yield made


async def fill(engine: Engine, rows: int) -> None:
    """``rows`` rows of about 200 bytes each, written by the database itself."""
    if isinstance(engine, PostgresEngine):
        await engine.fetch_sql(
            "INSERT INTO rel_load_wide (a, b, c) SELECT i, 'name-' || i, repeat('x', 180) "
            "FROM generate_series(1, $1) AS i",
            [rows],
        )
    elif isinstance(engine, MySQLEngine):  # MariaDB's sequence tables: seq_1_to_<n>
        await engine.fetch_sql(
            "INSERT INTO rel_load_wide (a, b, c) SELECT seq, CONCAT('name-', seq), "
            f"REPEAT('x', 180) FROM seq_1_to_{int(rows):d}"
        )
    else:
        await engine.fetch_sql(
            "INSERT INTO rel_load_wide (a, b, c) SELECT x, 'name-' || x, printf('%.180c', 'x') "
            "FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
            "WHERE x < ?) SELECT x FROM c)",
            [rows],
        )


# rank 12: pool exhaustion ------------------------------------------------------------------------


@pytest.mark.parametrize("engine_kind", ["sqlite", "postgres", "mysql"], indirect=True)
async def test_pool_exhaustion_is_fair_and_bounded(engine_kind: str, tmp_path: Path) -> None:
    """50 tasks arriving 5 ms apart share 2 connections, each holding one for 100 ms,
    with a 1 s acquire timeout. Each task completes or gets PoolTimeout; nobody waits
    longer than the timeout + 100 ms; connections are handed out in arrival order (no
    task is overtaken by a later one); afterwards the pool is full again."""
    made: Engine = (
        SQLiteEngine(path=str(tmp_path / "fair.sqlite"), max_connections=2, acquire_timeout=1.0)
        if engine_kind == "sqlite"
        else server_engine(engine_kind, min_size=2, max_size=2, acquire_timeout=1.0)
    )
    options = {"transaction_type": "deferred"} if engine_kind == "sqlite" else {}
    await made.fetch_sql("SELECT 1")
    served: list[int] = []
    waits: list[float] = []
    outcomes: Counter[str] = Counter()

    async def user(index: int) -> None:
        await asyncio.sleep(index * 0.005)
        asked = time.monotonic()
        try:
            async with made.transaction(**options):
                waits.append(time.monotonic() - asked)
                served.append(index)
                await made.fetch_sql("SELECT 1")
                await asyncio.sleep(0.1)
            outcomes["served"] += 1
        except PoolTimeout:
            waits.append(time.monotonic() - asked)
            outcomes["pool timeout"] += 1

    await asyncio.wait_for(asyncio.gather(*(user(i) for i in range(50))), TIMEOUT)
    assert outcomes["served"] + outcomes["pool timeout"] == 50
    assert outcomes["pool timeout"] > 0 and outcomes["served"] >= 10, outcomes
    assert max(waits) < 1.0 + 0.1, f"a task waited {max(waits):.3f} s"
    # Slots are handed out in arrival order; two tasks handed slots at the same moment
    # may still finish their BEGIN round trips in either order (two connections). So a
    # task may overtake an earlier one by fewer places than there are connections.
    overtaken = [
        (earlier, later)
        for position, later in enumerate(served)
        for earlier in served[position + 1 :]
        if earlier < later - 1
    ]
    assert not overtaken, f"served out of arrival order: {served}"
    assert pool_in_use(made) == 0
    if isinstance(made, ServerEngine):
        assert pool_free(made) == 2
    await made.close_connection_pool()


async def test_pool_is_not_hogged(engine: Engine) -> None:
    """A task running queries back to back on a 2-connection pool does not starve the
    tasks waiting behind it (asyncpg#1247): every waiter is served within a bound."""
    made: Engine = (
        server_engine(engine.engine_type, min_size=2, max_size=2, acquire_timeout=2.0)
        if isinstance(engine, ServerEngine)
        else SQLiteEngine(path=engine.path, max_connections=2, acquire_timeout=2.0)  # type: ignore[attr-defined]
    )
    stop = asyncio.Event()
    hog_queries = [0]

    async def hog() -> None:
        while not stop.is_set():
            await made.fetch_sql("SELECT 1")
            hog_queries[0] += 1

    async def waiter() -> float:
        asked = time.monotonic()
        await made.fetch_sql("SELECT 2")
        return time.monotonic() - asked

    hogs = [asyncio.create_task(hog()) for _ in range(2)]
    await asyncio.sleep(0.05)
    waits = await asyncio.wait_for(asyncio.gather(*(waiter() for _ in range(40))), TIMEOUT)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*hogs), TIMEOUT)
    assert hog_queries[0] > 0
    assert max(waits) < 1.0, f"a waiter waited {max(waits):.3f} s behind the hogs"
    await made.close_connection_pool()


# rank 23: streaming a large result ----------------------------------------------------------------


async def test_streaming_300k_rows_in_flat_memory(engine: Engine) -> None:
    """300,000 rows of ~200 bytes read with ``batch()``: the peak of traced memory stays
    under 50 MB (the whole result as dicts would take several times that)."""
    await fill(engine, 300_000)
    seen = 0
    total = 0
    tracemalloc.start()
    try:
        async with await Wide.select(Wide.a, Wide.b, Wide.c).batch(batch_size=2000) as batch:
            async for rows in batch:
                seen += len(rows)
                total += sum(row["a"] for row in rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 300_000
    assert total == 300_000 * 300_001 // 2
    assert peak < 50 * 2**20, f"peak traced memory {peak / 2**20:.1f} MB"
    assert pool_in_use(engine) == 0


async def test_cancel_mid_stream(engine: Engine) -> None:
    """A stream cancelled after 10,000 rows: the cursor is closed with its connection,
    no transaction stays open, and the engine serves the next query (rank 1 invariants)."""
    await fill(engine, 60_000)
    for round_ in range(3):
        reached = asyncio.Event()
        seen = [0]

        async def reader(reached: asyncio.Event = reached, seen: list[int] = seen) -> None:
            async with await Wide.select(Wide.a, Wide.c).batch(batch_size=1000) as batch:
                async for rows in batch:
                    seen[0] += len(rows)
                    if seen[0] >= 10_000:
                        reached.set()
                        await asyncio.sleep(10)

        task = asyncio.create_task(reader())
        await asyncio.wait_for(reached.wait(), TIMEOUT)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=TIMEOUT)
        assert task in done and task.cancelled()
        if isinstance(engine, ServerEngine):
            if engine._background:
                await asyncio.wait(list(engine._background), timeout=TIMEOUT)
            await no_running_statement(engine, 2.0)
        assert pool_in_use(engine) == 0
        assert await Wide.count().where(Wide.a > 0) == 60_000
        async with engine.transaction():
            await Wide.insert(Wide(a=-round_ - 1, b="after", c=""))
    assert await Wide.count().where(Wide.a < 0) == 3


def untraced() -> None:
    """Skip a timing measurement under a tracer (coverage): it slows Vivace's Python code
    several times but not the drivers' C code, so the stalls it shows are not the real
    ones. ``.ci/run`` runs the ``timing`` tests again without coverage."""
    tracing = sys.gettrace() is not None
    monitoring: Any = getattr(sys, "monitoring", None)  # Python 3.12+: coverage may use it
    if monitoring is not None:
        tracing = tracing or monitoring.get_tool(monitoring.COVERAGE_ID) is not None
    if tracing:
        pytest.skip("loop stalls are not measurable under a tracer (rerun untraced by .ci/run)")


# rank 25: the event loop keeps running ------------------------------------------------------------


@pytest.mark.timing
async def test_loop_lag_while_decoding_and_writing(
    engine: Engine, lag_monitor: Callable[..., LagMonitor]
) -> None:
    """200,000 rows read as dicts and as objects, and 50,000 rows inserted: the event loop
    never stalls for 100 ms of this process's work (mapping 200,000 rows in one go takes
    well over that), nor for a second by the wall clock.

    The cyclic garbage collector is paused while each is measured: a full collection
    stalls the loop in proportion to the whole process heap (70-90 ms here, with the
    test runner's objects), whatever the library does; what is measured is Vivace's
    own work, which yields between chunks of rows. A stall counts up to the CPU time the
    process used in it (``LagMonitor.worst_busy``): on a loaded machine the loop thread
    waits for a core too (20 ms of work seen as 100-350 ms of wall clock on this shared
    2-core machine), which is not Vivace's doing; the wall-clock bound still catches a
    loop blocked in a wait that uses no CPU.
    """
    untraced()
    await fill(engine, 200_000)
    lags: dict[str, tuple[float, float]] = {}
    new_rows = [Wide(a=i, b=f"n{i}", c="y" * 150) for i in range(50_000)]  # (not measured)
    for name, work in [
        ("select 200k", lambda: Wide.select().run()),
        ("objects 200k", lambda: Wide.objects().run()),
        ("insert 50k", lambda: Wide.insert(*new_rows).run()),
    ]:
        gc.disable()
        try:
            async with lag_monitor() as lag:
                result: Any = await asyncio.wait_for(work(), TIMEOUT)
        finally:
            gc.enable()
        assert len(result) >= 50_000
        lags[name] = (lag.worst_busy, lag.worst)
    shown = {
        k: f"{busy * 1000:.0f} ms busy, {wall * 1000:.0f} ms wall"
        for k, (busy, wall) in lags.items()
    }
    assert max(busy for busy, _ in lags.values()) < LAG_LIMIT, shown
    assert max(wall for _, wall in lags.values()) < WALL_LIMIT, shown


def counting_sql(n: int) -> str:
    return (
        f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n:d}) "
        "SELECT count(*) FROM c)"
    )


async def test_loop_lag_during_sqlite_work(
    tmp_path: Path, lag_monitor: Callable[..., LagMonitor]
) -> None:
    """SQLite statements of about a second, reads and writes, in and out of transactions,
    from several tasks at once: the loop never stalls for 100 ms of this process's work,
    nor for a second by the wall clock (see the test above)."""
    engine = SQLiteEngine(path=str(tmp_path / "lag.sqlite"))
    async with tables_on(engine, Wide):
        await fill(engine, 20_000)
        n = 4_000_000

        async def reader() -> None:
            rows = await Wide.select(QueryString(counting_sql(n), alias="n")).first()
            assert rows == {"n": n}

        async def writer() -> None:
            async with engine.transaction():
                await Wide.update({Wide.a: Wide.a + 1}).where(
                    QueryString(f"{counting_sql(n)} = {{}}", n)
                )

        async def raw() -> None:
            assert await Wide.raw(f"SELECT {counting_sql(n)} AS n") == [{"n": n}]

        async with lag_monitor() as lag:
            begin = time.monotonic()
            await asyncio.wait_for(asyncio.gather(reader(), writer(), raw(), reader()), TIMEOUT)
            duration = time.monotonic() - begin
        assert duration > 0.3, "the statements were too quick to prove anything"
        shown = (
            f"the loop stalled {lag.worst_busy * 1000:.0f} ms busy, {lag.worst * 1000:.0f} ms wall"
        )
        assert lag.worst_busy < LAG_LIMIT, shown
        assert lag.worst < WALL_LIMIT, shown
    await engine.close_connection_pool()
