"""``MySQLEngine``: MariaDB 10.6+ and MySQL 8 through an asyncmy pool.

Each session runs in UTC with a strict ``sql_mode`` (no silent truncation, no zero dates,
backslash escapes on) and utf8mb4 with a binary no-pad collation, so values round-trip
exactly and compare as on PostgreSQL. Statements outside a transaction autocommit.

A connection interrupted mid-statement or mid-read (cancelled, timed out, cut off) is
closed, never handed to the next user (an interrupted read would leave the rest of its
rows for the next query to read: asyncmy issue 103), and the server is told to end that
session (``KILL``), so its statement stops and its locks go now, not when it finishes.

Example::

    DB = MySQLEngine(config={"host": "127.0.0.1", "user": "root", "database": "app"})
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from vivace.dialects import Compiled
from vivace.dialects.mysql import MariaDBDialect, MySQLDialect
from vivace.engine.cursors import RowCursor
from vivace.engine.mysql_cursor import MySQLCursor
from vivace.engine.mysql_errors import is_server_error, map_mysql_error
from vivace.engine.pool import PoolDriver
from vivace.engine.server import ServerEngine
from vivace.exceptions import ConfigurationError, VivaceError

#: ``config`` keys: asyncmy's connect arguments Vivace leaves to the user, and pool sizes.
CONFIG_KEYS = frozenset(
    {
        "host",
        "port",
        "user",
        "password",
        "database",
        "db",
        "unix_socket",
        "ssl",
        "connect_timeout",
        "read_timeout",
        "program_name",
        "server_public_key",
        "auth_plugin_map",
        "max_allowed_packet",
        "min_size",
        "max_size",
        "pool_recycle",
    }
)


#: Every session: strict values, UTC, utf8mb4 compared byte by byte, and standard SQL's
#: "double quotes" for identifiers and || for concatenation (portable CHECK texts and SQL).
SESSION_SETUP = (
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO,ANSI_QUOTES,"
    "PIPES_AS_CONCAT', "
    "time_zone = '+00:00', collation_connection = 'utf8mb4_nopad_bin', div_precision_increment = 30"
)


class MySQLEngine(ServerEngine):
    """MariaDB / MySQL engine.

    ``config`` takes ``host``, ``port`` (3306), ``user``, ``password``, ``database``, pool
    sizes ``min_size``/``max_size`` and a few more asyncmy connect arguments
    (``CONFIG_KEYS``); anything else raises ``ConfigurationError``. ``flavour`` is
    ``"mariadb"`` (10.5+: ``INSERT ... RETURNING``) or ``"mysql"`` (MySQL 8: new keys from
    the last insert id; also runs on MariaDB). ``acquire_timeout`` bounds every wait for a
    pooled connection and connecting; ``command_timeout`` every statement (seconds; past
    it ``QueryTimeout`` and the connection is discarded).
    """

    engine_type = "mysql"
    config_keys = CONFIG_KEYS
    default_port = 3306
    title = "MySQL"

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        log_queries: bool = False,
        acquire_timeout: float = 30.0,
        compiled_cache_size: int = 512,
        command_timeout: float | None = None,
        flavour: str = "mariadb",
    ) -> None:
        if flavour not in ("mariadb", "mysql"):
            raise ConfigurationError("MySQLEngine(flavour=...) is 'mariadb' or 'mysql'")
        super().__init__(config, log_queries, compiled_cache_size, acquire_timeout)
        self.command_timeout = command_timeout
        self.flavour = flavour
        self.dialect = MariaDBDialect() if flavour == "mariadb" else MySQLDialect()

    def _pool_driver(self) -> PoolDriver:
        return _AsyncmyPools(self)

    def placeholder(self, position: int) -> str:
        """``%s``: the driver's marker, for SQL written by hand (``fetch_sql``)."""
        return "%s"

    # pool ---------------------------------------------------------------------------------
    async def _create_pool(self, overrides: Mapping[str, Any]) -> Any:
        import asyncmy  # imported here only: the driver is loaded when the engine is used

        options = {**self.config, **overrides}
        minsize = options.pop("min_size", 1)
        maxsize = options.pop("max_size", 10)
        if "database" in options:
            options["db"] = options.pop("database")
        options.setdefault("connect_timeout", min(self.acquire_timeout, 60.0))
        options.setdefault("port", 3306)
        try:
            pool = await asyncmy.create_pool(
                minsize=minsize,
                maxsize=maxsize,
                autocommit=True,
                charset="utf8mb4",
                init_command=SESSION_SETUP,
                **options,
            )
        except Exception as error:
            raise map_mysql_error(error, self._address()) from error
        if self.flavour == "mariadb":
            await self._check_mariadb(pool)
        return pool

    async def _check_mariadb(self, pool: Any) -> None:
        async with pool.acquire() as connection:
            server = connection.get_server_info()
        if "mariadb" not in server.lower():
            pool.close()
            await pool.wait_closed()
            raise ConfigurationError(
                f"the server at {self._address()} is MySQL {server}, not MariaDB: "
                "use MySQLEngine(..., flavour='mysql')"
            )

    async def _acquire(self) -> Any:
        try:
            return await self._front.acquire(self.acquire_timeout)
        except Exception as error:
            self._raise_from(error)

    async def _release(self, connection: Any, discard: bool = False) -> None:
        if discard:
            self._end_session(connection)
            connection.close()
        await self._front.release(connection)

    def _end_session(self, connection: Any) -> None:
        # Closing the socket leaves an interrupted statement running on the server, holding
        # its locks until it ends: have the server end that session now.
        pool = self._front.current()
        try:
            session = connection.thread_id()
        except Exception:
            return
        if pool is None or not session:
            return
        timeout = self.acquire_timeout

        async def end() -> None:
            with contextlib.suppress(Exception):  # gone already, or the pool is closing
                async with (
                    asyncio.timeout(timeout),
                    pool.acquire() as killer,
                    killer.cursor() as cursor,
                ):
                    await cursor.execute(f"KILL {int(session):d}")

        self._in_background(end())

    # driver hooks ---------------------------------------------------------------------------
    async def _driver_fetch(self, connection: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        async with connection.cursor() as cursor:
            if self.command_timeout is None:
                await cursor.execute(sql, params)
            else:
                async with asyncio.timeout(self.command_timeout):
                    await cursor.execute(sql, params)
            rows = await cursor.fetchall()
        return rows if isinstance(rows, list) else list(rows or ())

    async def _driver_fetch_dicts(
        self, connection: Any, sql: str, params: Sequence[Any]
    ) -> list[dict[str, Any]]:
        async with connection.cursor() as cursor:
            # No parameters: no formatting, so a '%' in hand-written SQL stays as written.
            await cursor.execute(sql, tuple(params) if params else None)
            rows = await cursor.fetchall()
            if not cursor.description:
                return []
            names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in rows]

    async def _driver_command(self, connection: Any, sql: str) -> None:
        async with connection.cursor() as cursor:
            # Our own commands: a BEGIN may need two (the isolation level comes first).
            for part in sql.split(";"):
                await cursor.execute(part)

    async def _reset(self, connection: Any) -> None:
        # Raw SQL may have changed the session: set it up again, and end any transaction.
        async with connection.cursor() as cursor:
            await cursor.execute("ROLLBACK")
            await cursor.execute(SESSION_SETUP)

    def _is_fatal(self, error: BaseException) -> bool:
        return not is_server_error(error)

    def _map_error(self, error: Exception) -> VivaceError:
        return map_mysql_error(error, self._address())

    async def fetch_insert_ids(
        self, compiled: Compiled, values: Sequence[Any], count: int
    ) -> list[Any]:
        """The new keys from the last insert id (consecutive within one statement, as
        InnoDB hands them out for a plain multi-row insert with the default lock modes).

        Example: ``await DB.fetch_insert_ids(compiled, values, 2)`` -> ``[7, 8]`` for an
        insert of two rows; ``[]`` when ``INSERT IGNORE`` skipped some.
        """
        params = compiled.bind(values)
        if self.log_queries:
            self._log(compiled.sql, params)
        first, added = await self._run_statement(self._driver_insert, compiled.sql, params)
        if added != count:
            return []  # rows were skipped (INSERT IGNORE): which ones is unknown
        if not first:
            return [None] * count  # every key was given
        return [first + i for i in range(count)]

    async def _driver_insert(
        self, connection: Any, sql: str, params: Sequence[Any]
    ) -> tuple[int, int]:
        async with connection.cursor() as cursor:
            added = await cursor.execute(sql, params)
            return int(cursor.lastrowid or 0), int(added or 0)

    async def get_version(self) -> float:
        rows = await self.fetch_sql("SELECT VERSION() AS version")
        major, minor, *_ = str(rows[0]["version"]).split("-")[0].split(".")
        return float(f"{major}.{minor}")

    # cursors --------------------------------------------------------------------------------------
    def cursor(self, compiled: Compiled, values: Sequence[Any], batch_size: int) -> RowCursor:
        """An unbuffered (server-side) cursor on a connection of its own; inside the
        task's transaction the rows are read at once and handed out in chunks.

        Example::

            async with DB.cursor(compiled, values, 1000) as cursor:
                while rows := await cursor.fetch():
                    ...
        """
        return MySQLCursor(self, compiled, values, batch_size)


class _AsyncmyPools:
    """asyncmy pools as a ``PoolFront`` drives them."""

    def __init__(self, engine: MySQLEngine) -> None:
        self.engine = engine

    async def create(self, overrides: Mapping[str, Any]) -> Any:
        return await self.engine._create_pool(overrides)

    def max_size(self, pool: Any) -> int:
        return int(pool.maxsize)

    async def acquire(self, pool: Any) -> Any:
        return await pool.acquire()

    async def release(self, pool: Any, connection: Any) -> None:
        pool.release(connection)

    async def close(self, pool: Any) -> None:
        pool.close()
        await pool.wait_closed()

    def terminate(self, pool: Any) -> None:
        pool.terminate()
