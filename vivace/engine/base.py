"""``Engine``: runs compiled statements on a database, owns the pool and transactions.

Subclasses adapt one driver; the ORM only calls the methods defined here.

Every statement goes through one skeleton, written here once (``_run_statement``):
in the task's transaction it takes the transaction's lock, checks it is still open,
runs, and on an interruption (``_is_fatal``) poisons it so it can never commit;
outside a transaction it acquires a pooled connection (bounded wait; a connection the
pool front kept is taken without awaiting), runs, and releases it, or discards it when
the error left it in an unknown state. (``PostgresEngine.fetch`` writes the
pooled half out once more, for the running loop's own pool: the statement path of every
ORM query there, where each coroutine layer costs on every resumption.) Driver
errors become ``vivace.exceptions`` through ``_map_error``. A driver plugs in with
hooks: ``_acquire``/``_release`` (usually a ``PoolFront``), ``_driver_fetch``,
``_driver_fetch_dicts``, ``_driver_command``, ``_reset``, ``_is_fatal`` and
``_map_error``.

Example::

    DB = SQLiteEngine(path="app.sqlite")
    async with DB.transaction():
        await Band.insert(Band(name="Pythonistas"))
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, ClassVar, NoReturn, TypeVar

from vivace.dialects import Compiled, Dialect
from vivace.engine.cache import CompiledCache
from vivace.engine.cursors import RowCursor
from vivace.engine.pool import PoolFront
from vivace.engine.routing import ReadRouting
from vivace.engine.sync import run_sync
from vivace.engine.transaction import Atomic, CurrentTransaction, Transaction, run_in_transaction
from vivace.exceptions import VivaceError
from vivace.schema.spec import SchemaSpec
from vivace.sql.nodes import Node

logger = logging.getLogger("vivace.engine")

R = TypeVar("R")

#: The id of the last statement the current task logged (``log_queries``), so that the
#: response logged after it (``log_responses``) carries the same id.
_logged_query_id: ContextVar[int | None] = ContextVar("vivace_logged_query_id", default=None)


def colored_warning(message: str, category: type[Warning] = Warning, stacklevel: int = 3) -> None:
    """Warn with ``warnings.warn`` (Piccolo's name; Vivace adds no terminal colours).

    The engines' warnings go through it, so a test can patch
    ``vivace.engine.base.colored_warning``. ``stacklevel=3`` names the code that called the
    function calling it.

    Example::

        colored_warning("Connection pooling is not supported for custom.", stacklevel=3)
    """
    warnings.warn(message, category=category, stacklevel=stacklevel)


class Engine:
    """Base class of engines. ``engine_type`` is ``"postgres"``, ``"sqlite"`` or ``"mysql"``.

    Example (``vivace_conf.py``)::

        DB = PostgresEngine(config={"host": "127.0.0.1", "database": "music"})
        DB.engine_type  # "postgres"
    """

    engine_type: ClassVar[str] = "base"
    dialect: Dialect
    #: Automatic read routing to replicas (``vivace.engine.routing``); None: every query
    #: runs on this engine unless ``run(node=...)`` picks an extra node.
    read_routing: ReadRouting | None = None
    #: A server engine's pool front (``vivace.engine.pool``): its kept connections are
    #: taken and given back synchronously by the skeleton. None: ``_acquire``/``_release`` only.
    _front: PoolFront | None = None

    def __init__(
        self, log_queries: bool = False, compiled_cache_size: int = 512, log_responses: bool = False
    ) -> None:
        self.log_queries = log_queries
        #: Log each query's result too (Piccolo's ``log_responses``), on the same logger.
        self.log_responses = log_responses
        self.compiled_cache = CompiledCache(compiled_cache_size)
        #: The last id ``get_query_id`` gave: logged statements are numbered 1, 2, ...
        self.query_id = 0
        # The current transaction of this engine, per task (a task copies its creator's).
        self._transaction: ContextVar[Transaction | None] = ContextVar(
            f"vivace_transaction_{id(self)}", default=None
        )
        #: The transaction the current task's queries join, if any: ``DB.current_transaction()``,
        #: or ``DB.current_transaction.get()`` as Piccolo's context variable reads.
        self.current_transaction = CurrentTransaction(self._transaction)

    # compile ----------------------------------------------------------------------------------
    def compile(self, statement: Node) -> tuple[Compiled, list[Any]]:
        """The cached compiled form of ``statement`` and its values in placeholder order.

        Example::

            from vivace.sql import Select

            compiled, values = DB.compile(Select(Band, [Band.name], where=Band.popularity > 100))
            compiled.sql  # 'SELECT "band"."name" FROM "band" WHERE "band"."popularity" > $1'
        """
        # The cache's hit inlined (see ``CompiledCache.compile``): on every query's path.
        values: list[Any] = []
        key = statement._key(values)
        cache = self.compiled_cache
        compiled = cache.entries.get(key)
        if compiled is not None:
            cache.hits += 1
            compiled.recent = True
            return compiled, values
        return cache.add(self.dialect, statement, key, values), values

    # logging (Piccolo's ``log_queries`` / ``log_responses``) ------------------------------------
    # Callers test ``self.log_queries`` first: a query with logging off pays no call here.
    def get_query_id(self) -> int:
        """The next number for a logged statement (Piccolo's name): 1, 2, 3, ...

        Example: ``DB.get_query_id()`` -> ``1``, then ``2``.
        """
        self.query_id += 1
        return self.query_id

    def print_query(self, query_id: int, query: str) -> None:
        """Log one statement about to run, when ``log_queries`` is on: at INFO level on the
        ``vivace.engine`` logger, as ``Query <id>: <SQL> [<parameters>]``.

        Every engine logs its statements through this method (Piccolo's name and arguments):
        override it, or patch ``vivace.engine.base.Engine.print_query``, to send them
        elsewhere.

        Example::

            class PrintingEngine(SQLiteEngine):
                def print_query(self, query_id: int, query: str) -> None:
                    print(f"#{query_id}", query)

            DB = PrintingEngine(path="app.sqlite", log_queries=True)
        """
        logger.info("Query %s: %s", query_id, query)

    def print_response(self, query_id: int, response: list[Any]) -> None:
        """Log what a query gave, when ``log_responses`` is on: at INFO level on the
        ``vivace.engine`` logger, as ``Query <id> response: <rows>`` (the id of the query's
        last logged statement, when ``log_queries`` is on too).

        Example::

            DB.log_responses = True
            await Band.select(Band.name)  # logs "Query 1 response: [{'name': 'Pythonistas'}]"
        """
        logger.info("Query %s response: %r", query_id, response)

    def _log(self, sql: str, params: Sequence[Any]) -> None:
        """``print_query`` for one statement (called only when ``log_queries`` is on)."""
        query_id = self.get_query_id()
        _logged_query_id.set(query_id)
        self.print_query(query_id, f"{sql} {list(params)!r}")

    def _log_response(self, response: Any) -> None:
        """``print_response`` for what a query gave (the ORM's ``run`` calls it only when
        ``log_responses`` is on)."""
        query_id = _logged_query_id.get()
        if query_id is None:
            query_id = self.get_query_id()
        else:
            _logged_query_id.set(None)
        self.print_response(query_id, response)

    # driver hooks ---------------------------------------------------------------------------
    async def _acquire(self) -> Any:
        """A connection for one statement (bounded wait; ``PoolTimeout`` past it)."""
        raise NotImplementedError

    async def _release(self, connection: Any, discard: bool = False) -> None:
        """Give a connection back; ``discard`` closes it instead (its state is unknown)."""
        raise NotImplementedError

    async def _driver_fetch(self, connection: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        """Run one statement on ``connection``; its rows, indexable by position."""
        raise NotImplementedError

    async def _driver_fetch_dicts(
        self, connection: Any, sql: str, params: Sequence[Any]
    ) -> list[dict[str, Any]]:
        """Run SQL text written by hand on ``connection``; its rows as dicts."""
        raise NotImplementedError

    async def _driver_command(self, connection: Any, sql: str) -> None:
        """Run a parameterless command (``BEGIN``, ``COMMIT``, ``SAVEPOINT ...``)."""
        raise NotImplementedError

    async def _reset(self, connection: Any) -> None:
        """Undo session changes raw SQL may have made, before the connection is reused."""

    def _is_fatal(self, error: BaseException) -> bool:
        """Whether ``connection`` may be mid-protocol or broken after ``error``."""
        return True

    def _map_error(self, error: Exception) -> VivaceError:
        """The ``vivace.exceptions`` error for a driver error."""
        raise NotImplementedError

    def _raise_from(self, error: BaseException) -> NoReturn:
        """Raise ``error`` mapped (a driver error), or as it is (ours, or a cancellation)."""
        if isinstance(error, Exception) and not isinstance(error, VivaceError):
            raise self._map_error(error) from error
        raise error

    # the skeleton ---------------------------------------------------------------------------
    async def _in_transaction(
        self,
        transaction: Transaction,
        operation: Callable[..., Awaitable[R]],
        *args: Any,
    ) -> R:
        """``operation(connection, *args)`` on the transaction's connection, serialised."""
        async with transaction.lock:
            transaction.check_open()  # also when it ended while this task waited for the lock
            try:
                return await operation(transaction.connection, *args)
            except BaseException as error:
                if self._is_fatal(error):
                    # Interrupted mid-statement: its outcome is unknown; never commit.
                    transaction.poison()
                self._raise_from(error)

    async def _run_statement(
        self,
        operation: Callable[..., Awaitable[R]],
        *args: Any,
    ) -> R:
        """``operation(connection, *args)`` in the task's transaction or on a pooled connection."""
        transaction = self._transaction.get()
        if transaction is not None:
            return await self._in_transaction(transaction, operation, *args)
        # A connection kept by the pool front is taken and given back without awaiting.
        front = self._front
        connection = None if front is None else front.take()
        if connection is None:
            connection = await self._acquire()
        try:
            result = await operation(connection, *args)
        except BaseException as error:
            await self._release(connection, discard=self._is_fatal(error))
            self._raise_from(error)
        if front is None or not front.give_back(connection):
            await self._release(connection)
        return result

    async def _run_raw(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        """SQL written by hand: it may change the session, so the connection is reset
        before reuse (at the end of the transaction, or right away outside one)."""
        transaction = self._transaction.get()
        if transaction is not None:
            transaction.needs_reset = True
            return await self._in_transaction(transaction, self._driver_fetch_dicts, sql, params)
        connection = await self._acquire()
        try:
            rows = await self._driver_fetch_dicts(connection, sql, params)
            await self._reset(connection)
        except BaseException as error:
            await self._release(connection, discard=True)
            self._raise_from(error)
        await self._release(connection)
        return rows

    async def _begin(self, transaction: Transaction) -> Any:
        """A connection with ``transaction.begin_sql`` run on it."""
        connection = await self._acquire()
        try:
            await self._driver_command(connection, transaction.begin_sql)
        except BaseException as error:
            await self._release(connection, discard=True)
            self._raise_from(error)
        return connection

    async def _command(self, transaction: Transaction, sql: str) -> None:
        """``COMMIT``, ``ROLLBACK`` or a savepoint command in ``transaction``."""
        await self._in_transaction(transaction, self._driver_command, sql)

    async def _end(self, transaction: Transaction, discard: bool) -> None:
        """Give the transaction's connection back (reset first when raw SQL ran in it)."""
        connection, transaction.connection = transaction.connection, None
        if connection is None:
            return
        if not discard and transaction.needs_reset:
            try:
                await self._reset(connection)
            except BaseException:
                discard = True
        await self._release(connection, discard=discard)

    # running ------------------------------------------------------------------------------------
    async def fetch(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        """Run a statement and return the driver's rows (indexable by position).

        Example: ``rows = await DB.fetch(*DB.compile(Select(Band, [Band.name])))``, then
        ``rows[0][0]`` -> ``"Pythonistas"``.
        """
        params = compiled.bind(values)
        if self.log_queries:
            self._log(compiled.sql, params)
        return await self._run_statement(self._driver_fetch, compiled.sql, params)

    async def fetch_insert_ids(
        self, compiled: Compiled, values: Sequence[Any], count: int
    ) -> list[Any]:
        """Run an INSERT without RETURNING; the new rows' primary keys, in order, when
        the database says them (engines whose dialect lacks RETURNING answer this).

        Fewer than ``count`` ids (an ``on_conflict`` skipped rows) means they are unknown.
        """
        raise NotImplementedError

    async def insert_array_types(self, table: Any) -> Mapping[str, str] | None:
        """For a many-row insert sent as one array per column: the SQL element type of each
        column of ``table`` (by database column name) that can go that way. None: the
        engine has no such form, rows go as ``VALUES`` lists (the default).

        Example: ``await DB.insert_array_types(Band)`` (``{"name": 'pg_catalog."varchar"'}``).
        """
        return None

    async def execute(self, compiled: Compiled, values: Sequence[Any]) -> None:
        """Run a statement whose rows are not needed.

        Example: ``await DB.execute(*DB.compile(node))`` for an insert, update or delete node.
        """
        await self.fetch(compiled, values)

    async def fetch_sql(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run SQL text written elsewhere (``raw()``, DDL helpers) and return dicts."""
        if self.log_queries:
            self._log(sql, params)
        return await self._run_raw(sql, params)

    async def execute_ddl(self, statements: Sequence[str]) -> None:
        """Run DDL statements in order (in the current transaction, if any).

        Example: ``await DB.execute_ddl(["CREATE TABLE t (id integer)", "DROP TABLE t"])``.
        """
        for sql in statements:
            await self.fetch_sql(sql)

    async def run_ddl(self, ddl: str, in_pool: bool = True) -> list[dict[str, Any]]:
        """Run one DDL (or other SQL) string as Piccolo's ``engine.run_ddl`` does: in the
        task's transaction when there is one, else on a pooled connection; the rows come
        back as dicts. ``in_pool`` is accepted for Piccolo's signature: Vivace always uses
        a pooled connection (reset before reuse, as for every statement written by hand).

        Example: ``await DB.run_ddl("CREATE INDEX band_name ON band (name)")``.
        """
        return await self.fetch_sql(ddl)

    def schema_transaction(self) -> Transaction:
        """A transaction for schema changes: ``async with DB.schema_transaction(): ...``.

        On SQLite, foreign keys are not enforced inside it (its table rebuilds need that;
        each rebuild checks them itself before it ends); elsewhere a plain transaction.
        """
        return self.transaction()

    async def introspect(
        self, schema_name: str | None = None, tablenames: Sequence[str] | None = None
    ) -> SchemaSpec:
        """The live schema as specs: ``(await DB.introspect()).by_tablename("band")``.

        ``schema_name`` picks a schema (PostgreSQL; the default one when None),
        ``tablenames`` some tables only (foreign keys to others are still described).
        """
        return await self.dialect.introspector.introspect(self.fetch_sql, schema_name, tablenames)

    def placeholder(self, position: int) -> str:
        """The bound-parameter marker at ``position`` (1-based) for SQL built by hand.

        Example: ``DB.placeholder(2)`` -> ``"$2"`` on PostgreSQL, ``"?"`` on SQLite.
        """
        return self.dialect.compiler_class(self.dialect).placeholder(position)

    # transactions -------------------------------------------------------------------------------
    def transaction(self, allow_nested: bool = True, **options: Any) -> Transaction:
        """A transaction: ``async with DB.transaction() as t: ...`` (commit on exit)."""
        raise NotImplementedError

    async def run_in_transaction(
        self, fn: Callable[..., Awaitable[R]], *args: Any, retries: int = 3, **options: Any
    ) -> R:
        """``await fn(*args)`` in a transaction, re-run up to ``retries`` more times when
        the database rolled it back (serialization failure, deadlock, lock timeout).

        Example: ``await DB.run_in_transaction(transfer, a, b, isolation_level="serializable")``.
        Other keyword arguments go to ``transaction()``.
        """
        return await run_in_transaction(self, fn, *args, retries=retries, **options)

    def atomic(self, **options: Any) -> Atomic:
        """Queries collected with ``add`` and run together in one transaction; ``options``
        go to ``transaction()`` (SQLite: ``atomic(transaction_type=TransactionType.deferred)``)."""
        return Atomic(self, **options)

    def transaction_exists(self) -> bool:
        """Whether the current task is inside a transaction of this engine.

        Example::

            async with DB.transaction():
                DB.transaction_exists()  # True
        """
        return self._transaction.get() is not None

    # pool -----------------------------------------------------------------------------------------
    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Open the connections now instead of on first use.

        Every Vivace engine has a pool; an engine class without one (this default) warns
        ``Connection pooling is not supported for <engine_type>.``, as Piccolo's do.

        Example (an ASGI lifespan)::

            @asynccontextmanager
            async def lifespan(app):
                await DB.start_connection_pool()
                yield
                await DB.close_connection_pool()
        """
        self._connection_pool_warning()

    async def close_connection_pool(self) -> None:
        """Close every connection: ``await DB.close_connection_pool()`` at shut-down.

        An engine class without a pool (this default) warns, as ``start_connection_pool``.
        """
        self._connection_pool_warning()

    def _connection_pool_warning(self) -> None:
        message = f"Connection pooling is not supported for {self.engine_type}."
        logger.warning(message)
        colored_warning(message, stacklevel=3)

    async def get_version(self) -> float:
        """The database server's version as ``major.minor``."""
        raise NotImplementedError

    def get_version_sync(self) -> float:
        """``get_version`` from synchronous code: ``DB.get_version_sync()`` -> ``15.2``."""
        return run_sync(self.get_version())

    async def start_connnection_pool(self, **kwargs: Any) -> None:
        """Piccolo's deprecated misspelling of ``start_connection_pool`` (it warns).

        Example: ``await DB.start_connnection_pool()`` (write ``start_connection_pool``).
        """
        warnings.warn(
            "This is a typo - please use start_connection_pool instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        await self.start_connection_pool(**kwargs)

    async def close_connnection_pool(self) -> None:
        """Piccolo's deprecated misspelling of ``close_connection_pool`` (it warns).

        Example: ``await DB.close_connnection_pool()`` (write ``close_connection_pool``).
        """
        warnings.warn(
            "This is a typo - please use close_connection_pool instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        await self.close_connection_pool()

    async def prep_database(self) -> None:
        """Prepare the database for use (extensions). Nothing to do by default.

        Example: ``await DB.prep_database()`` once at start-up.
        """

    # cursors --------------------------------------------------------------------------------------
    def cursor(self, compiled: Compiled, values: Sequence[Any], batch_size: int) -> RowCursor:
        """The rows of a select in chunks of ``batch_size`` (see ``vivace.engine.cursors``).

        Example: ``async with engine.cursor(compiled, values, 1000) as c: await c.fetch()``.
        """
        raise NotImplementedError
