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
from vivace.engine.cursors import PostgresCursor, RowCursor
from vivace.engine.errors import map_postgres_error
from vivace.engine.postgres_replication import PostgresReplication
from vivace.engine.routing import ReadRouting
from vivace.engine.transaction import Transaction
from vivace.exceptions import ConfigurationError, ConnectionLost, PoolTimeout, TransactionError

_ISOLATION_LEVELS = {"read committed", "repeatable read", "serializable"}


class PostgresEngine(Engine):
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

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        extensions: Sequence[str] = (),
        log_queries: bool = False,
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
        super().__init__(log_queries=log_queries, compiled_cache_size=compiled_cache_size)
        self.config = dict(config or {})
        self.extensions = tuple(extensions)
        self.extra_nodes = dict(extra_nodes or {})
        if read_routing is not None:
            self.read_routing = read_routing.attach(self, self.extra_nodes, PostgresReplication())
        self.acquire_timeout = acquire_timeout
        self.command_timeout = command_timeout
        self.pgbouncer = pgbouncer
        self.dialect = PostgresDialect()
        self._pool: Any = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._pool_lock: asyncio.Lock | None = None
        self._background: set[asyncio.Task[None]] = set()
        #: Pools of loops still running in another thread (run_sync inside a running loop).
        self._parked: dict[asyncio.AbstractEventLoop, Any] = {}
        self._beside_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        #: One FIFO semaphore per pool, sized like it: waiters are served in arrival order
        #: (asyncpg's own queue lets a newcomer take a slot a woken waiter was handed).
        self._permits: dict[int, asyncio.Semaphore] = {}

    def __repr__(self) -> str:
        return f"<PostgresEngine {self._address()}>"

    def _address(self) -> str:
        host = self.config.get("host", "localhost")
        port = self.config.get("port", 5432)
        return f"{host}:{port}"

    # pool ---------------------------------------------------------------------------------
    @property
    def pool(self) -> Any:
        """The asyncpg pool, or None before it starts (Piccolo's attribute)."""
        return self._pool

    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Create the pool now; ``kwargs`` override ``config`` (e.g. ``max_size=20``)."""
        if self._pool is not None and self._pool_loop is asyncio.get_running_loop():
            return
        await self._make_pool(kwargs)

    async def close_connection_pool(self, timeout: float | None = None) -> None:
        """Close every pooled connection.

        Waits up to ``timeout`` seconds (default: ``acquire_timeout``) for connections
        in use to come back and close cleanly; whatever is left is then terminated.
        """
        limit = self.acquire_timeout if timeout is None else timeout
        if self.read_routing is not None:
            await self.read_routing.close()  # its probe uses this pool
        loop = asyncio.get_running_loop()
        ending = [task for task in self._background if task.get_loop() is loop]
        if ending:
            await asyncio.wait(ending, timeout=limit)
        parked = self._parked.pop(loop, None)
        self._beside_locks.pop(loop, None)
        if parked is not None:
            self._permits.pop(id(parked), None)
            await _close_pool(parked, limit)
        owner = self._pool_loop
        if owner is not None and owner is not loop and owner.is_running():
            return  # the main pool belongs to a loop running in another thread: not ours
        pool, self._pool = self._pool, None
        if pool is not None:
            self._permits.pop(id(pool), None)
            if owner is loop:
                await _close_pool(pool, limit)
            else:
                self._terminate(pool)

    async def _get_pool(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._pool is not None and self._pool_loop is loop:
            return self._pool
        beside = self._parked.get(loop)
        if beside is not None:
            return beside
        owner = self._pool_loop
        if self._pool is not None and owner is not None and owner.is_running():
            # The main pool's loop runs on in another thread (an app's loop while run_sync
            # works on its bridge loop): that thread reads the main pool without a lock, so
            # it is never swapped from here; this loop gets a pool of its own beside it.
            return await self._pool_beside(loop)
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

    async def _pool_beside(self, loop: asyncio.AbstractEventLoop) -> Any:
        """This loop's pool, kept in ``_parked`` while another loop holds the main one."""
        for other in [other for other in self._parked if other.is_closed()]:
            # A finished loop's pool cannot be closed through it any more: let it go.
            self._permits.pop(id(self._parked.pop(other)), None)
            self._beside_locks.pop(other, None)
        lock = self._beside_locks.setdefault(loop, asyncio.Lock())
        async with lock:
            pool = self._parked.get(loop)
            if pool is None:
                pool = self._parked[loop] = await self._create_pool({})
                if self.extensions:
                    await self.prep_database()
        return pool

    def _terminate(self, pool: Any) -> None:
        # The loop of a finished asyncio.run() is closed: its pool cannot be terminated
        # through it (asyncpg would raise "Event loop is closed"), so it is let go.
        self._permits.pop(id(pool), None)
        if self._pool_loop is None or not self._pool_loop.is_closed():
            pool.terminate()

    async def _make_pool(self, overrides: Mapping[str, Any]) -> None:
        pool = await self._create_pool(overrides)
        self._pool, self._pool_loop = pool, asyncio.get_running_loop()
        if self._pool_lock is None:
            self._pool_lock = asyncio.Lock()
        if self.extensions:
            await self.prep_database()

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
            pool = await asyncpg.create_pool(reset=self._reset_connection, init=init, **options)
        except TimeoutError as error:
            raise _connect_timed_out(self._address(), options["timeout"]) from error
        except Exception as error:
            raise map_postgres_error(error, self._address()) from error
        self._permits[id(pool)] = asyncio.Semaphore(pool.get_max_size())
        return pool

    async def _reset_connection(self, connection: Any) -> None:
        # asyncpg already rolled back any open transaction. Our own statements never
        # change session state, so there is nothing to reset: no extra round trip.
        return None

    async def _acquire(self) -> Any:
        pool = self._pool
        if pool is None or self._pool_loop is not asyncio.get_running_loop():
            pool = await self._get_pool()
        waiting: asyncio.Timeout | None = None
        permits = self._permits.get(id(pool))
        try:
            if permits is not None and permits.locked():
                # Every slot is taken: wait in line, bounded (asyncio.timeout costs a timer
                # handle; asyncpg's own timeout= spawns a task). A free slot needs no timer.
                waiting = asyncio.timeout(self.acquire_timeout)
                async with waiting:
                    await permits.acquire()
            elif permits is not None:
                await permits.acquire()  # returns at once: a slot is free and nobody waits
            try:
                return await pool.acquire()
            except BaseException:
                if permits is not None:
                    permits.release()
                raise
        except TimeoutError as error:
            if waiting is None or not waiting.expired():
                # Not the wait for a free slot: connecting (a new slot) timed out.
                seconds = self.config.get("timeout", min(self.acquire_timeout, 60.0))
                raise _connect_timed_out(self._address(), seconds) from error
            raise PoolTimeout(
                f"no PostgreSQL connection to {self._address()} became free within "
                f"{self.acquire_timeout} s (pool max_size={pool.get_max_size()})"
            ) from None
        except Exception as error:
            raise map_postgres_error(error, self._address()) from error

    async def _release(self, connection: Any, discard: bool = False) -> None:
        if discard:
            if not self.pgbouncer:
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
            finally:
                permits = self._permits.get(id(pool))
                if permits is not None:
                    permits.release()

    def _end_backend(self, connection: Any) -> None:
        # Closing the socket alone leaves an interrupted statement running on the server,
        # holding its transaction's locks until it ends: have the server end it now.
        loop = asyncio.get_running_loop()
        pool = self._pool if self._pool_loop is loop else self._parked.get(loop)
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
            except BaseException as error:
                if _is_fatal(error):
                    # Interrupted mid-statement: its outcome is unknown; never commit.
                    transaction.poison()
                if isinstance(error, Exception):
                    raise map_postgres_error(error, self._address()) from error
                raise

    async def fetch_sql(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self.log_queries:
            self._log(sql, params)
        transaction = self._transaction.get()
        if transaction is not None:
            # The session may change: reset the connection when the transaction ends.
            transaction.needs_reset = True
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
            except BaseException as error:
                if _is_fatal(error):
                    transaction.poison()
                if isinstance(error, Exception):
                    raise map_postgres_error(error, self._address()) from error
                raise

    async def _end(self, transaction: Transaction, discard: bool) -> None:
        connection, transaction.connection = transaction.connection, None
        if connection is None:
            return
        if not discard and transaction.needs_reset:
            try:
                await connection.reset()
            except BaseException:
                discard = True
        await self._release(connection, discard=discard)

    # cursors --------------------------------------------------------------------------------------
    def cursor(self, compiled: Compiled, values: Sequence[Any], batch_size: int) -> RowCursor:
        """A server-side cursor, in the task's transaction or in one of its own."""
        return PostgresCursor(self, compiled, values, batch_size, _is_fatal)


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


async def _close_pool(pool: Any, limit: float) -> None:
    """``pool.close()`` bounded by ``limit`` seconds; then the rest is terminated."""
    try:
        async with asyncio.timeout(limit):
            await pool.close()
    except TimeoutError:
        pool.terminate()
