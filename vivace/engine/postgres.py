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
from collections.abc import Mapping, Sequence
from typing import Any

from vivace.dialects import Compiled, PostgresDialect
from vivace.engine.base import Engine
from vivace.engine.errors import map_postgres_error
from vivace.engine.transaction import Transaction
from vivace.exceptions import ConfigurationError, PoolTimeout, TransactionError

_ISOLATION_LEVELS = {"read committed", "repeatable read", "serializable"}


class PostgresEngine(Engine):
    """PostgreSQL engine.

    ``config`` takes asyncpg's connect arguments (``host``, ``port``, ``user``,
    ``database``, ``dsn``, ...) plus pool options ``min_size``/``max_size``.
    ``acquire_timeout`` bounds every wait for a pooled connection (seconds).
    ``statement_cache_size=0`` turns asyncpg's prepared statements off (PgBouncer).
    """

    engine_type = "postgres"

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        extensions: Sequence[str] = (),
        log_queries: bool = False,
        extra_nodes: Mapping[str, PostgresEngine] | None = None,
        acquire_timeout: float = 30.0,
        compiled_cache_size: int = 512,
    ) -> None:
        super().__init__(log_queries=log_queries, compiled_cache_size=compiled_cache_size)
        self.config = dict(config or {})
        self.extensions = tuple(extensions)
        self.extra_nodes = dict(extra_nodes or {})
        self.acquire_timeout = acquire_timeout
        self.dialect = PostgresDialect()
        self._pool: Any = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._pool_lock: asyncio.Lock | None = None
        self._background: set[asyncio.Task[None]] = set()
        #: Pools of loops still running in another thread (run_sync inside a running loop).
        self._parked: dict[asyncio.AbstractEventLoop, Any] = {}

    def __repr__(self) -> str:
        return f"<PostgresEngine {self._address()}>"

    def _address(self) -> str:
        host = self.config.get("host", "localhost")
        port = self.config.get("port", 5432)
        return f"{host}:{port}"

    # pool ---------------------------------------------------------------------------------
    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Create the pool now; ``kwargs`` override ``config`` (e.g. ``max_size=20``)."""
        if self._pool is not None and self._pool_loop is asyncio.get_running_loop():
            return
        await self._make_pool(kwargs)

    async def close_connection_pool(self) -> None:
        """Close every pooled connection (waits for those in use to come back)."""
        pool, self._pool = self._pool, None
        parked = self._parked.pop(asyncio.get_running_loop(), None)
        if parked is not None:
            await parked.close()
        if pool is not None:
            if self._pool_loop is asyncio.get_running_loop():
                await pool.close()
            else:
                self._terminate(pool)

    async def _get_pool(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._pool is not None and self._pool_loop is loop:
            return self._pool
        if self._pool_lock is None or self._pool_loop is not loop:
            # A pool belongs to one event loop: a new loop (asyncio.run, run_sync) gets its own.
            if self._pool is not None:
                if self._pool_loop is not None and self._pool_loop.is_running():
                    # That loop runs on in another thread: its pool is not ours to close
                    # (from here, mid-use); it gets it back when it next asks.
                    self._parked[self._pool_loop] = self._pool
                else:
                    self._terminate(self._pool)
                self._pool = None
            self._pool = self._parked.pop(loop, None)
            self._pool_lock = asyncio.Lock()
            self._pool_loop = loop
        async with self._pool_lock:
            if self._pool is None:
                await self._make_pool({})
        return self._pool

    def _terminate(self, pool: Any) -> None:
        # The loop of a finished asyncio.run() is closed: its pool cannot be terminated
        # through it (asyncpg would raise "Event loop is closed"), so it is let go.
        if self._pool_loop is None or not self._pool_loop.is_closed():
            pool.terminate()

    async def _make_pool(self, overrides: Mapping[str, Any]) -> None:
        import asyncpg  # imported here only: the driver is loaded when the engine is used

        options = {**self.config, **overrides}
        options.setdefault("min_size", 1)
        options.setdefault("max_size", 10)
        try:
            pool = await asyncpg.create_pool(reset=self._reset_connection, **options)
        except Exception as error:
            raise map_postgres_error(error, self._address()) from error
        self._pool, self._pool_loop = pool, asyncio.get_running_loop()
        if self._pool_lock is None:
            self._pool_lock = asyncio.Lock()
        if self.extensions:
            await self.prep_database()

    async def _reset_connection(self, connection: Any) -> None:
        # asyncpg already rolled back any open transaction. Our own statements never
        # change session state, so there is nothing to reset: no extra round trip.
        return None

    async def _acquire(self) -> Any:
        pool = self._pool
        if pool is None or self._pool_loop is not asyncio.get_running_loop():
            pool = await self._get_pool()
        try:
            queue = getattr(pool, "_queue", None)
            if queue is not None and queue.qsize():
                # A free slot is waiting: acquire returns without waiting for another
                # task, so no timer is needed (connecting has its own timeout).
                return await pool.acquire()
            # asyncio.timeout costs a timer handle; asyncpg's own timeout= spawns a task.
            async with asyncio.timeout(self.acquire_timeout):
                return await pool.acquire()
        except TimeoutError:
            raise PoolTimeout(
                f"no PostgreSQL connection to {self._address()} became free within "
                f"{self.acquire_timeout} s (pool max_size={pool.get_max_size()})"
            ) from None
        except Exception as error:
            raise map_postgres_error(error, self._address()) from error

    async def _release(self, connection: Any, discard: bool = False) -> None:
        if discard:
            self._end_backend(connection)
            # A connection that died was detached from its proxy: terminate() would raise.
            with contextlib.suppress(Exception):
                connection.terminate()
        loop = asyncio.get_running_loop()
        pool = self._pool if self._pool_loop is loop else self._parked.get(loop)
        if pool is not None:
            try:
                await pool.release(connection)
            except Exception:
                connection.terminate()

    def _end_backend(self, connection: Any) -> None:
        # Closing the socket alone leaves an interrupted statement running on the server,
        # holding its transaction's locks until it ends: have the server end it now.
        pool = self._pool
        if pool is None or self._pool_loop is not asyncio.get_running_loop():
            return
        try:
            pid, timeout = connection.get_server_pid(), self.acquire_timeout
        except Exception:  # released already: nothing runs on it
            return

        async def end() -> None:
            # Errors: gone already, no permission, or the pool is closing.
            with contextlib.suppress(Exception):
                await pool.execute("SELECT pg_terminate_backend($1)", pid, timeout=timeout)

        task = asyncio.get_running_loop().create_task(end())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # running --------------------------------------------------------------------------------
    async def fetch(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        params = compiled.bind(values)
        if self.log_queries:
            self._log(compiled.sql, params)
        transaction = self._transaction.get()
        if transaction is not None:
            joined: list[Any] = await self._fetch_in(transaction, compiled.sql, params)
            return joined
        connection = await self._acquire()
        try:
            rows: list[Any] = await connection.fetch(compiled.sql, *params)
        except BaseException as error:
            await self._release(connection, discard=_is_fatal(error))
            if isinstance(error, Exception):
                raise map_postgres_error(error, self._address()) from error
            raise
        await self._release(connection)
        return rows

    async def _fetch_in(self, transaction: Transaction, sql: str, params: Sequence[Any]) -> Any:
        async with transaction.lock:
            transaction.check_open()  # also when it ended while this task waited for the lock
            try:
                return await transaction.connection.fetch(sql, *params)
            except Exception as error:
                raise map_postgres_error(error, self._address()) from error

    async def fetch_sql(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self.log_queries:
            self._log(sql, params)
        transaction = self._transaction.get()
        if transaction is not None:
            # The session may change: reset the connection when the transaction ends.
            transaction.needs_reset = True  # type: ignore[attr-defined]
            rows = await self._fetch_in(transaction, sql, params)
            return [dict(r) for r in rows]
        connection = await self._acquire()
        try:
            rows = await connection.fetch(sql, *params)
            # Raw SQL may have changed the session (SET, LISTEN, advisory locks...).
            await connection.reset()
        except BaseException as error:
            await self._release(connection, discard=True)
            if isinstance(error, Exception):
                raise map_postgres_error(error, self._address()) from error
            raise
        await self._release(connection)
        return [dict(r) for r in rows]

    async def execute_ddl(self, statements: Sequence[str]) -> None:
        for sql in statements:
            await self.fetch_sql(sql)

    async def get_version(self) -> float:
        rows = await self.fetch_sql("SHOW server_version")
        major, _, rest = rows[0]["server_version"].partition(".")
        minor = rest.split(" ")[0].split(".")[0] or "0"
        return float(f"{major}.{minor}")

    async def prep_database(self) -> None:
        """Create the configured extensions (``extensions=("uuid-ossp",)``) if missing."""
        for extension in self.extensions:
            name = self.dialect.quote(extension)
            await self.fetch_sql(f"CREATE EXTENSION IF NOT EXISTS {name}")

    # transactions -------------------------------------------------------------------------------
    def transaction(
        self,
        allow_nested: bool = True,
        isolation_level: str | None = None,
        read_only: bool = False,
        **options: Any,
    ) -> Transaction:
        """``async with DB.transaction(isolation_level="serializable"):``."""
        if options:
            raise TypeError(f"unknown transaction options: {', '.join(options)}")
        begin = "BEGIN"
        if isolation_level is not None:
            if isolation_level.lower() not in _ISOLATION_LEVELS:
                raise TransactionError(
                    f"isolation_level must be one of {sorted(_ISOLATION_LEVELS)}"
                )
            begin += f" ISOLATION LEVEL {isolation_level.upper()}"
        if read_only:
            begin += " READ ONLY"
        return Transaction(self, allow_nested=allow_nested, begin=begin)

    async def _begin(self, transaction: Transaction) -> Any:
        connection = await self._acquire()
        try:
            await connection.execute(transaction.begin_sql)
        except BaseException as error:
            await self._release(connection, discard=True)
            if isinstance(error, Exception):
                raise map_postgres_error(error, self._address()) from error
            raise
        return connection

    async def _command(self, transaction: Transaction, sql: str) -> None:
        async with transaction.lock:
            try:
                await transaction.connection.execute(sql)
            except Exception as error:
                raise map_postgres_error(error, self._address()) from error

    async def _end(self, transaction: Transaction, discard: bool) -> None:
        connection, transaction.connection = transaction.connection, None
        if connection is None:
            return
        if not discard and getattr(transaction, "needs_reset", False):
            try:
                await connection.reset()
            except BaseException:
                discard = True
        await self._release(connection, discard=discard)


def _is_fatal(error: BaseException) -> bool:
    """Whether the connection may be mid-protocol or broken after ``error``."""
    import asyncpg

    # The server answered with an error: the connection is fine (autocommit).
    return not isinstance(error, asyncpg.PostgresError)


def require_config(config: Mapping[str, Any]) -> None:
    """Refuse an obviously broken configuration early."""
    if not isinstance(config, Mapping):
        raise ConfigurationError("PostgresEngine(config=...) takes a dict of asyncpg options")
