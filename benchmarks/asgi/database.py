"""The benchmark's database: TechEmpower's ``World`` and ``Fortune``, and the server-side wait.

The apps query ``world`` and ``fortune``, which are views over the tables holding the data
(``world_data``, ``fortune_data``). Each view's ``WHERE (SELECT bench_wait())`` is an
uncorrelated sub-select: PostgreSQL plans it as an InitPlan behind a one-time filter, so
``bench_wait()`` runs exactly once per statement, whatever the statement reads or writes,
before any row is touched. ``bench_wait()`` sleeps ``bench.wait_ms`` milliseconds (a
database-level setting, read by every new connection: the runner changes it between
server starts). Both views have one table in FROM and no aggregates, so they stay
automatically updatable: ``UPDATE world SET randomnumber = .. WHERE id = ..`` writes
``world_data`` and waits once too. Every contender sends its own SQL; none can avoid the
wait, and none pays it twice for one statement.

>>> WAIT_FUNCTION.count("pg_sleep")
1
"""

from __future__ import annotations

import json
import random
from typing import Any

import asyncpg

#: Our own 12 messages with the properties TechEmpower's have: HTML to escape (a script
#: tag, ampersands, quotes), non-ASCII text, and an order that differs from the ids'.
FORTUNES: tuple[str, ...] = (
    "fortune: the cookie jar is empty",
    "A benchmark measures the benchmark; a profile tells you why.",
    "Every cache is a promise you will have to keep.",
    "<script>alert('escape me, or this is an alert box');</script>",
    'Tom & Jerry & "friends" walk into a <bar>.',
    "Zero-cost abstractions cost something somewhere.",
    "Latency is a tax paid per round trip.",
    "Premature optimisation, mature regret.",
    "Ünïcödé and 日本語のテキスト survive the round trip.",
    "Async only pays while you wait.",
    "Nine women cannot make a query run in one month.",
    "Measure twice, index once.",
)

WAIT_FUNCTION = """
CREATE OR REPLACE FUNCTION bench_wait() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    wait_ms double precision := coalesce(current_setting('bench.wait_ms', true), '0')::float8;
BEGIN
    IF wait_ms > 0 THEN
        PERFORM pg_sleep(wait_ms / 1000.0);
    END IF;
    RETURN true;
END $$
"""

SCHEMA = (
    "CREATE TABLE world_data (id integer PRIMARY KEY, randomnumber integer NOT NULL DEFAULT 0)",
    "CREATE TABLE fortune_data (id integer PRIMARY KEY, message varchar(2048) NOT NULL)",
    WAIT_FUNCTION,
    "CREATE VIEW world AS SELECT id, randomnumber FROM world_data WHERE (SELECT bench_wait())",
    "CREATE VIEW fortune AS SELECT id, message FROM fortune_data WHERE (SELECT bench_wait())",
)


async def _connect(config: dict[str, Any], database: str) -> Any:
    return await asyncpg.connect(**{**config, "database": database}, timeout=10)


async def create(config: dict[str, Any], name: str, rows: int = 10_000) -> None:
    """Create database ``name`` (dropped first if it exists) with the schema and the data."""
    admin = await _connect(config, "postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        # Writes measure CPU, round trips and the wait, not the shared disk's fsync.
        await admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await admin.close()
    connection = await _connect(config, name)
    try:
        for statement in SCHEMA:
            await connection.execute(statement)
        numbers = random.Random(15)
        await connection.copy_records_to_table(
            "world_data", records=[(i, numbers.randint(1, 10_000)) for i in range(1, rows + 1)]
        )
        await connection.copy_records_to_table(
            "fortune_data", records=list(enumerate(FORTUNES, start=1))
        )
        await connection.execute("ANALYZE world_data; ANALYZE fortune_data")
    finally:
        await connection.close()


async def set_wait(config: dict[str, Any], name: str, wait_ms: float) -> None:
    """Make every new connection to ``name`` wait ``wait_ms`` per statement."""
    admin = await _connect(config, "postgres")
    try:
        await admin.execute(f"ALTER DATABASE \"{name}\" SET bench.wait_ms = '{float(wait_ms)}'")
    finally:
        await admin.close()


async def drop(config: dict[str, Any], name: str) -> None:
    admin = await _connect(config, "postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def fetch_world(config: dict[str, Any], name: str) -> dict[int, int]:
    """Every row of ``world_data`` (to check the apps' answers against)."""
    connection = await _connect(config, name)
    try:
        rows = await connection.fetch("SELECT id, randomnumber FROM world_data")
    finally:
        await connection.close()
    return {r[0]: r[1] for r in rows}


async def measured_wait_ms(config: dict[str, Any], name: str) -> float:
    """How long one pk read through the view takes on a fresh connection, in ms."""
    connection = await _connect(config, name)
    try:
        await connection.fetchval("SELECT 1")
        timed = "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM world WHERE id = 1"
        plan = await connection.fetchval(timed)
    finally:
        await connection.close()
    return float(json.loads(plan)[0]["Execution Time"])
