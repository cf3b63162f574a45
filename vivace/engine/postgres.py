"""``PostgresEngine``: PostgreSQL through an asyncpg pool.

The pool is made on first use (or by ``start_connection_pool``). Releasing a
connection sends nothing to the server unless the session may have been changed
(raw SQL was run on it): then it is reset first. A connection interrupted
mid-statement (cancelled, timed out) is closed, never handed to the next user.

Example::

    DB = PostgresEngine(config={"host": "127.0.0.1", "database": "app", "user": "postgres"})
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from vivace.dialects import Compiled, PostgresDialect
from vivace.engine.cursors import RowCursor
from vivace.engine.pool import PoolDriver
from vivace.engine.postgres_cursor import PostgresCursor
from vivace.engine.postgres_errors import map_postgres_error
from vivace.engine.postgres_replication import PostgresReplication
from vivace.engine.routing import ReadRouting
from vivace.engine.server import ServerEngine
from vivace.exceptions import ConfigurationError, ConnectionLost, VivaceError

#: ``config`` keys: asyncpg's ``connect`` and ``create_pool`` arguments (``init`` runs after
#: Vivace's own check; ``reset`` and ``loop`` are the engine's).
CONFIG_KEYS = frozenset(
    {
        "command_timeout",
        "connect",
        "connection_class",
        "database",
        "direct_tls",
        "dsn",
        "gsslib",
        "host",
        "init",
        "krbsrvname",
        "max_cacheable_statement_size",
        "max_cached_statement_lifetime",
        "max_inactive_connection_lifetime",
        "max_queries",
        "max_size",
        "min_size",
        "passfile",
        "password",
        "port",
        "record_class",
        "server_settings",
        "service",
        "servicefile",
        "setup",
        "ssl",
        "statement_cache_size",
        "target_session_attrs",
        "timeout",
        "user",
    }
)

#: The major and minor numbers at the start of a ``server_version``.
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


class PostgresEngine(ServerEngine):
    """PostgreSQL engine.

    ``config`` takes asyncpg's connect arguments (``host``, ``port``, ``user``,
    ``database``, ``dsn``, ...) plus pool options ``min_size``/``max_size``.
    ``acquire_timeout`` bounds every wait for a pooled connection (seconds), and
    connecting too unless ``config`` gives asyncpg's own ``timeout``.
    ``command_timeout`` bounds every statement (seconds; None: no limit): past it the
    statement fails with ``QueryTimeout`` and its connection is discarded.
    ``statement_cache_size=0`` turns asyncpg's prepared statements off.

    ``pgbouncer=True`` is for a transaction- or statement-pooling PgBouncer (any
    version): no named or cached prepared statements, and a connection interrupted
    mid-statement is closed without ``pg_terminate_backend`` (behind a pooler the
    backend pid the client sees is not the server's). Without it, connecting through
    such a pooler fails at once with ``ConfigurationError``. Session settings changed by
    raw SQL outside a transaction do not reliably apply (or get reset) behind PgBouncer.

    ``read_routing=ReadRouting(...)`` sends reads to the healthy ``extra_nodes`` (streaming
    replicas) and writes, transactions and read-your-writes reads to this engine: see
    ``vivace.engine.routing``.
    """

    engine_type = "postgres"
    config_keys = CONFIG_KEYS
    default_port = 5432
    title = "PostgreSQL"

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        extensions: Sequence[str] = (),
        log_queries: bool = False,
        log_responses: bool = False,
        extra_nodes: Mapping[str, PostgresEngine] | None = None,
        acquire_timeout: float = 30.0,
        compiled_cache_size: int = 512,
        command_timeout: float | None = None,
        pgbouncer: bool = False,
        read_routing: ReadRouting | None = None,
    ) -> None:
        if pgbouncer and (config or {}).get("statement_cache_size", 0):
            raise ConfigurationError(
                "pgbouncer=True never uses prepared statements: leave statement_cache_size out"
            )
        super().__init__(config, log_queries, compiled_cache_size, acquire_timeout, log_responses)
        self.extensions = tuple(extensions)
        self.extra_nodes = dict(extra_nodes or {})
        if read_routing is not None:
            self.read_routing = read_routing.attach(self, self.extra_nodes, PostgresReplication())
        self.command_timeout = command_timeout
        self.pgbouncer = pgbouncer
        self.dialect = PostgresDialect()
        #: ``insert_array_types`` per quoted table name.
        self._array_types: dict[str, dict[str, str]] = {}

    def _pool_driver(self) -> PoolDriver:
        # asyncpg's own queue lets a newcomer take a slot a woken waiter was handed: the
        # front's FIFO permits serve waiters in arrival order.
        return _AsyncpgPools(self)

    # pool ---------------------------------------------------------------------------------
    @property
    def _pool(self) -> Any:
        """The asyncpg pool of the loop that last used the engine (None before first use)."""
        return self._front.pool

    @property
    def _parked(self) -> dict[asyncio.AbstractEventLoop, Any]:
        return self._front.parked

    @property
    def _pool_loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop the main pool belongs to."""
        return self._front.loop

    async def _create_pool(self, overrides: Mapping[str, Any]) -> Any:
        import asyncpg  # imported here only: the driver is loaded when the engine is used

        options = {**self.config, **overrides}
        options.setdefault("min_size", 1)
        options.setdefault("max_size", 10)
        # Connecting is a wait like any other: bounded by acquire_timeout unless given.
        options.setdefault("timeout", min(self.acquire_timeout, 60.0))
        if self.command_timeout is not None:
            options.setdefault("command_timeout", self.command_timeout)
        if self.pgbouncer:
            options["statement_cache_size"] = 0
        user_init = options.pop("init", None)

        async def init(connection: Any) -> None:
            if not self.pgbouncer:
                await _check_direct(connection, self._address())
            if user_init is not None:
                await user_init(connection)

        try:
            pool = await asyncpg.create_pool(reset=_no_reset, init=init, **options)
        except TimeoutError as error:
            raise _connect_timed_out(self._address(), options["timeout"]) from error
        except Exception as error:
            raise map_postgres_error(error, self._address()) from error
        if self.extensions:
            # The front is not told about the pool yet: run on a connection of its own.
            async with pool.acquire() as connection:
                await self._create_extensions(connection)
        return pool

    async def _create_extensions(self, connection: Any) -> None:
        for extension in self.extensions:
            name = self.dialect.quote(extension)
            await connection.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")

    def _acquire_failed(self, error: Exception) -> NoReturn:
        if isinstance(error, TimeoutError):
            # Not the wait for a free slot (that is PoolTimeout): connecting timed out.
            seconds = self.config.get("timeout", min(self.acquire_timeout, 60.0))
            raise _connect_timed_out(self._address(), seconds) from error
        self._raise_from(error)

    def _discard(self, connection: Any) -> None:
        """Close ``connection`` (its state is unknown), and end what it ran on the server."""
        if not self.pgbouncer:
            self._end_backend(connection)
        # A connection that died was detached from its proxy: terminate() would raise.
        with contextlib.suppress(Exception):
            connection.terminate()

    def _end_backend(self, connection: Any) -> None:
        # Closing the socket alone leaves an interrupted statement running on the server,
        # holding its transaction's locks until it ends: have the server end it now.
        pool = self._front.current()
        if pool is None:
            return
        try:
            pid, timeout = connection.get_server_pid(), self.acquire_timeout
        except Exception:  # released already: nothing runs on it
            return

        async def end() -> None:
            # Errors: gone already, no permission, the pool is closing, or the server
            # does not answer (bounded: a blackholed server must not keep this alive).
            with contextlib.suppress(Exception):
                async with asyncio.timeout(timeout):
                    await pool.execute("SELECT pg_terminate_backend($1)", pid)

        self._in_background(end())

    # running ------------------------------------------------------------------------------
    # driver hooks ---------------------------------------------------------------------------
    async def _driver_fetch(self, connection: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        # asyncpg's pool hands out a proxy that wraps every method in a Python call of its
        # own (a few % of a statement's CPU in the web benchmark): call its connection.
        # None once released: the proxy itself then raises asyncpg's own error.
        driver = getattr(connection, "_con", None)
        rows: list[Any] = await (connection if driver is None else driver).fetch(sql, *params)
        return rows

    async def _driver_fetch_dicts(
        self, connection: Any, sql: str, params: Sequence[Any]
    ) -> list[dict[str, Any]]:
        # SQL written by hand (raw(), DDL, migrations) may change column types.
        self._array_types.clear()
        return [dict(r) for r in await connection.fetch(sql, *params)]

    async def insert_array_types(self, table: Any) -> Mapping[str, str] | None:
        """The element type of each column of ``table`` that a many-row insert may send as
        an array: the column's own type in the database, unsized, by its quoted catalog
        name (a ``character(5)`` column gets ``pg_catalog.bpchar``, not ``character``,
        which would mean ``character(1)``). Array columns are left out (``unnest`` would
        flatten them). Asked once per table, then kept until SQL written by hand runs on
        this engine (DDL may change a type).

        Example: ``await DB.insert_array_types(Band)``.
        """
        name = self.dialect.table_name(table)
        types = self._array_types.get(name)
        if types is None:
            rows = await self._run_statement(self._driver_fetch, _ARRAY_TYPES, (name,))
            types = {row[0]: row[1] for row in rows}
            if types:  # none: no such table yet; ask again next time
                self._array_types[name] = types
        return types

    async def _driver_command(self, connection: Any, sql: str) -> None:
        await connection.execute(sql)

    # schema changes ---------------------------------------------------------------------------
    async def execute_ddl(self, statements: Sequence[str]) -> None:
        try:
            await super().execute_ddl(statements)
        finally:
            await self._schema_changed()

    async def run_ddl(self, ddl: str, in_pool: bool = True) -> list[dict[str, Any]]:
        try:
            return await super().run_ddl(ddl, in_pool)
        finally:
            await self._schema_changed()

    async def _schema_changed(self) -> None:
        """Forget what asyncpg prepared against the old schema, on every pooled connection.

        asyncpg keeps each statement prepared with the parameter types it was first given:
        once a table is dropped and made again with other column types (test suites do it),
        or a column's type is altered, the same INSERT text would still send the old types
        (``column "x" is of type timestamp but expression is of type time``). DDL run through
        Vivace drops those caches; asyncpg does it for its whole pool from one connection.
        """
        self._array_types.clear()
        await self._run_statement(_reload_schema_state)

    async def _reset(self, connection: Any) -> None:
        # Raw SQL may have changed the session (SET, LISTEN, advisory locks...).
        await connection.reset()

    def _is_fatal(self, error: BaseException) -> bool:
        return _is_fatal(error)

    def _map_error(self, error: Exception) -> VivaceError:
        # A failed statement may be an array insert whose column types changed since they
        # were read (DDL from elsewhere): read them again next time.
        self._array_types.clear()
        return map_postgres_error(error, self._address())

    async def get_version(self) -> float:
        """The server's version as ``major.minor``: ``await DB.get_version()`` -> ``15.4``."""
        rows = await self.fetch_sql("SHOW server_version")
        return self._parse_raw_version_string(rows[0]["server_version"])

    @staticmethod
    def _parse_raw_version_string(version_string: str) -> float:
        """``major.minor`` of a ``server_version`` as PostgreSQL reports it, with or without
        a patch number or build details (Piccolo's name).

        Example::

            PostgresEngine._parse_raw_version_string("12.4 (Ubuntu 12.4-0ubuntu0.20.04.1)")
            # 12.4
            PostgresEngine._parse_raw_version_string("9.4.1")  # 9.4
            PostgresEngine._parse_raw_version_string("17beta2")  # 17.0
        """
        found = _VERSION.match(version_string.strip())
        if found is None:
            raise ValueError(f"not a PostgreSQL version: {version_string!r}")
        major, minor = found.groups()
        return float(f"{major}.{minor or 0}")

    async def prep_database(self) -> None:
        """Create the configured extensions (``extensions=("uuid-ossp",)``) if missing."""
        await self._run_statement(self._create_extensions)

    # cursors --------------------------------------------------------------------------------------
    def cursor(self, compiled: Compiled, values: Sequence[Any], batch_size: int) -> RowCursor:
        """A server-side cursor, in the task's transaction or in one of its own.

        Example::

            async with DB.cursor(compiled, values, 1000) as cursor:
                while rows := await cursor.fetch():
                    ...
        """
        return PostgresCursor(self, compiled, values, batch_size)


#: The element type of each column that can be inserted from an array: a scalar, enum,
#: domain or composite type that has an array type (not an array itself).
_ARRAY_TYPES = """
SELECT a.attname, quote_ident(n.nspname) || '.' || quote_ident(t.typname)
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
  AND t.typarray <> 0 AND t.typcategory <> 'A'
"""


def _is_fatal(error: BaseException) -> bool:
    """Whether the connection may be mid-protocol or broken after ``error``."""
    import asyncpg

    # The server answered with an error, or asyncpg refused a value (to encode or to
    # decode) with its protocol in step: the connection is fine.
    return not isinstance(error, asyncpg.PostgresError | ValueError | TypeError | OverflowError)


async def _check_direct(connection: Any, address: str) -> None:
    """Refuse a pooler in between unless the engine knows (``pgbouncer=True``)."""
    real = await connection.fetchval("SELECT pg_backend_pid()")
    if real != connection.get_server_pid():
        # Behind PgBouncer the pid the client sees is made up: ending an interrupted
        # statement by pid could end another client's session.
        raise ConfigurationError(
            f"PostgreSQL at {address} is reached through a connection pooler such as "
            "PgBouncer (the backend pid it reports is not the server's): "
            "use PostgresEngine(..., pgbouncer=True)"
        )


def _connect_timed_out(address: str, seconds: float) -> ConnectionLost:
    return ConnectionLost(
        f"PostgreSQL at {address} did not answer the connection attempt within {seconds} s"
    )


async def _no_reset(connection: Any) -> None:
    # asyncpg already rolled back any open transaction. Our own statements never
    # change session state, so there is nothing to reset: no extra round trip.
    return None


class _AsyncpgPools:
    """asyncpg pools as a ``PoolFront`` drives them."""

    def __init__(self, engine: PostgresEngine) -> None:
        self.engine = engine
        #: A ``setup`` hook runs on every checkout from asyncpg's pool: then every
        #: statement's connection goes through it (no connection is kept by the front).
        self.keep = "setup" not in engine.config

    async def create(self, overrides: Mapping[str, Any]) -> Any:
        if "setup" in overrides:
            self.keep = False
        return await self.engine._create_pool(overrides)

    def reusable(self, connection: Any) -> bool:
        # What asyncpg's release would hand to the next user unchanged (the engine's reset
        # is a no-op, see _no_reset): an open connection outside any transaction. Asked
        # twice a statement: read on the proxy's connection (the proxy's methods are each
        # a wrapper call more); None once asyncpg took it back (terminated).
        # Read on the protocol itself: ``is_closed()`` and ``is_in_transaction()`` are
        # each a Python call more around the same reads, twice a statement.
        try:
            con = connection._con
            if con is None or con._aborted or not self.keep:
                return False
            protocol = con._protocol
            return bool(protocol.is_connected() and not protocol.is_in_transaction())
        except Exception:  # another asyncpg: the driver's pool then does all the work
            return False

    def pool_of(self, connection: Any) -> Any:
        # The proxy's holder belongs to one pool for its whole life; None: not a proxy.
        try:
            return connection._holder._pool
        except Exception:
            return None

    def max_size(self, pool: Any) -> int:
        return int(pool.get_max_size())

    async def acquire(self, pool: Any) -> Any:
        return await pool.acquire()

    async def release(self, pool: Any, connection: Any) -> None:
        try:
            await pool.release(connection)
        except Exception:
            connection.terminate()

    async def close(self, pool: Any) -> None:
        await pool.close()

    def terminate(self, pool: Any) -> None:
        pool.terminate()


async def _reload_schema_state(connection: Any) -> None:
    """asyncpg's public way to drop its statement and type caches (the whole pool's)."""
    await connection.reload_schema_state()
