"""Configuration errors at construction, and servers that cannot be reached (issue 11 item 2).

A misspelt option raises ``ConfigurationError`` naming it and the accepted ones, before any
query; a server that refuses the connection raises ``ConnectionRefused``, one that cannot be
resolved or refuses the login/database ``CannotConnect`` (both ``OperationalError``s, never
``ConnectionLost``, which is for a connection that broke), naming ``host:port``.
"""

from __future__ import annotations

import inspect
import os
import tempfile

import asyncpg
import pytest

from tests.conftest import (
    MY_HOST,
    MY_PORT,
    MY_USER,
    PG_HOST,
    PG_PORT,
    PG_USER,
    mysql_config,
    pg_config,
)
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.engine.postgres import CONFIG_KEYS as PG_KEYS
from vivace.exceptions import (
    CannotConnect,
    ConfigurationError,
    ConnectionLost,
    ConnectionRefused,
    OperationalError,
)


def test_postgres_unknown_option_lists_the_accepted_ones() -> None:
    with pytest.raises(ConfigurationError) as raised:
        PostgresEngine(config={"hots": "127.0.0.1", "user": "postgres"})
    message = str(raised.value)
    assert "'hots'" in message and "host" in message and "min_size" in message


def test_postgres_accepted_options_are_asyncpg_arguments() -> None:
    known = set(inspect.signature(asyncpg.connect).parameters)
    known |= set(inspect.signature(asyncpg.create_pool).parameters)
    assert known >= PG_KEYS


def test_mysql_unknown_option_lists_the_accepted_ones() -> None:
    with pytest.raises(ConfigurationError) as raised:
        MySQLEngine(config={"host": "127.0.0.1", "pasword": "x"})
    message = str(raised.value)
    assert "'pasword'" in message and "password" in message and "max_size" in message
    with pytest.raises(ConfigurationError, match="flavour"):
        MySQLEngine(config={}, flavour="oracle")


def test_sqlite_unknown_option_lists_the_accepted_ones() -> None:
    with pytest.raises(ConfigurationError) as raised:
        SQLiteEngine(path=":memory:", busy_timout=3)  # type: ignore[arg-type]
    message = str(raised.value)
    assert "'busy_timout'" in message and "busy_timeout" in message
    SQLiteEngine(path=":memory:", detect_types=0)  # a sqlite3.connect argument is fine


def _refused_check(error: BaseException, address: str) -> None:
    assert isinstance(error, OperationalError) and not isinstance(error, ConnectionLost)
    assert address in str(error)
    assert error.__cause__ is not None


@pytest.mark.parametrize("kind", ["postgres", "mysql"])
async def test_closed_port_is_connection_refused(kind: str) -> None:
    engine: Engine
    if kind == "postgres":
        engine = PostgresEngine(config={"host": "127.0.0.1", "port": 1, "user": PG_USER})
    else:
        engine = MySQLEngine(config={"host": "127.0.0.1", "port": 1, "user": MY_USER})
    try:
        with pytest.raises(ConnectionRefused) as raised:
            await engine.fetch_sql("SELECT 1 AS one")
        _refused_check(raised.value, "127.0.0.1:1")
    finally:
        await engine.close_connection_pool()


@pytest.mark.parametrize("kind", ["postgres", "mysql"])
async def test_unresolvable_host_is_cannot_connect(kind: str) -> None:
    host = "no-such-host.invalid"  # .invalid never resolves (RFC 2606)
    engine: Engine
    if kind == "postgres":
        engine = PostgresEngine(config={"host": host, "port": PG_PORT, "user": PG_USER})
    else:
        engine = MySQLEngine(config={"host": host, "port": MY_PORT, "user": MY_USER})
    try:
        with pytest.raises(CannotConnect) as raised:
            await engine.fetch_sql("SELECT 1 AS one")
        assert not isinstance(raised.value, ConnectionRefused)
        port = PG_PORT if kind == "postgres" else MY_PORT
        _refused_check(raised.value, f"{host}:{port}")
    finally:
        await engine.close_connection_pool()


@pytest.fixture(params=["postgres", "mysql"])
def server(request: pytest.FixtureRequest) -> str:
    """A server kind; its tests skip (fail in CI) when the server is not there."""
    request.getfixturevalue(f"{request.param}_db")
    return str(request.param)


async def test_missing_database_is_cannot_connect(server: str) -> None:
    kind = server
    engine: Engine
    if kind == "postgres":
        address = f"{PG_HOST}:{PG_PORT}"
        engine = PostgresEngine(config={**pg_config(), "database": "no_such_db_x"})
    else:
        address = f"{MY_HOST}:{MY_PORT}"
        engine = MySQLEngine(config={**mysql_config(), "database": "no_such_db_x"})
    try:
        with pytest.raises(CannotConnect) as raised:
            await engine.fetch_sql("SELECT 1 AS one")
        _refused_check(raised.value, address)
    finally:
        await engine.close_connection_pool()


async def test_sqlite_file_in_a_missing_folder_is_cannot_connect() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = SQLiteEngine(path=os.path.join(folder, "missing", "x.sqlite"))
        with pytest.raises(CannotConnect):
            await engine.fetch_sql("SELECT 1 AS one")
        await engine.close_connection_pool()
