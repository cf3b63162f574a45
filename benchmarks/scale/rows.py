"""Time and peak memory per row, fetched whole vs streamed with ``batch()``, per engine.

The parent seeds one table per engine with the largest count (PostgreSQL:
``generate_series``; MariaDB: its ``seq_1_to_N`` sequence table; SQLite: a file on tmpfs),
then runs every point in a child interpreter (``python -m benchmarks.scale.rows --child
...``), which prints one JSON line: the seconds the read took (untraced; the best of up
to 5 reads within 0.5 s) and how many of those the cyclic garbage collector ran
(``gc.callbacks``: a whole fetch keeps every row alive, so a collection during it may
have ever more objects to walk) and the minor page faults (memory the kernel hands over
fresh), then the peak of the memory Python allocated during one
more, traced read (``tracemalloc``: a streamed read that drops its batches stays flat).
A fresh interpreter per point keeps one point's garbage and caches out of the next one's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from benchmarks.mysql_server import execute as mysql_execute
from vivace import Table
from vivace.columns import Integer, Text, Varchar
from vivace.engine import MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.engine.base import Engine

TABLE = "scale_row"
BATCH = 1000
#: Timed reads per point at most, and the seconds after which no further read starts.
READS = 5
READ_BUDGET = 0.5
#: The engines measured, in the order of the tables and the chart.
ENGINES = ("postgres", "mysql", "sqlite")
TITLES = {"postgres": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}


def driver(name: str) -> Any:
    """The driver module ``name`` (asyncpg, asyncmy) typed as ``Any``: asyncpg ships no
    types, and a strict checker would flag every call made through it."""
    return importlib.import_module(name)


#: [start of the running collection, seconds spent in collections] (perf_counter).
_GC = [0.0, 0.0]


def _gc_clock(phase: str, info: dict[str, int]) -> None:
    """``gc.callbacks`` hook: adds each collection's duration to ``_GC[1]``."""
    if phase == "start":
        _GC[0] = time.perf_counter()
    else:
        _GC[1] += time.perf_counter() - _GC[0]


def _engine(kind: str, target: str) -> Engine:
    if kind == "postgres":
        return PostgresEngine(config={**json.loads(target), "min_size": 1, "max_size": 2})
    if kind == "mysql":
        return MySQLEngine(config={**json.loads(target), "min_size": 1, "max_size": 2})
    return SQLiteEngine(path=target)


async def _read(kind: str, target: str, mode: str, rows: int) -> dict[str, float]:
    engine = _engine(kind, target)

    class ScaleRow(Table, db=engine, tablename=TABLE):
        name = Varchar(length=50)
        value = Integer()
        note = Text()

    async def read() -> int:
        if mode == "whole":
            return len(await ScaleRow.select().limit(rows))
        count = 0
        async with await ScaleRow.select().limit(rows).batch(batch_size=BATCH) as batch:
            async for chunk in batch:
                count += len(chunk)
        return count

    await engine.start_connection_pool()
    try:
        await ScaleRow.select().limit(10)  # connect, warm the caches
        # The best of a few reads (up to READS, until READ_BUDGET seconds are spent): a 2 ms
        # read is easily hit by a scheduling hiccup on a shared machine; a 1M-row read is
        # long enough to be timed once.
        # (seconds, of which in the cyclic GC, minor page faults: memory new from the kernel)
        times: list[tuple[float, float, int]] = []
        gc.callbacks.append(_gc_clock)
        try:
            while len(times) < READS and sum(t[0] for t in times) < READ_BUDGET:
                _GC[:] = [0.0, 0.0]
                faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                started = time.perf_counter()
                count = await read()
                seconds = time.perf_counter() - started
                faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
                times.append((seconds, _GC[1], faults))
                assert count == rows, f"read {count} rows, expected {rows}"
        finally:
            gc.callbacks.remove(_gc_clock)
        # The traced read second: tracemalloc slows every allocation, so it is not timed.
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        await read()
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    finally:
        await engine.close_connection_pool()
    seconds, in_gc, faults = min(times)
    return {
        "seconds": seconds,
        "gc_seconds": in_gc,
        "page_faults": faults,
        "reads": len(times),
        "peak_bytes": peak,
    }


def seed_postgres(config: dict[str, Any], rows: int) -> None:
    """Create and fill ``scale_row`` with ``rows`` rows in the PostgreSQL database."""

    async def seed() -> None:
        connection = await driver("asyncpg").connect(**config)
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


def seed_mysql(config: dict[str, Any], rows: int) -> None:
    """Create and fill ``scale_row`` with ``rows`` rows in the MariaDB database."""
    create = (
        f"CREATE TABLE {TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50), "
        "value INT, note TEXT) CHARACTER SET utf8mb4"
    )
    # seq_1_to_N: MariaDB's Sequence engine, a table of 1..N made on the fly (one statement).
    fill = (
        f"INSERT INTO {TABLE} (name, value, note) SELECT CONCAT('row ', seq), seq, "
        f"REPEAT('x', 40) FROM seq_1_to_{int(rows)}"
    )
    asyncio.run(mysql_execute(config, create, fill))


def seed_sqlite(path: str, rows: int) -> None:
    """Create and fill ``scale_row`` with ``rows`` rows in the SQLite file ``path``."""
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


def measure(kind: str, target: str, mode: str, rows: int) -> dict[str, float]:
    """One point in a fresh interpreter: {"seconds", "peak_bytes"} of reading ``rows`` rows
    of the ``kind`` engine at ``target`` (a JSON config or a SQLite path), ``mode`` "whole"
    or "batch"."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    command = [sys.executable, "-m", "benchmarks.scale.rows", "--child", kind, target]
    command += [mode, str(rows)]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} {mode} {rows}: {done.stderr[-800:]}")
    point: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return point


def child(argv: list[str]) -> None:
    """The child's entry point: read as ``--child KIND TARGET MODE ROWS`` says, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=4, metavar=("KIND", "TARGET", "MODE", "ROWS"))
    kind, target, mode, rows = parser.parse_args(argv).child
    print(json.dumps(asyncio.run(_read(kind, target, mode, int(rows)))))


if __name__ == "__main__":
    child(sys.argv[1:])
