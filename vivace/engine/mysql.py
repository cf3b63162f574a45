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
import logging
import math
import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NoReturn

from vivace.dialects import Compiled
from vivace.dialects.mysql import MariaDBDialect, MySQLDialect
from vivace.engine.cursors import RowCursor
from vivace.engine.mysql_cursor import MySQLCursor
from vivace.engine.mysql_errors import is_server_error, map_mysql_error, oversized_integer
from vivace.engine.mysql_ignore import run_guarded
from vivace.engine.pool import PoolDriver
from vivace.engine.server import ServerEngine
from vivace.exceptions import ConfigurationError, ConnectionLost, VivaceError
from vivace.schema import Serial
from vivace.sql import Insert

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
#: CHAR values read back padded to their length (as on PostgreSQL): otherwise MariaDB strips
#: the padding on read, and a padded value compared under the no-pad collation matches none.
SESSION_SETUP = (
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO,ANSI_QUOTES,"
    "PIPES_AS_CONCAT,PAD_CHAR_TO_FULL_LENGTH', "
    "time_zone = '+00:00', collation_connection = 'utf8mb4_nopad_bin', "
    "div_precision_increment = 30, "
    # READ COMMITTED, PostgreSQL's default (InnoDB's REPEATABLE READ takes gap locks and
    # locks every row a write scans: concurrent insert-then-update work deadlocked there
    # where PostgreSQL and SQLite ran it clean). MySQL 8 spells it transaction_isolation.
    "tx_isolation = 'READ-COMMITTED', "
    # Every warning of a statement kept (not 64): a guarded INSERT IGNORE reads them all.
    "max_error_count = 65535"
)

# asyncmy logs every warning the server reports (a Note such as "Unknown table" for DROP
# TABLE IF EXISTS); with no logging configured Python printed them on stderr. A
# NullHandler keeps them quiet then; an application that configures logging still gets
# them (they propagate to its handlers).
logging.getLogger("asyncmy").addHandler(logging.NullHandler())

#: The protocol command that resets a session to its state just after connecting.
COM_RESET_CONNECTION = 0x1F
#: The protocol command that sets a session option, and its "multi-statements off" value.
COM_SET_OPTION = 0x1B
MULTI_STATEMENTS_OFF = b"\x01\x00"
#: The session's step between auto-increment keys (``MySQLEngine._key_step``).
INCREMENT_SQL = "SELECT @@SESSION.auto_increment_increment AS step"
#: After a reset: the connection's character set (the reset may undo it) and autocommit
#: (it takes the server's default), then the session setup.
RESET_SETUP = (
    "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin, SESSION autocommit = 1, "
    + SESSION_SETUP.removeprefix("SET ")
)


def _conversions() -> dict[Any, Any]:
    """asyncmy's value conversions, with a float encoder that refuses every non-finite
    float: asyncmy's own refuses inf and nan but writes -inf into the SQL as the text
    ``-infe0``, which the server reads as a column name (an error, or that column's value)."""
    from asyncmy import converters

    escape_float = converters.escape_float

    def finite_float(value: float, mapping: Any = None) -> str:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} can not be used with MySQL (no infinities, no NaN)")
        return str(escape_float(value, mapping))

    escape_decimal = converters.conversions[Decimal]

    def exact_decimal(value: Decimal, mapping: Any = None) -> str:
        # An unbounded Numeric() is DECIMAL(65,30): MariaDB rounds digits past the 30th
        # after the point without a word, so refuse them (and what cannot fit at all).
        if value.is_finite() and not value.is_zero():
            places = -int(value.normalize().as_tuple().exponent)
            if places > 30 or value.adjusted() >= 35:
                raise ValueError(
                    f"{value!r} can not be stored exactly by MySQL/MariaDB "
                    "(at most 35 digits before the point and 30 after)"
                )
        elif not value.is_finite():
            raise ValueError(f"{value!r} can not be used with MySQL (no infinities, no NaN)")
        return str(escape_decimal(value, mapping))

    return {**converters.conversions, float: finite_float, Decimal: exact_decimal}


async def one_statement_per_query(connection: Any) -> None:
    """Switch the session's multi-statement queries off (COM_SET_OPTION).

    asyncmy always asks for them at connect time, and with them ``raw("SELECT 1; DROP
    TABLE t")`` ran both statements. Off, a second statement is a syntax error, as on
    PostgreSQL and SQLite. The setting outlives a session reset (COM_RESET_CONNECTION).
    """
    await connection._execute_command(COM_SET_OPTION, MULTI_STATEMENTS_OFF)
    await connection.read_packet()  # an EOF (or OK) packet; an error packet raises


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
        log_responses: bool = False,
        acquire_timeout: float = 30.0,
        compiled_cache_size: int = 512,
        command_timeout: float | None = None,
        flavour: str = "mariadb",
    ) -> None:
        if flavour not in ("mariadb", "mysql"):
            raise ConfigurationError("MySQLEngine(flavour=...) is 'mariadb' or 'mysql'")
        super().__init__(config, log_queries, compiled_cache_size, acquire_timeout, log_responses)
        self.command_timeout = command_timeout
        self.flavour = flavour
        self.dialect = MariaDBDialect() if flavour == "mariadb" else MySQLDialect()
        #: A clean session's ``auto_increment_increment``, once read (``_key_step``).
        self._increment: int | None = None

    def _pool_driver(self) -> PoolDriver:
        return _AsyncmyPools(self)

    def placeholder(self, position: int) -> str:
        """``%s``: the driver's marker, for SQL written by hand (``fetch_sql``)."""
        return "%s"

    # pool ---------------------------------------------------------------------------------
    async def _create_pool(self, overrides: Mapping[str, Any]) -> Any:
        try:
            import asyncmy.pool  # imported here only: the driver is loaded when the engine is used
        except ImportError as error:
            raise ConfigurationError(
                "MySQLEngine needs the asyncmy driver: pip install 'vivace[mysql]'"
            ) from error

        options = {**self.config, **overrides}
        minsize = options.pop("min_size", 1)
        maxsize = options.pop("max_size", 10)
        if "database" in options:
            options["db"] = options.pop("database")
        options.setdefault("connect_timeout", min(self.acquire_timeout, 60.0))
        options.setdefault("port", 3306)
        pool = asyncmy.pool.Pool(
            minsize=minsize,
            maxsize=maxsize,
            autocommit=True,
            charset="utf8mb4",
            init_command=SESSION_SETUP,
            conv=_conversions(),
            **{"pool_recycle": 3600, **options},
        )
        try:
            # What asyncmy.create_pool does, except that the connections already made are
            # closed when a later one fails (create_pool left them open on the server).
            async with pool.cond:
                await pool.fill_free_pool(False)
        except BaseException as error:
            _terminate(pool)
            if isinstance(error, Exception):
                raise map_mysql_error(error, self._address()) from error
            raise
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

    def _acquire_failed(self, error: Exception) -> NoReturn:
        if isinstance(error, TimeoutError):
            # Not the wait for a free slot (that is PoolTimeout): connecting timed out.
            raise ConnectionLost(
                f"MySQL at {self._address()} did not answer the connection attempt within "
                f"{self.acquire_timeout} s"
            ) from error
        self._raise_from(error)

    def _discard(self, connection: Any) -> None:
        self._end_session(connection)
        connection.close()

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
    async def _execute(self, cursor: Any, sql: str, params: Any = None) -> Any:
        """``cursor.execute`` within ``command_timeout`` (every statement: the ORM's, raw
        SQL, BEGIN/COMMIT/SAVEPOINT); past it the read is cut and the engine discards the
        connection and ends its session."""
        try:
            if self.command_timeout is None:
                return await cursor.execute(sql, params)
            async with asyncio.timeout(self.command_timeout):
                return await cursor.execute(sql, params)
        except Exception as error:
            oversized = oversized_integer(error, params)
            if oversized is not None:
                raise oversized from error
            raise

    async def _driver_fetch(self, connection: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        async with connection.cursor() as cursor:
            await self._execute(cursor, sql, params)
            rows = await cursor.fetchall()
        return rows if isinstance(rows, list) else list(rows or ())

    async def _driver_fetch_dicts(
        self, connection: Any, sql: str, params: Sequence[Any]
    ) -> list[dict[str, Any]]:
        async with connection.cursor() as cursor:
            # No parameters: no formatting, so a '%' in hand-written SQL stays as written.
            await self._execute(cursor, sql, tuple(params) if params else None)
            rows = await cursor.fetchall()
            if not cursor.description:
                return []
            names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in rows]

    async def _driver_command(self, connection: Any, sql: str) -> None:
        async with connection.cursor() as cursor:
            # Our own commands: a BEGIN may need two (the isolation level comes first).
            for part in sql.split(";"):
                await self._execute(cursor, part)

    async def _reset(self, connection: Any) -> None:
        # Raw SQL may have changed any session variable (SET SESSION innodb_lock_wait_timeout
        # = 1 would otherwise stay for the pool's next users), not only ours: the server
        # resets the whole session (COM_RESET_CONNECTION, MariaDB 10.2+ and MySQL 5.7+: it
        # also ends a transaction, drops temporary tables and user variables), then ours are
        # set again. asyncmy has no public call for it: its command primitives send it.
        async with contextlib.AsyncExitStack() as stack:
            if self.command_timeout is not None:
                await stack.enter_async_context(asyncio.timeout(self.command_timeout))
            await connection._execute_command(COM_RESET_CONNECTION, b"")
            await connection._read_ok_packet()
            async with connection.cursor() as cursor:
                await cursor.execute(RESET_SETUP)

    def _is_fatal(self, error: BaseException) -> bool:
        return not is_server_error(error)

    def _map_error(self, error: Exception) -> VivaceError:
        return map_mysql_error(error, self._address())

    async def _fetch_guarded(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        # A ``DO NOTHING`` insert (``INSERT IGNORE``): see vivace.engine.mysql_ignore.
        return (await run_guarded(self, compiled, values)).rows

    async def fetch_insert_ids(
        self, compiled: Compiled, values: Sequence[Any], count: int
    ) -> list[Any]:
        """The new keys from the last insert id: one statement's keys are consecutive
        (InnoDB reserves them together for a multi-row ``VALUES`` insert, in every lock
        mode), ``auto_increment_increment`` apart (1 unless the server is set otherwise, as
        Galera and multi-primary setups are; see ``_key_step``).

        Example: ``await DB.fetch_insert_ids(compiled, values, 2)`` -> ``[7, 8]`` for an
        insert of two rows; ``[]`` when ``INSERT IGNORE`` skipped some.
        """
        if compiled.guarded:
            outcome = await run_guarded(self, compiled, values)
            first, added = outcome.last_id, outcome.added
        else:
            params = compiled.bind(values)
            if self.log_queries:
                self._log(compiled.sql, params)
            first, added = await self._run_statement(self._driver_insert, compiled.sql, params)
        if added != count:
            return []  # rows were skipped (INSERT IGNORE): which ones is unknown
        if not first:
            return [None] * count  # every key was given
        step = 1 if count == 1 else await self._key_step()
        return [first + i * step for i in range(count)]

    async def insert_rowids(self, statement: Insert) -> list[Any] | None:
        """Run a many-row INSERT without ``RETURNING`` and give the new rows' keys, in
        order, from the last insert id (as ``fetch_insert_ids``); None, before anything
        is compiled or run, unless the key is a ``Serial`` left to the server and the
        statement has no ``RETURNING`` and no ``ON CONFLICT``.

        MariaDB can return the keys (``RETURNING``), but then sends them back as a result
        set of its own, a row per row: measured (issue 15), 10,000 rows insert in 40-42 ms
        without it against 41-44 ms with it, the ORM's work included. One statement's keys
        are consecutive (see ``fetch_insert_ids``); a key column filled by something other
        than ``AUTO_INCREMENT`` gives ``[None, ...]``, as an insert on MySQL does.

        Example: ``await DB.insert_rowids(Insert(Band, columns, rows))`` -> ``[7, 8, ...]``.
        """
        columns = statement.columns
        pk = statement.table._meta.primary_key
        if (
            statement.returning
            or statement.on_conflict
            or not columns
            or not isinstance(pk, Serial)
            or any(column is pk for column in columns)  # keys given: not the server's
        ):
            return None
        compiled, values = self.compile(statement)
        return await self.fetch_insert_ids(compiled, values, len(statement.rows))

    async def _key_step(self) -> int:
        """The session's ``auto_increment_increment`` (Galera sets the server's to the
        cluster's size). A clean session has the server's value: read once per engine and
        kept. Raw SQL may have changed it in the task's transaction (``SET SESSION``; a
        connection is reset before anyone else uses it): then it is read on that
        connection, every time."""
        transaction = self._transaction.get()
        changed = transaction is not None and transaction.needs_reset
        if self._increment is not None and not changed:
            return self._increment
        # Through the statement skeleton, not ``fetch_sql``: reading a variable changes
        # nothing, so the transaction's connection needs no reset for it.
        rows = await self._run_statement(self._driver_fetch_dicts, INCREMENT_SQL, ())
        step = int(rows[0]["step"])
        if not changed:
            self._increment = step
        return step

    async def _driver_insert(
        self, connection: Any, sql: str, params: Sequence[Any]
    ) -> tuple[int, int]:
        async with connection.cursor() as cursor:
            added = await self._execute(cursor, sql, params)
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
        #: Connections already switched to one statement per query.
        self._single: weakref.WeakSet[Any] = weakref.WeakSet()

    async def create(self, overrides: Mapping[str, Any]) -> Any:
        pool = await self.engine._create_pool(overrides)
        try:
            # The connections made up front now, while the server is known to answer
            # (those made later are switched at their first acquire).
            async with asyncio.timeout(self.engine.acquire_timeout):
                for connection in list(pool._free):
                    await one_statement_per_query(connection)
                    self._single.add(connection)
        except BaseException:
            _terminate(pool)
            raise
        return pool

    def max_size(self, pool: Any) -> int:
        return int(pool.maxsize)

    async def acquire(self, pool: Any) -> Any:
        # Bounded: asyncmy's connect_timeout covers the TCP connect only, not the server's
        # greeting and the login after it, so a cut network would hang a new connection.
        async with asyncio.timeout(self.engine.acquire_timeout):
            connection = await pool.acquire()
            if connection not in self._single:
                try:
                    await one_statement_per_query(connection)
                except BaseException:
                    connection.close()  # its state is unknown: never handed out
                    pool.release(connection)
                    raise
                self._single.add(connection)
        return connection

    def reusable(self, connection: Any) -> bool:
        # What asyncmy's release would put back in its free list and its next acquire would
        # hand out unchanged: connected, the stream whole, outside a transaction (server
        # status bit 1). The pool front then keeps it between statements, without asyncmy's
        # checkout (a timeout scope, its condition, the switch check) on every statement.
        try:
            return bool(
                connection.connected
                and not connection._stream_broken
                and not connection.server_status & 1
            )
        except Exception:  # another asyncmy: its pool then does all the work
            return False

    async def release(self, pool: Any, connection: Any) -> None:
        pool.release(connection)

    async def close(self, pool: Any) -> None:
        pool.close()
        await pool.wait_closed()

    def terminate(self, pool: Any) -> None:
        _terminate(pool)


def _terminate(pool: Any) -> None:
    """Close an asyncmy pool at once: its connections in use and its idle ones (asyncmy's
    terminate() leaves the idle ones open until a wait_closed() nobody will call)."""
    pool.terminate()
    while pool._free:
        pool._free.popleft().close()
