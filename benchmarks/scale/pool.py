"""Throughput of concurrent select-by-pk against the pool size and the number of tasks.

Vivace (``select().where(id == k).first()``) next to the raw floor (asyncpg, a pool whose
release sends no reset). Each point: ``tasks`` tasks select random rows for ``seconds``;
throughput = queries / seconds. Pool sizes 1-40 with 200 tasks; tasks 1-1,000 with a pool
of 10.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from vivace import Table
from vivace.columns import Varchar
from vivace.engine import PostgresEngine

ROWS = 1000


async def _no_reset(connection: Any) -> None:
    return None


async def _throughput(query: Callable[[int], Awaitable[Any]], tasks: int, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await query(random.randint(1, ROWS))
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return done / (time.perf_counter() - started)


async def _point(config: dict[str, Any], pool: int, tasks: int, seconds: float) -> dict[str, float]:
    """One point: the floor's pool, then Vivace's (one at a time: the server's
    ``max_connections`` is shared with whatever else runs)."""
    sql = "SELECT id, name FROM scale_item WHERE id = $1"
    raw = await asyncpg.create_pool(**config, min_size=pool, max_size=pool, reset=_no_reset)

    async def floor(key: int) -> Any:
        return dict(await raw.fetchrow(sql, key))

    try:
        await _throughput(floor, tasks, 0.2)  # warm: connections, prepared statements
        result = {"asyncpg": await _throughput(floor, tasks, seconds)}
    finally:
        await raw.close()
    engine = PostgresEngine(config={**config, "min_size": pool, "max_size": pool})

    class ScaleItem(Table, db=engine, tablename="scale_item"):
        name = Varchar(length=50)

    async def vivace(key: int) -> Any:
        return await ScaleItem.select().where(ScaleItem.id == key).first()

    await engine.start_connection_pool()
    try:
        await _throughput(vivace, tasks, 0.2)
        result["vivace"] = await _throughput(vivace, tasks, seconds)
    finally:
        await engine.close_connection_pool()
    return result


async def seed(config: dict[str, Any]) -> None:
    connection = await asyncpg.connect(**config)
    try:
        await connection.execute(
            "CREATE TABLE scale_item (id serial PRIMARY KEY, name varchar(50))"
        )
        await connection.execute(
            "INSERT INTO scale_item (name) SELECT 'item ' || g FROM generate_series(1, $1) g", ROWS
        )
    finally:
        await connection.close()


async def curves(
    config: dict[str, Any], pools: list[int], tasks: list[int], seconds: float
) -> dict[str, Any]:
    """{"pool": [{size, asyncpg, vivace}], "tasks": [{tasks, asyncpg, vivace}]} in q/s."""
    await seed(config)
    by_pool = [{"size": p, **await _point(config, p, 200, seconds)} for p in pools]
    by_tasks = [{"tasks": t, **await _point(config, 10, t, seconds)} for t in tasks]
    return {"pool": by_pool, "tasks": by_tasks}
