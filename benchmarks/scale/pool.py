"""Throughput of concurrent select-by-pk against the pool size and the number of tasks.

Per server engine (PostgreSQL, MariaDB), Vivace (``select().where(id == k).first()``) next
to the raw-driver floor: an asyncpg pool whose release sends no reset, an asyncmy pool.
Each sample: ``tasks`` tasks select random rows for ``seconds``; throughput = queries /
seconds, and with it the client's CPU (this process's ``time.process_time`` over the
wall time: 1.0 is one core busy) and the machine's (the busy share of all cores, from
``/proc/stat``), which tell a client-bound point from a server-bound one.

A point is 3 rounds of floor then Vivace, each with its own pool opened, warmed and
closed (never two pools at once: the server's connections are shared with whatever else
runs), and reports each side's median, so a burst of load from elsewhere hits both
sides alike. Before a point the server's free connections are counted; a point that
would not fit is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.mysql_server import execute as mysql_execute
from benchmarks.scale.rows import driver
from vivace import Table
from vivace.columns import Varchar
from vivace.engine import MySQLEngine, PostgresEngine
from vivace.engine.base import Engine

ROWS = 1000
ROUNDS = 3
#: Tasks of the pool-size curve; pool size of the tasks curve.
POOL_TASKS = 200
TASKS_POOL = 10
#: Connections left free for the other users of the server when a point is checked.
SPARE = 5
FLOORS = {"postgres": "asyncpg", "mysql": "asyncmy"}

Query = Callable[[int], Awaitable[Any]]
Opener = Callable[[int], contextlib.AbstractAsyncContextManager[Query]]


@dataclass(frozen=True)
class Sample:
    """One timed run: queries/s, client CPU (cores busy) and machine CPU (share busy)."""

    qps: float
    cpu: float
    machine: float | None


def machine_busy() -> tuple[float, float] | None:
    """(busy, total) jiffies of all cores since boot, or None off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [float(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


async def run(query: Query, tasks: int, seconds: float) -> Sample:
    """``tasks`` tasks run ``query`` on random keys for ``seconds``: the sample."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await query(random.randint(1, ROWS))
            done += 1

    cpu, machine = time.process_time(), machine_busy()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    after = machine_busy()
    share = None
    if machine is not None and after is not None and after[1] > machine[1]:
        share = (after[0] - machine[0]) / (after[1] - machine[1])
    return Sample(done / wall, cpu / wall, share)


async def _no_reset(connection: Any) -> None:
    return None


def asyncpg_floor(config: dict[str, Any]) -> Opener:
    """Opens an asyncpg pool of the given size; its query returns the row as a dict."""
    sql = "SELECT id, name FROM scale_item WHERE id = $1"

    @contextlib.asynccontextmanager
    async def open_pool(size: int) -> AsyncGenerator[Query]:
        raw = await driver("asyncpg").create_pool(
            **config, min_size=size, max_size=size, reset=_no_reset
        )

        async def query(key: int) -> Any:
            return dict(await raw.fetchrow(sql, key))

        try:
            yield query
        finally:
            await raw.close()

    return open_pool


def asyncmy_floor(config: dict[str, Any]) -> Opener:
    """Opens an asyncmy pool of the given size; its query returns the row as a dict."""
    sql = "SELECT id, name FROM scale_item WHERE id = %s"

    @contextlib.asynccontextmanager
    async def open_pool(size: int) -> AsyncGenerator[Query]:
        raw = await driver("asyncmy").create_pool(
            host=config["host"],
            port=config["port"],
            user=config["user"],
            password=config["password"],
            db=config["database"],
            minsize=size,
            maxsize=size,
            autocommit=True,
        )

        async def query(key: int) -> Any:
            async with raw.acquire() as connection, connection.cursor() as cursor:
                await cursor.execute(sql, (key,))
                row = await cursor.fetchone()
                return dict(zip(("id", "name"), row))

        try:
            yield query
        finally:
            raw.close()
            await raw.wait_closed()

    return open_pool


def vivace_side(kind: str, config: dict[str, Any]) -> Opener:
    """Opens a Vivace engine whose pool has the given size; its query is select-by-pk."""

    @contextlib.asynccontextmanager
    async def open_pool(size: int) -> AsyncGenerator[Query]:
        sized = {**config, "min_size": size, "max_size": size}
        engine: Engine = (
            PostgresEngine(config=sized) if kind == "postgres" else MySQLEngine(config=sized)
        )

        class ScaleItem(Table, db=engine, tablename="scale_item"):
            name = Varchar(length=50)

        async def query(key: int) -> Any:
            return await ScaleItem.select().where(ScaleItem.id == key).first()

        await engine.start_connection_pool()
        try:
            yield query
        finally:
            await engine.close_connection_pool()

    return open_pool


async def free_connections(kind: str, config: dict[str, Any]) -> int:
    """How many more connections the server accepts now (its limit less those in use;
    on PostgreSQL also less the slots it keeps for superusers)."""
    if kind == "postgres":
        connection = await driver("asyncpg").connect(**config)
        try:
            row = await connection.fetchrow(
                "SELECT current_setting('max_connections')::int AS max, "
                "current_setting('superuser_reserved_connections')::int AS reserved, "
                "(SELECT count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend') AS used"
            )
        finally:
            await connection.close()
        # +1: this check's own connection is counted in "used" and is closed now.
        return int(row["max"]) - int(row["reserved"]) - int(row["used"]) + 1
    ((row,),) = await mysql_execute(
        config,
        "SELECT @@max_connections, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
        "WHERE VARIABLE_NAME = 'THREADS_CONNECTED')",
    )
    return int(row[0]) - int(row[1]) + 1


def _summary(samples: list[Sample]) -> dict[str, Any]:
    machine = [s.machine for s in samples if s.machine is not None]
    return {
        "qps": statistics.median(s.qps for s in samples),
        "cpu": statistics.median(s.cpu for s in samples),
        "machine": statistics.median(machine) if machine else None,
        "samples": [round(s.qps, 1) for s in samples],
    }


async def point(
    kind: str,
    config: dict[str, Any],
    size: int,
    tasks: int,
    seconds: float,
    rounds: int = ROUNDS,
) -> dict[str, Any]:
    """One point: {size, tasks, floor: {qps, cpu, machine, samples}, vivace: {...}, ratio},
    or {size, tasks, skipped: why} when the server has too few free connections."""
    free = await free_connections(kind, config)
    if free < size + SPARE:
        return {
            "size": size,
            "tasks": tasks,
            "skipped": f"{free} free connections on the server, the point needs {size} "
            f"(+{SPARE} spare)",
        }
    floor = asyncpg_floor(config) if kind == "postgres" else asyncmy_floor(config)
    sides = {"floor": floor, "vivace": vivace_side(kind, config)}
    samples: dict[str, list[Sample]] = {"floor": [], "vivace": []}
    warm = min(0.2, seconds / 2)
    for _ in range(rounds):
        for name, opener in sides.items():
            async with opener(size) as query:
                await run(query, tasks, warm)  # connections, statement caches
                samples[name].append(await run(query, tasks, seconds))
    result: dict[str, Any] = {"size": size, "tasks": tasks}
    for name, taken in samples.items():
        result[name] = _summary(taken)
    result["ratio"] = result["vivace"]["qps"] / result["floor"]["qps"]
    return result


async def seed(kind: str, config: dict[str, Any]) -> None:
    """Create and fill ``scale_item`` (``ROWS`` rows) in the engine's database."""
    if kind == "mysql":
        await mysql_execute(
            config,
            "CREATE TABLE scale_item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50)) "
            "CHARACTER SET utf8mb4",
            f"INSERT INTO scale_item (name) SELECT CONCAT('item ', seq) FROM seq_1_to_{ROWS}",
        )
        return
    connection = await driver("asyncpg").connect(**config)
    try:
        await connection.execute(
            "CREATE TABLE scale_item (id serial PRIMARY KEY, name varchar(50))"
        )
        await connection.execute(
            "INSERT INTO scale_item (name) SELECT 'item ' || g FROM generate_series(1, $1) g",
            ROWS,
        )
    finally:
        await connection.close()


async def curves(
    kind: str,
    config: dict[str, Any],
    pools: list[int],
    tasks: list[int],
    seconds: float,
    progress: Callable[[dict[str, Any]], None] = lambda p: None,
) -> dict[str, Any]:
    """{"floor": driver name, "pool": [point per pool size, ``POOL_TASKS`` tasks],
    "tasks": [point per task count, a pool of ``TASKS_POOL``]} for one engine."""
    await seed(kind, config)
    result: dict[str, Any] = {"floor": FLOORS[kind], "pool": [], "tasks": []}
    for size in pools:
        result["pool"].append(await point(kind, config, size, POOL_TASKS, seconds))
        progress(result["pool"][-1])
    for count in tasks:
        result["tasks"].append(await point(kind, config, TASKS_POOL, count, seconds))
        progress(result["tasks"][-1])
    return result
