"""Shared fixtures: real engines for SQLite, PostgreSQL and MariaDB, and tables bound to them.

- ``db``: parametrised over ``sqlite``, ``postgres`` and ``mysql`` (``tests/capabilities.py``
  says where MariaDB lacks what a test needs).
- ``sqlite_db`` / ``postgres_db`` / ``mysql_db``: one engine only.
- ``use_tables(db, *tables)``: binds the table classes to ``db``, creates them, and
  drops them after the test.

PostgreSQL and MariaDB: a fresh database ``vivace_test_<pid>`` is created for the session
and dropped after it. When a server is unreachable its tests skip with the reason, except
under ``CI=true``, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from tests.capabilities import mysql_gap
from vivace import Table, create_db_tables, drop_db_tables
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine

PG_HOST = os.environ.get("VIVACE_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("VIVACE_PG_PORT", "5432"))
PG_USER = os.environ.get("VIVACE_PG_USER", "postgres")
PG_DATABASE = f"vivace_test_{os.getpid()}"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


MY_HOST = os.environ.get("VIVACE_MYSQL_HOST", "127.0.0.1")
MY_PORT = int(os.environ.get("VIVACE_MYSQL_PORT", "3306"))
MY_USER = os.environ.get("VIVACE_MYSQL_USER", "root")
MY_DATABASE = f"vivace_test_{os.getpid()}"


def mysql_config(database: str = MY_DATABASE) -> dict[str, Any]:
    return {"host": MY_HOST, "port": MY_PORT, "user": MY_USER, "database": database}


async def _mysql_admin(sql: str) -> None:
    import asyncmy

    connection = await asyncmy.connect(host=MY_HOST, port=MY_PORT, user=MY_USER, connect_timeout=5)
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(sql)
    finally:
        connection.close()


@pytest.fixture(scope="session")
async def mysql_engine() -> AsyncIterator[MySQLEngine | None]:
    """MariaDB/MySQL: a fresh database ``vivace_test_<pid>`` for the session."""
    try:
        await _mysql_admin(f"DROP DATABASE IF EXISTS `{MY_DATABASE}`")
        await _mysql_admin(
            f"CREATE DATABASE `{MY_DATABASE}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
        )
    except Exception as error:  # unreachable server, refused login, driver missing, ...
        if IN_CI:
            pytest.fail(f"MariaDB at {MY_HOST}:{MY_PORT} is required in CI: {error}")
        yield None
        return
    engine = MySQLEngine(config=mysql_config())
    yield engine
    await engine.close_connection_pool()
    await _mysql_admin(f"DROP DATABASE IF EXISTS `{MY_DATABASE}`")


def pg_config(database: str = PG_DATABASE) -> dict[str, Any]:
    return {"host": PG_HOST, "port": PG_PORT, "user": PG_USER, "database": database}


async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(**pg_config("postgres"), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def postgres_engine() -> AsyncIterator[PostgresEngine | None]:
    try:
        await _admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        await _admin(f'CREATE DATABASE "{PG_DATABASE}"')
    except (OSError, Exception) as error:  # unreachable server, refused login, ...
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_HOST}:{PG_PORT} is required in CI: {error}")
        yield None
        return
    engine = PostgresEngine(config=pg_config())
    yield engine
    await engine.close_connection_pool()
    await _admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_path() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="vivace-test-") as folder:
        yield os.path.join(folder, "test.sqlite")


@pytest.fixture(scope="session")
async def sqlite_engine(sqlite_path: str) -> AsyncIterator[SQLiteEngine]:
    engine = SQLiteEngine(path=sqlite_path)
    yield engine
    await engine.close_connection_pool()


@pytest.fixture
def postgres_db(postgres_engine: PostgresEngine | None) -> PostgresEngine:
    if postgres_engine is None:
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
    return postgres_engine


@pytest.fixture
def sqlite_db(sqlite_engine: SQLiteEngine) -> SQLiteEngine:
    return sqlite_engine


@pytest.fixture
def mysql_db(mysql_engine: MySQLEngine | None) -> MySQLEngine:
    if mysql_engine is None:
        pytest.skip(f"MariaDB is not reachable at {MY_HOST}:{MY_PORT}")
    return mysql_engine


# Every engine: a test that cannot run on MariaDB says why in tests/capabilities.py.
@pytest.fixture(params=["sqlite", "postgres", "mysql"])
def db(request: pytest.FixtureRequest) -> Engine:
    if request.param == "mysql":
        gap = mysql_gap(request.path.name, request.node.originalname)
        if gap is not None:
            pytest.skip(f"not on MariaDB: {gap}")
    engine: Engine = request.getfixturevalue(f"{request.param}_db")
    return engine


UseTables = Callable[..., Awaitable[None]]


@pytest.fixture
async def use_tables() -> AsyncIterator[UseTables]:
    """``await use_tables(db, Manager, Band)``: bind, create; dropped after the test."""
    bound: list[tuple[Engine, tuple[type[Table], ...], list[Any]]] = []

    async def bind(engine: Engine, *tables: type[Table]) -> None:
        previous = [table._meta._db for table in tables]
        for table in tables:
            table._meta.db = engine
        bound.append((engine, tables, previous))
        await drop_db_tables(*tables)
        await create_db_tables(*tables)

    yield bind
    for engine, tables, previous in reversed(bound):
        for table in tables:
            table._meta.db = engine
        await drop_db_tables(*tables)
        for table, old in zip(tables, previous):
            table._meta.db = old


@pytest.fixture(autouse=True)
async def _no_leaked_transaction(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """A test must not leave a transaction open on the shared engines."""
    yield
    for name in ("sqlite_engine", "postgres_engine", "mysql_engine"):
        if name in request.fixturenames:
            engine = request.getfixturevalue(name)
            if engine is not None:
                assert not engine.transaction_exists()
    await asyncio.sleep(0)
