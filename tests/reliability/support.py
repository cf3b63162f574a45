"""Helpers shared by the reliability tests: engine state, server sessions, bounded waits.

The scenarios are written once for every engine; what differs per server (how to sleep
in SQL, which session a statement runs in, how an administrator ends a session, whether
a session is mid-statement or mid-transaction) is asked of the helpers here. MariaDB's
admin side reads ``information_schema`` (its ``processlist`` and InnoDB's transactions);
its sessions are told apart by the test database's name and, per engine, by the session
ids its pool has opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncmy
import asyncmy.cursors
import asyncpg
from hypothesis import HealthCheck, settings

from tests.conftest import (
    MY_DATABASE,
    MY_HOST,
    MY_PORT,
    MY_USER,
    PG_DATABASE,
    PG_HOST,
    PG_PORT,
    PG_USER,
)
from vivace import Table, create_db_tables, drop_db_tables
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.engine.server import ServerEngine

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


async def sessions_of(engine: ServerEngine, port: int = PG_PORT) -> list[dict[str, Any]]:
    """The server sessions of one engine: ``pid``, ``state`` (``idle``, ``active``,
    ``idle in transaction``, ...) and ``query`` each. PostgreSQL finds them by the engine's
    application_name; MariaDB by the session ids its pool has opened."""
    if isinstance(engine, MySQLEngine):
        return await _my_sessions(_my_session_ids(engine))
    assert isinstance(engine, PostgresEngine)
    rows = await admin_fetch(
        "SELECT pid, state, query, backend_xid FROM pg_stat_activity WHERE application_name = $1",
        application(engine),
        port=port,
    )
    return [dict(r) for r in rows]


async def server_sessions(engine: ServerEngine) -> int:
    """How many sessions the server holds for ``engine`` (PostgreSQL: by its
    application_name; MariaDB: on the test database, of any engine, since a session the
    engine opened and lost before it was pooled cannot be told apart otherwise)."""
    if isinstance(engine, MySQLEngine):
        return len(await my_database_sessions())
    return len(await sessions_of(engine))


async def terminate_sessions_of(engine: ServerEngine, port: int = PG_PORT) -> int:
    """End every session of this engine from an admin connection (only ours): PostgreSQL's
    ``pg_terminate_backend``, MariaDB's ``KILL CONNECTION``. How many were ended."""
    if isinstance(engine, MySQLEngine):
        ended = 0
        for session in await sessions_of(engine):
            ended += await my_kill(int(session["pid"]))
        return ended
    assert isinstance(engine, PostgresEngine)
    rows = await admin_fetch(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
        "WHERE application_name = $1",
        application(engine),
        port=port,
    )
    return int(rows[0]["n"])


async def terminate_session(engine: ServerEngine, pid: int) -> None:
    """End one session of this suite's own (its id read in that session, ``session_id_sql``)."""
    if isinstance(engine, MySQLEngine):
        await my_kill(pid)
    else:
        await admin_fetch("SELECT pg_terminate_backend($1)", pid)


def session_id_sql(engine: Engine) -> str:
    """SQL whose one row's ``pid`` is the id of the session it runs in."""
    if isinstance(engine, MySQLEngine):
        return "SELECT CONNECTION_ID() AS pid"
    return "SELECT pg_backend_pid() AS pid"


def sleep_sql(engine: Engine, seconds: float) -> str:
    """A statement that runs ``seconds`` seconds on the server (and returns one row)."""
    if isinstance(engine, MySQLEngine):
        return f"SELECT SLEEP({seconds:g}) AS slept"
    return f"SELECT pg_sleep({seconds:g})"


async def in_server_sleep(engine: ServerEngine) -> bool:
    """Whether a session of ``engine`` is inside the server-side sleep of ``sleep_sql`` (or
    of SLEEP / pg_sleep in a select list: the rows before it have been sent)."""
    if isinstance(engine, MySQLEngine):
        return any(s["detail"] == "User sleep" for s in await sessions_of(engine))
    assert isinstance(engine, PostgresEngine)
    rows = await admin_fetch(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 "
        "AND wait_event = 'PgSleep'",
        application(engine),
    )
    return bool(rows[0]["n"])


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 3.0, what: str = "condition"
) -> None:
    """Poll ``check`` until it holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"{what} did not hold within {within} s"
        await asyncio.sleep(0.02)


async def no_running_statement(engine: ServerEngine, within: float = 1.0) -> None:
    """No session of the engine is still running a statement (or idle in a transaction)."""

    async def settled() -> bool:
        sessions = await sessions_of(engine)
        return not any((s["state"] or "") not in ("idle", "") for s in sessions)

    await eventually(settled, within, f"the sessions of {engine!r} going idle")


async def open_transactions(engine: ServerEngine) -> int:
    """Transactions of the engine's sessions holding a transaction id (they hold locks)."""
    if isinstance(engine, MySQLEngine):
        return sum(1 for s in await sessions_of(engine) if s["in_transaction"])
    assert isinstance(engine, PostgresEngine)
    rows = await admin_fetch(
        "SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
        "WHERE a.application_name = $1 AND l.locktype = 'transactionid'",
        application(engine),
    )
    return int(rows[0]["n"])


async def waiting_for_lock(engine: ServerEngine) -> bool:
    """Whether a session of ``engine`` waits for a row lock now."""
    if isinstance(engine, MySQLEngine):
        return await my_lock_waits(engine) > 0
    assert isinstance(engine, PostgresEngine)
    rows = await admin_fetch(
        "SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
        "WHERE NOT l.granted AND a.application_name = $1",
        application(engine),
    )
    return bool(rows[0]["n"])


def short_lock_wait_sql(engine: Engine) -> str:
    """SQL that makes this session give up waiting for a lock soon (PostgreSQL: 200 ms for
    this transaction; MariaDB: 1 s, its smallest, for the session)."""
    if isinstance(engine, MySQLEngine):
        return "SET SESSION innodb_lock_wait_timeout = 1"
    return "SET LOCAL lock_timeout = '200ms'"


async def lock_wait_is_default(engine: Engine) -> bool:
    """Whether a pooled session of ``engine`` waits for locks as configured on the server
    (no earlier user's ``short_lock_wait_sql`` left behind)."""
    if isinstance(engine, MySQLEngine):
        sql = (
            "SELECT @@SESSION.innodb_lock_wait_timeout = @@GLOBAL.innodb_lock_wait_timeout AS same"
        )
        return bool((await engine.fetch_sql(sql))[0]["same"])
    return await engine.fetch_sql("SHOW lock_timeout") == [{"lock_timeout": "0"}]


def pool_in_use(engine: Engine) -> int:
    """How many connections of the engine's pool are checked out right now."""
    if isinstance(engine, (PostgresEngine, MySQLEngine)):
        # The front's count: a connection it keeps between statements is checked out of
        # the driver's pool (asyncpg's, asyncmy's) but held by nobody.
        return engine._front.in_use()
    if isinstance(engine, SQLiteEngine):
        pending = sum(1 for c in engine._all if c.pending is not None)
        return len(engine._all) - len(engine._idle) + pending
    return 0


def pool_free(engine: ServerEngine) -> int:
    """Free slots in the engine's pool (connected or not)."""
    return engine._front.free()


def pool_size(engine: ServerEngine) -> int:
    """Connections the engine's pool holds now (free and in use)."""
    if isinstance(engine, MySQLEngine):
        return sum(int(pool.size) for pool in _my_pools(engine))
    pool = engine._pool  # type: ignore[attr-defined]
    return 0 if pool is None else int(pool.get_size())


def server_engine(kind: str, **options: Any) -> ServerEngine:
    """A new engine of ``kind`` (``postgres`` or ``mysql``) on the test database; options
    as ``pg_engine``'s (``min_size``, ``max_size``, ``acquire_timeout``, ...)."""
    if kind == "mysql":
        return my_engine(**options)
    assert kind == "postgres", kind
    return pg_engine(**options)


def twin(engine: Engine) -> Engine:
    """Another engine (its own connections) on the same database as ``engine``."""
    if isinstance(engine, SQLiteEngine):
        return SQLiteEngine(path=engine.path)
    if isinstance(engine, MySQLEngine):
        return my_engine()
    return pg_engine()


# MariaDB --------------------------------------------------------------------------------------


def name_gap(engine: Engine, name: str, alias: bool = False) -> str | None:
    """Why ``engine``'s database cannot hold ``name`` as a table or column name (or as an
    alias, with ``alias=True``): its server refuses it, with an error. None if it can.
    Only MariaDB has such gaps: names are kept in utf8mb3 (no character beyond U+FFFF, so
    no emoji, not even in an alias), and a table or column name may not end in a space
    (nor a tab or a line break)."""
    if not isinstance(engine, MySQLEngine):
        return None
    if any(ord(c) > 0xFFFF for c in name):
        return "MariaDB names hold no character beyond U+FFFF (utf8mb3)"
    if not alias and name and name[-1] in " \t\n\r\x0b\x0c":
        return "MariaDB names may not end in white space"
    return None


#: The session ids each MariaDB engine made here has been handed (weakly keyed by engine).
_MY_SEEN: weakref.WeakKeyDictionary[MySQLEngine, set[int]] = weakref.WeakKeyDictionary()


def my_engine(
    *, host: str = MY_HOST, port: int = MY_PORT, database: str = MY_DATABASE, **options: Any
) -> MySQLEngine:
    """A MySQLEngine on the MariaDB test database. Engine keywords (``acquire_timeout``,
    ``command_timeout``, ...) go to the engine; the rest to ``config`` (``max_size``, ...).
    The session ids it uses are recorded, so ``sessions_of`` finds them (even after the
    engine has discarded a connection whose statement still runs)."""
    engine_keys = {"acquire_timeout", "command_timeout", "log_queries", "compiled_cache_size"}
    engine_options = {k: options.pop(k) for k in list(options) if k in engine_keys}
    config = {"host": host, "port": port, "user": MY_USER, "database": database, **options}
    engine = MySQLEngine(config=config, **engine_options)
    seen: set[int] = set()
    _MY_SEEN[engine] = seen
    driver: Any = engine._front.driver
    acquire, create = driver.acquire, driver.create

    async def tracked_acquire(pool: Any) -> Any:
        connection = await acquire(pool)
        seen.add(int(connection.thread_id()))
        return connection

    async def tracked_create(overrides: Any) -> Any:
        pool = await create(overrides)
        seen.update(int(connection.thread_id()) for connection in pool._free)
        return pool

    driver.acquire, driver.create = tracked_acquire, tracked_create
    return engine


def _my_pools(engine: MySQLEngine) -> list[Any]:
    front = engine._front
    return [pool for pool in [front.pool, *front.parked.values()] if pool is not None]


def _my_session_ids(engine: MySQLEngine) -> set[int]:
    ids = set(_MY_SEEN.get(engine, ()))
    for pool in _my_pools(engine):
        ids.update(int(c.thread_id()) for c in [*pool._free, *pool._used] if c.thread_id())
    return ids


async def my_admin_fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A statement on a short-lived MariaDB connection of its own (no database selected)."""
    connection = await asyncmy.connect(
        host=MY_HOST, port=MY_PORT, user=MY_USER, connect_timeout=5, autocommit=True
    )
    try:
        async with connection.cursor(asyncmy.cursors.DictCursor) as cursor:
            await asyncio.wait_for(cursor.execute(sql, args or None), 10)
            return list(await cursor.fetchall())
    finally:
        connection.close()


async def my_kill(pid: int) -> int:
    """``KILL CONNECTION`` one MariaDB session; 1 if it was there, 0 if already gone."""
    try:
        await my_admin_fetch(f"KILL CONNECTION {int(pid):d}")
    except asyncmy.errors.OperationalError as error:  # 1094: unknown thread id
        if error.args[0] != 1094:
            raise
        return 0
    return 1


_MY_SESSIONS_SQL = (
    "SELECT p.id AS pid, p.command, p.state AS detail, p.info AS query, p.db, "
    "EXISTS(SELECT 1 FROM information_schema.innodb_trx t "
    "WHERE t.trx_mysql_thread_id = p.id) AS in_transaction "
    "FROM information_schema.processlist p WHERE p.id <> CONNECTION_ID() AND "
)


def _my_state(row: dict[str, Any]) -> str:
    """PostgreSQL's words for a MariaDB session's state."""
    if row["command"] == "Sleep":
        return "idle in transaction" if row["in_transaction"] else "idle"
    return "active"


async def _my_sessions(ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    listed = ", ".join(str(int(i)) for i in sorted(ids))
    rows = await my_admin_fetch(_MY_SESSIONS_SQL + f"p.id IN ({listed})")
    return [{**row, "state": _my_state(row)} for row in rows]


async def my_database_sessions() -> list[dict[str, Any]]:
    """Every session on the MariaDB test database (of any engine), with its state."""
    rows = await my_admin_fetch(_MY_SESSIONS_SQL + "p.db = %s", MY_DATABASE)
    return [{**row, "state": _my_state(row)} for row in rows]


async def my_lock_waits(engine: MySQLEngine) -> int:
    """How many sessions of ``engine`` wait for a row lock now (InnoDB's LOCK WAIT)."""
    ids = _my_session_ids(engine)
    if not ids:
        return 0
    listed = ", ".join(str(int(i)) for i in sorted(ids))
    rows = await my_admin_fetch(
        "SELECT count(*) AS n FROM information_schema.innodb_trx "
        f"WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id IN ({listed})"
    )
    return int(rows[0]["n"])


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
