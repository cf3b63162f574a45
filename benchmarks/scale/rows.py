"""Time and peak memory per row, fetched whole vs streamed with ``batch()``, per engine.

The parent seeds one table per engine (PostgreSQL: ``generate_series``; SQLite: a file on
tmpfs) with the largest count, then runs every point in a child interpreter
(``python -m benchmarks.scale.rows --child ...``), which prints one JSON line: the seconds
the read took (untraced), or, in a second child, the peak of the memory Python allocated
during the read (``tracemalloc``: a streamed read that drops its batches stays flat).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from vivace import Table
from vivace.columns import Integer, Text, Varchar
from vivace.engine import PostgresEngine, SQLiteEngine

TABLE = "scale_row"
BATCH = 1000


def _engine(kind: str, target: str) -> Any:
    if kind == "postgres":
        config = json.loads(target)
        return PostgresEngine(config={**config, "min_size": 1, "max_size": 2})
    return SQLiteEngine(path=target)


async def _read(kind: str, target: str, mode: str, rows: int, trace: bool) -> dict[str, Any]:
    engine = _engine(kind, target)

    class ScaleRow(Table, db=engine, tablename=TABLE):
        name = Varchar(length=50)
        value = Integer()
        note = Text()

    await engine.start_connection_pool()
    try:
        await ScaleRow.select().limit(10)  # connect, warm the caches
        if trace:
            tracemalloc.start()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        if mode == "whole":
            count = len(await ScaleRow.select().limit(rows))
        else:
            count = 0
            async with await ScaleRow.select().limit(rows).batch(batch_size=BATCH) as batch:
                async for chunk in batch:
                    count += len(chunk)
        seconds = time.perf_counter() - started
        if trace:
            peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
    finally:
        await engine.close_connection_pool()
    assert count == rows, f"read {count} rows, expected {rows}"
    return {"peak_bytes": peak} if trace else {"seconds": seconds}


def seed_postgres(config: dict[str, Any], rows: int) -> None:
    async def seed() -> None:
        import asyncpg

        connection = await asyncpg.connect(**config)
        try:
            await connection.execute(
                f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, name varchar(50), "
                "value integer, note text)"
            )
            await connection.execute(
                f"INSERT INTO {TABLE} (name, value, note) SELECT 'row ' || g, g, "
                "repeat('x', 40) FROM generate_series(1, $1) g",
                rows,
            )
        finally:
            await connection.close()

    asyncio.run(seed())


def seed_sqlite(path: str, rows: int) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, name VARCHAR(50), "
            "value INTEGER, note TEXT)"
        )
        connection.executemany(
            f"INSERT INTO {TABLE} (name, value, note) VALUES (?, ?, ?)",
            ((f"row {i}", i, "x" * 40) for i in range(1, rows + 1)),
        )
        connection.commit()
    finally:
        connection.close()


def measure(kind: str, target: str, mode: str, rows: int) -> dict[str, Any]:
    """One point: the time untraced, then the memory traced, each in a fresh interpreter."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result: dict[str, Any] = {}
    for what in ("time", "memory"):
        command = [sys.executable, "-m", "benchmarks.scale.rows", "--child", kind, target]
        command += [mode, str(rows), what]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{kind} {mode} {rows}: {done.stderr[-800:]}")
        result.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return result


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=5, metavar=("KIND", "TARGET", "MODE", "ROWS", "WHAT"))
    kind, target, mode, rows, what = parser.parse_args(argv).child
    print(json.dumps(asyncio.run(_read(kind, target, mode, int(rows), what == "memory"))))


if __name__ == "__main__":
    child(sys.argv[1:])
