"""Helpers shared by the reliability tests: engine state, server sessions, bounded waits."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
from hypothesis import HealthCheck, settings

from tests.conftest import PG_DATABASE, PG_HOST, PG_PORT, PG_USER
from vivace import Table, create_db_tables, drop_db_tables
from vivace.engine import Engine, PostgresEngine, SQLiteEngine

#: Hypothesis for this suite: bounded, reproducible, no deadline (servers are shared).
HYPOTHESIS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

TIMEOUT = 20.0  # seconds: the outer bound of every wait in this suite
_app_numbers = itertools.count(1)


def app_name(prefix: str = "vivace_rel") -> str:
    """A unique application_name, so a test finds its own sessions on the shared server."""
    return f"{prefix}_{_app_numbers.__next__()}"


def pg_engine(
    *,
    host: str = PG_HOST,
    port: int = PG_PORT,
    database: str = PG_DATABASE,
    application_name: str | None = None,
    **options: Any,
) -> PostgresEngine:
    """A PostgresEngine on the test database. Engine keywords (``acquire_timeout``,
    ``command_timeout``, ``pgbouncer``, ...) go to the engine; the rest to asyncpg."""
    engine_keys = {"acquire_timeout", "command_timeout", "pgbouncer", "log_queries"}
    engine_options = {k: options.pop(k) for k in list(options) if k in engine_keys}
    settings_ = dict(options.pop("server_settings", {}))
    settings_.setdefault("application_name", application_name or app_name())
    config = {
        "host": host,
        "port": port,
        "user": PG_USER,
        "database": database,
        "server_settings": settings_,
        **options,
    }
    return PostgresEngine(config=config, **engine_options)


def application(engine: PostgresEngine) -> str:
    name: str = engine.config["server_settings"]["application_name"]
    return name


async def admin_fetch(sql: str, *args: Any, port: int = PG_PORT) -> list[asyncpg.Record]:
    """A statement on a short-lived connection of its own (never a pool under test)."""
    connection = await asyncpg.connect(
        host=PG_HOST, port=port, user=PG_USER, database="postgres", timeout=5
    )
    try:
        rows: list[asyncpg.Record] = await connection.fetch(sql, *args, timeout=10)
        return rows
    finally:
        await connection.close(timeout=5)


async def sessions_of(engine: PostgresEngine, port: int = PG_PORT) -> list[dict[str, Any]]:
    """The server sessions of one engine (found by its application_name)."""
    rows = await admin_fetch(
        "SELECT pid, state, query, backend_xid FROM pg_stat_activity WHERE application_name = $1",
        application(engine),
        port=port,
    )
    return [dict(r) for r in rows]


async def terminate_sessions_of(engine: PostgresEngine, port: int = PG_PORT) -> int:
    """``pg_terminate_backend`` every session of this engine (only ours, by its name)."""
    rows = await admin_fetch(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
        "WHERE application_name = $1",
        application(engine),
        port=port,
    )
    return int(rows[0]["n"])


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 3.0, what: str = "condition"
) -> None:
    """Poll ``check`` until it holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"{what} did not hold within {within} s"
        await asyncio.sleep(0.02)


async def no_running_statement(engine: PostgresEngine, within: float = 1.0) -> None:
    """No session of the engine is still running a statement (or idle in a transaction)."""

    async def settled() -> bool:
        sessions = await sessions_of(engine)
        return not any((s["state"] or "") not in ("idle", "") for s in sessions)

    await eventually(settled, within, f"the sessions of {application(engine)} going idle")


def pool_in_use(engine: Engine) -> int:
    """How many connections of the engine's pool are checked out right now."""
    if isinstance(engine, PostgresEngine):
        # The front's count: a connection it keeps between statements is checked out of
        # asyncpg's pool but held by nobody.
        return engine._front.in_use()
    if isinstance(engine, SQLiteEngine):
        pending = sum(1 for c in engine._all if c.pending is not None)
        return len(engine._all) - len(engine._idle) + pending
    return 0


def pool_free(engine: PostgresEngine) -> int:
    """Free slots in the engine's pool (connected or not)."""
    return engine._front.free()


@contextlib.asynccontextmanager
async def tables_on(engine: Engine, *tables: type[Table]) -> AsyncIterator[None]:
    """Bind ``tables`` to ``engine``, create them; drop and unbind after."""
    previous = [table._meta._db for table in tables]
    for table in tables:
        table._meta.db = engine
    try:
        await drop_db_tables(*tables)
        await create_db_tables(*tables)
        yield
    finally:
        try:
            await asyncio.wait_for(drop_db_tables(*tables), TIMEOUT)
        finally:
            for table, old in zip(tables, previous, strict=True):
                table._meta.db = old
