"""A quick side-by-side: Vivace against the raw drivers (the full suite is a later issue).

Run: ``.venv/bin/python benchmarks/quick.py`` (needs PostgreSQL at 127.0.0.1:5432 for the
PostgreSQL half). Prints per-operation medians and the ratio to the raw driver; the
contenders alternate trial by trial so machine drift hits both alike.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import PostgresEngine, SQLiteEngine

TRIALS = 7
PK_LOOPS = 2000
ROWS_LOOPS = 100


def make_table(db: Any, name: str) -> Any:
    class Row(Table, db=db, tablename=name):
        name = Varchar(length=50)
        popularity = Integer()

    return Row


async def time_async(fn: Callable[[], Awaitable[Any]], loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        await fn()
    return (time.perf_counter() - start) / loops


async def side_by_side(
    label: str, ours: Callable[[], Awaitable[Any]], floor: Callable[[], Awaitable[Any]], loops: int
) -> None:
    assert _normalise(await ours()) == _normalise(await floor()), label
    mine, theirs = [], []
    for _ in range(TRIALS):
        mine.append(await time_async(ours, loops))
        theirs.append(await time_async(floor, loops))
    m, t = statistics.median(mine), statistics.median(theirs)
    print(f"{label:<44} vivace {m * 1e6:9.1f} µs   floor {t * 1e6:9.1f} µs   ratio {m / t:5.2f}")


def _normalise(result: Any) -> Any:
    if isinstance(result, list):
        return [_normalise(r) for r in result]
    if isinstance(result, Table):
        return (result.id, result.name, result.popularity)
    if isinstance(result, dict):
        return (result["id"], result["name"], result["popularity"])
    if isinstance(result, tuple) and len(result) == 3:
        return result
    if hasattr(result, "keys"):
        return (result["id"], result["name"], result["popularity"])
    return result


async def bench_postgres() -> None:
    config = {"host": "127.0.0.1", "user": "postgres", "database": "test"}
    engine = PostgresEngine(config=config)
    Row = make_table(engine, "bench_quick_pg")
    await Row.alter().drop_table(if_exists=True)
    await Row.create_table()
    await Row.insert(*[Row(name=f"n{i}", popularity=i) for i in range(1000)])

    async def no_reset(connection: Any) -> None:
        return None

    pool = await asyncpg.create_pool(**config, min_size=1, max_size=10, reset=no_reset)
    sql_pk = 'SELECT "id", "name", "popularity" FROM "bench_quick_pg" WHERE "id" = $1'
    sql_all = 'SELECT "id", "name", "popularity" FROM "bench_quick_pg"'

    async def raw_pk() -> Any:
        async with pool.acquire() as con:
            return dict(await con.fetchrow(sql_pk, 7))

    async def raw_all() -> Any:
        async with pool.acquire() as con:
            return [dict(r) for r in await con.fetch(sql_all)]

    print("PostgreSQL (floor: asyncpg pool without the reset round trip)")
    await side_by_side(
        "select by pk -> dict", lambda: Row.select().where(Row.id == 7).first(), raw_pk, PK_LOOPS
    )
    await side_by_side(
        "select by pk -> object", lambda: Row.objects().get(Row.id == 7), raw_pk, PK_LOOPS
    )
    await side_by_side("1,000 rows -> dicts", lambda: Row.select(), raw_all, ROWS_LOOPS)
    await side_by_side("1,000 rows -> objects", lambda: Row.objects(), raw_all, ROWS_LOOPS)
    await pool.close()
    await Row.alter().drop_table()
    await engine.close_connection_pool()


async def bench_sqlite() -> None:
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "bench.sqlite")
    engine = SQLiteEngine(path=path)
    Row = make_table(engine, "bench_quick_sqlite")
    await Row.create_table()
    await Row.insert(*[Row(name=f"n{i}", popularity=i) for i in range(1000)])
    raw = sqlite3.connect(path, isolation_level=None)
    sql_pk = 'SELECT "id", "name", "popularity" FROM "bench_quick_sqlite" WHERE "id" = ?'
    sql_all = 'SELECT "id", "name", "popularity" FROM "bench_quick_sqlite"'
    names = ("id", "name", "popularity")

    async def raw_pk() -> Any:
        return dict(zip(names, raw.execute(sql_pk, (7,)).fetchone()))

    async def raw_all() -> Any:
        return [dict(zip(names, r)) for r in raw.execute(sql_all).fetchall()]

    print("SQLite (floor: the standard library's sqlite3, called synchronously)")
    await side_by_side(
        "select by pk -> dict", lambda: Row.select().where(Row.id == 7).first(), raw_pk, PK_LOOPS
    )
    await side_by_side(
        "select by pk -> object", lambda: Row.objects().get(Row.id == 7), raw_pk, PK_LOOPS
    )
    await side_by_side("1,000 rows -> dicts", lambda: Row.select(), raw_all, ROWS_LOOPS)
    await side_by_side("1,000 rows -> objects", lambda: Row.objects(), raw_all, ROWS_LOOPS)
    raw.close()
    await engine.close_connection_pool()


async def main() -> None:
    await bench_sqlite()
    await bench_postgres()


if __name__ == "__main__":
    asyncio.run(main())
