"""``SQLiteEngine``: the embedded default, on the standard library's sqlite3.

Design, for speed without stalling the event loop:

- a few persistent connections (never one per query), WAL, ``foreign_keys=ON``,
  LIKE made case-sensitive as on PostgreSQL;
- a statement first runs *on the event loop* under a small budget of SQLite VM steps
  (a progress handler) and with no busy wait. A point query takes microseconds and
  pays no thread hop. When the budget runs out, or the database is locked, the
  statement is interrupted (SQLite undoes it) and re-run on a worker thread, where it
  may take as long as it needs and wait up to ``busy_timeout`` for the lock;
- a read that starts within the budget is read on the loop in chunks of rows, each under
  the budget, other tasks running between them (a large result of a cheap query pays no
  thread hop);
- statements that change rows inside an explicit transaction always run on the worker
  thread, because interrupting one would roll the whole transaction back; so does the
  COMMIT of a transaction that changed many rows (it may run the WAL checkpoint);
- transactions take the write lock up front (``BEGIN IMMEDIATE``) by default;
- an insert of many rows goes without ``RETURNING``, its new keys told by the last insert
  rowid (``insert_rowids``, checked under the write lock, else sent again with it).

Example::

    DB = SQLiteEngine(path="app.sqlite")
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import os
import sqlite3
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from vivace.dialects import Compiled, SQLiteDialect
from vivace.dialects.sqlite_functions import SQLITE_FUNCTIONS
from vivace.engine.base import Engine
from vivace.engine.cursors import RowCursor
from vivace.engine.sqlite_cursor import SQLiteCursor
from vivace.engine.sqlite_errors import map_sqlite_error
from vivace.engine.sqlite_piccolo_files import (
    PiccoloIntervalWarning,
    seconds_columns,
    seconds_warning,
)
from vivace.engine.transaction import Transaction
from vivace.exceptions import ConfigurationError, PoolTimeout, TransactionError, VivaceError
from vivace.schema import Serial
from vivace.sql import Insert

#: ``sqlite3.connect`` arguments passed through (the engine sets the others itself).
CONNECT_KEYS = frozenset({"detect_types", "factory", "uri"})

_TRANSACTION_TYPES = {"deferred": "DEFERRED", "immediate": "IMMEDIATE", "exclusive": "EXCLUSIVE"}


class TransactionType(str, enum.Enum):
    """SQLite's transaction kinds (Piccolo's names); plain strings work too.

    Example: ``DB.transaction(transaction_type=TransactionType.deferred)``.
    """

    deferred = "DEFERRED"
    immediate = "IMMEDIATE"
    exclusive = "EXCLUSIVE"


#: The progress handler runs every this many SQLite VM steps.
_STEPS_PER_CALL = 1000
#: A statement with more parameters goes straight to the worker: binding them alone
#: takes milliseconds, and it could not finish within the inline budget anyway.
_INLINE_PARAMS = 1000
#: Counting is off: the value can never reach the budget.
_OFF = -(1 << 62)

Rows = list[tuple[Any, ...]]

#: Marks, in a compiled statement's cache, a statement that outgrew the inline budget.
_OUTGREW_BUDGET = "sqlite:outgrew-inline-budget"
#: A read run inline is read in chunks of about this many VM steps' worth of rows (half
#: the default budget; a row of n columns takes about n + 4 steps), yielding between them.
_CHUNK_STEPS = 10_000
#: A transaction that changed at least this many rows commits on the worker thread: its
#: COMMIT writes that many rows' pages to the WAL and may run the automatic checkpoint
#: (copying the WAL into the database, with an fsync), milliseconds the loop must not
#: wait. A smaller one commits inline: a thread hop would cost more than the commit.
_INLINE_COMMIT = 500


class _Connection:
    """One sqlite3 connection, its step budget and any worker-thread statement in flight."""

    __slots__ = ("raw", "cursor", "steps", "pending", "foreign_keys_off", "changes_at_begin")

    def __init__(self, raw: sqlite3.Connection, budget: int) -> None:
        self.raw = raw
        #: The cursor inline statements reuse (``raw.execute`` makes a new one each time).
        #: Only the loop thread uses it, and every statement is read to the end at once.
        self.cursor = raw.cursor()
        self.steps = [_OFF]
        self.pending: asyncio.Future[Any] | None = None
        #: Set while a schema transaction runs with foreign keys off; restored on release.
        self.foreign_keys_off = False
        #: ``raw.total_changes`` when the current transaction began (see ``_INLINE_COMMIT``).
        self.changes_at_begin = 0
        steps = self.steps

        def over_budget() -> bool:
            steps[0] += 1
            return steps[0] > budget

        raw.set_progress_handler(over_budget, _STEPS_PER_CALL)


def _run_inline(connection: _Connection, sql: str, params: Sequence[Any]) -> Rows:
    steps = connection.steps
    steps[0] = 0
    try:
        return connection.cursor.execute(sql, params).fetchall()
    finally:
        steps[0] = _OFF


def _run_direct(connection: _Connection, sql: str, params: Sequence[Any]) -> Rows:
    # No step budget: an interrupted write would roll its whole transaction back.
    return connection.raw.execute(sql, params).fetchall()


def _run_threaded(connection: _Connection, sql: str, params: Sequence[Any], busy_ms: int) -> Rows:
    raw = connection.raw
    raw.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
    try:
        return raw.execute(sql, params).fetchall()
    finally:
        raw.execute("PRAGMA busy_timeout = 0")


def _retrieve_error(future: asyncio.Future[Any]) -> None:
    """Mark a finished future's error as seen (it belongs to a cancelled caller)."""
    if not future.cancelled():
        future.exception()


def _retry_elsewhere(error: sqlite3.Error) -> bool:
    """Interrupted by the budget, or the database was locked: try again on the worker."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name == "SQLITE_INTERRUPT" or name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


class SQLiteEngine(Engine):
    """SQLite engine: ``SQLiteEngine(path="vivace.sqlite")``.

    ``max_connections`` bounds the persistent connections (one for ``:memory:``);
    ``busy_timeout`` (seconds) is how long a write waits for another writer;
    ``inline_budget`` is how many thousands of VM steps a statement may run on the
    event loop before it moves to a worker thread. Other keyword arguments go to
    ``sqlite3.connect``.
    """

    engine_type = "sqlite"

    def __init__(
        self,
        path: str = "vivace.sqlite",
        log_queries: bool = False,
        log_responses: bool = False,
        max_connections: int = 4,
        busy_timeout: float = 5.0,
        acquire_timeout: float = 30.0,
        inline_budget: int = 20,
        compiled_cache_size: int = 512,
        **connection_kwargs: Any,
    ) -> None:
        unknown = sorted(set(connection_kwargs) - CONNECT_KEYS)
        if unknown:
            raise ConfigurationError(
                f"unknown SQLiteEngine option(s) {', '.join(map(repr, unknown))}; accepted: "
                "path, log_queries, log_responses, max_connections, busy_timeout, acquire_timeout, "
                f"inline_budget, compiled_cache_size, {', '.join(sorted(CONNECT_KEYS))}"
            )
        super().__init__(log_queries, compiled_cache_size, log_responses)
        self.path = path
        self.in_memory = path == ":memory:" or "mode=memory" in path
        self.max_connections = 1 if self.in_memory else max(1, max_connections)
        self.busy_ms = int(busy_timeout * 1000)
        self.acquire_timeout = acquire_timeout
        self.inline_budget = inline_budget
        self.connection_kwargs = connection_kwargs
        self.dialect = SQLiteDialect()
        self._idle: list[_Connection] = []
        self._all: list[_Connection] = []
        self._opening = 0
        #: Whether the file was checked for Piccolo's ``SECONDS`` intervals, and what
        #: was found there, warned about once on the loop (``sqlite_piccolo_files``).
        self._file_checked = False
        self._seconds_columns: list[tuple[str, str]] = []
        self._waiters: collections.deque[asyncio.Future[_Connection]] = collections.deque()
        self._executor: ThreadPoolExecutor | None = None

    def __repr__(self) -> str:
        return f"<SQLiteEngine {self.path}>"

    # connections ------------------------------------------------------------------------------
    def _connect(self) -> _Connection:
        raw = sqlite3.connect(
            self.path,
            isolation_level=None,  # we send BEGIN/COMMIT ourselves
            check_same_thread=False,  # used by the loop thread and its worker, never at once
            timeout=0,  # inline statements must not wait: they move to the worker instead
            cached_statements=512,
            **self.connection_kwargs,
        )
        if not self.in_memory:
            raw.execute("PRAGMA journal_mode = WAL")
            raw.execute("PRAGMA synchronous = NORMAL")
        raw.execute("PRAGMA foreign_keys = ON")
        raw.execute("PRAGMA case_sensitive_like = ON")
        for name, arity, function in SQLITE_FUNCTIONS:  # ``a ** b``'s vivace_power
            raw.create_function(name, arity, function, deterministic=True)
        if not self._file_checked:  # once, on the worker: see sqlite_piccolo_files
            self._file_checked = True
            self._seconds_columns = seconds_columns(raw)
        return _Connection(raw, self.inline_budget)

    def _worker(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.max_connections, thread_name_prefix="vivace-sqlite"
            )
        return self._executor

    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Open one connection now (more open on demand).

        Example: ``await SQLiteEngine(path="app.sqlite").start_connection_pool()``.
        """
        connection = await self._acquire()
        self._checkin(connection)

    async def close_connection_pool(self) -> None:
        """Close every idle connection and the worker threads.

        Example: ``await DB.close_connection_pool()`` at shut-down (or at a test's end).
        """
        for connection in self._idle:
            connection.raw.close()
            self._all.remove(connection)
        self._idle.clear()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    def remove_db_file(self) -> None:
        """Delete the database file (and its WAL files), closing idle connections first so
        the next query starts a new, empty database. For tests; Piccolo's name.

        Example: ``DB.remove_db_file()``.
        """
        for connection in self._idle:
            connection.raw.close()
            self._all.remove(connection)
        self._idle.clear()
        if self.in_memory:
            return
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.unlink(self.path + suffix)

    def create_db_file(self) -> None:
        """Create an empty database file; refuses one that exists (Piccolo's name).

        Example: ``DB.create_db_file()``.
        """
        if os.path.exists(self.path):
            raise FileExistsError(f"Database at {self.path} already exists")
        with open(self.path, "w"):
            pass

    async def _acquire(self) -> _Connection:
        if self._idle:
            return self._idle.pop()
        if len(self._all) + self._opening < self.max_connections:
            self._opening += 1
            try:
                loop = asyncio.get_running_loop()
                connection = await loop.run_in_executor(self._worker(), self._connect)
            except sqlite3.Error as error:
                raise map_sqlite_error(error) from error
            finally:
                self._opening -= 1
            self._all.append(connection)
            if self._seconds_columns:
                found, self._seconds_columns = self._seconds_columns, []
                warnings.warn(seconds_warning(self.path, found), PiccoloIntervalWarning, 2)
            return connection
        waiter: asyncio.Future[_Connection] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            # Not wait_for: on Python 3.11 it returns the connection and swallows the
            # cancellation when both arrive in the same loop iteration.
            async with asyncio.timeout(self.acquire_timeout):
                return await waiter
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():
                # Handed a connection in the loop turn the deadline passed: it was served
                # in time, and raising would lose the connection it was handed.
                return waiter.result()
            raise PoolTimeout(
                f"no SQLite connection to {self.path} became free within {self.acquire_timeout} s"
            ) from None
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._checkin(waiter.result())
            raise

    async def _release(self, connection: _Connection, discard: bool = False) -> None:
        if discard:
            self._discard(connection)
        else:
            self._checkin(connection)

    def _checkin(self, connection: _Connection) -> None:
        """Hand the connection to the first waiter, or keep it idle (synchronous)."""
        pending = connection.pending
        if pending is not None and not pending.done():
            # A cancelled statement is still winding down on the worker: take the
            # connection back only once it has stopped.
            pending.add_done_callback(lambda _: self._release_after(connection))
            return
        connection.pending = None
        if connection.foreign_keys_off and not connection.raw.in_transaction:
            try:
                connection.raw.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error:
                self._discard(connection)
                return
            connection.foreign_keys_off = False
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self._idle.append(connection)

    def _release_after(self, connection: _Connection) -> None:
        connection.pending = None
        if connection.raw.in_transaction:
            try:
                connection.raw.execute("ROLLBACK")
            except sqlite3.Error:
                self._discard(connection)
                return
        self._checkin(connection)

    def _discard(self, connection: _Connection) -> None:
        if connection in self._all:
            self._all.remove(connection)
        with contextlib.suppress(sqlite3.Error):
            connection.raw.close()

    # running ------------------------------------------------------------------------------------
    async def _run(
        self,
        connection: _Connection,
        sql: str,
        params: Sequence[Any],
        inline: bool,
        memory: dict[Any, Any] | None = None,
    ) -> Rows:
        """Run one statement: on the loop under the step budget if allowed, else on the worker.

        ``memory`` (a compiled statement's cache) remembers a statement that ran out of
        budget, so its next runs go straight to the worker instead of wasting the budget.
        """
        if inline and len(params) <= _INLINE_PARAMS:
            try:
                return _run_inline(connection, sql, params)
            except sqlite3.Error as error:
                if not _retry_elsewhere(error):
                    raise map_sqlite_error(error) from error
                if memory is not None and error.sqlite_errorname == "SQLITE_INTERRUPT":
                    memory[_OUTGREW_BUDGET] = True
            except (OverflowError, UnicodeEncodeError) as error:  # refused when bound
                raise map_sqlite_error(error) from error
        rows: Rows = await self._on_worker(
            connection, _run_threaded, connection, sql, params, self.busy_ms
        )
        return rows

    async def _on_worker(self, connection: _Connection, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._worker(), fn, *args)
        # Set while it runs: the connection is not rolled back or handed on before it ends.
        connection.pending = future
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            connection.raw.interrupt()
            # Nobody awaits the interrupted statement's error: retrieve it, or asyncio
            # logs "Future exception was never retrieved" when the future is collected.
            future.add_done_callback(_retrieve_error)
            raise
        except (sqlite3.Error, OverflowError, UnicodeEncodeError) as error:
            raise map_sqlite_error(error) from error

    async def fetch(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        params = compiled.bind(values)
        if self.log_queries:
            self._log(compiled.sql, params)
        transaction = self._transaction.get()
        if transaction is not None:
            if compiled.is_small_write:
                return await self._write_in(transaction, compiled.sql, params)
            return await self._fetch_in(transaction, compiled.sql, params, compiled.is_write)
        idle = self._idle
        connection = idle.pop() if idle else await self._acquire()
        memory = compiled.cache
        if _OUTGREW_BUDGET not in memory and len(params) <= _INLINE_PARAMS:
            # The common case, inlined (``_run`` would do the same): a short statement on
            # the loop under the step budget, and the connection straight back.
            # A read is read in chunks (see ``_read_rest``), a write at once.
            chunk = 0 if compiled.is_write else _CHUNK_STEPS // (len(compiled.result_names) + 4)
            steps = connection.steps
            steps[0] = 0
            cursor = connection.cursor
            try:
                cursor.execute(compiled.sql, params)
                rows: Rows = cursor.fetchmany(chunk) if chunk else cursor.fetchall()
            except sqlite3.Error as error:
                steps[0] = _OFF
                if not _retry_elsewhere(error):
                    self._checkin(connection)
                    raise map_sqlite_error(error) from error
                if error.sqlite_errorname == "SQLITE_INTERRUPT":
                    memory[_OUTGREW_BUDGET] = True
            except (OverflowError, UnicodeEncodeError) as error:  # refused when bound
                steps[0] = _OFF
                self._checkin(connection)
                raise map_sqlite_error(error) from error
            else:
                steps[0] = _OFF
                result: Rows | None = rows
                if chunk and len(rows) == chunk:  # more may follow
                    try:
                        result = await self._read_rest(connection, rows, chunk, memory)
                    except BaseException:
                        self._checkin(connection)
                        raise
                if result is not None:
                    if connection.pending is None and not (
                        self._waiters or connection.foreign_keys_off
                    ):
                        idle.append(connection)  # what ``_checkin`` ends with, when nobody waits
                    else:
                        self._checkin(connection)
                    return result
        try:
            return await self._run(connection, compiled.sql, params, False, memory)
        finally:
            self._checkin(connection)

    async def _read_rest(
        self, connection: _Connection, rows: Rows, chunk: int, memory: dict[Any, Any]
    ) -> Rows | None:
        """The rest of a read begun inline, ``chunk`` rows at a time, each under the step
        budget, letting other tasks run between chunks.

        A large result of a cheap query is read on the loop without a thread hop (two
        wake-ups across threads, slow on a busy machine) and without stalling the loop for
        longer than the budget at a time. None: a chunk outgrew the budget (SQLite
        interrupted it; a read has nothing to undo) or the database was locked, so the
        read is to run again, whole, on the worker. However it ends early (an error, a
        cancellation), the statement is reset so it holds no read transaction open.
        """
        cursor, steps = connection.cursor, connection.steps
        done = False
        try:
            while True:
                await asyncio.sleep(0)
                steps[0] = 0
                try:
                    more = cursor.fetchmany(chunk)
                except sqlite3.Error as error:
                    if not _retry_elsewhere(error):
                        raise map_sqlite_error(error) from error
                    if error.sqlite_errorname == "SQLITE_INTERRUPT":
                        memory[_OUTGREW_BUDGET] = True
                    return None
                finally:
                    steps[0] = _OFF
                rows.extend(more)
                if len(more) < chunk:
                    done = True
                    return rows
        finally:
            if not done:
                _close_quietly(cursor)
                connection.cursor = connection.raw.cursor()

    async def _write_in(self, transaction: Transaction, sql: str, params: Sequence[Any]) -> Rows:
        """A small write in a transaction: run directly on the loop, no thread hop.

        It touches a few rows (see ``Compiled.is_small_write``), so it is bounded; only
        when the write lock is not held yet (a deferred transaction) and another writer
        has it does it wait on the worker.
        """
        async with transaction.lock:
            transaction.check_open()
            connection: _Connection = transaction.connection
            try:
                return _run_direct(connection, sql, params)
            except sqlite3.Error as error:
                name = getattr(error, "sqlite_errorname", "") or ""
                if not name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                    raise map_sqlite_error(error) from error
            except (OverflowError, UnicodeEncodeError) as error:  # refused when bound
                raise map_sqlite_error(error) from error
            try:
                rows: Rows = await self._on_worker(
                    connection, _run_threaded, connection, sql, params, self.busy_ms
                )
            except asyncio.CancelledError:
                transaction.poison()
                raise
            return rows

    async def _fetch_in(
        self, transaction: Transaction, sql: str, params: Sequence[Any], is_write: bool
    ) -> Rows:
        # Writes never run under the step budget: an interrupted one would roll the
        # whole transaction back.
        return await self._in_transaction(transaction, self._run, sql, params, not is_write)

    def _is_fatal(self, error: BaseException) -> bool:
        # Interrupted (cancelled): SQLite may have rolled the whole transaction back, and
        # later statements would then commit one by one. An error SQLite reported
        # leaves the connection usable.
        return not isinstance(error, Exception)

    def _map_error(self, error: Exception) -> VivaceError:
        return map_sqlite_error(error)

    async def _dicts_on_worker(
        self, connection: _Connection, sql: str, params: Sequence[Any]
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await self._on_worker(
            connection, _fetch_dicts, connection, sql, params, self.busy_ms
        )
        return rows

    async def fetch_sql(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self.log_queries:
            self._log(sql, params)
        transaction = self._transaction.get()
        if transaction is not None:
            return await self._in_transaction(transaction, self._dicts_on_worker, sql, params)
        connection = await self._acquire()
        try:
            return await self._dicts_on_worker(connection, sql, params)
        finally:
            self._checkin(connection)

    async def execute_ddl(self, statements: Sequence[str]) -> None:
        """Run DDL in the current transaction, else in a ``schema_transaction()`` (so a
        table rebuild can run, and several statements apply together or not at all)."""
        if self._transaction.get() is not None or len(statements) < 2:
            for sql in statements:
                await self.fetch_sql(sql)
            return
        async with self.schema_transaction():
            for sql in statements:
                await self.fetch_sql(sql)

    async def get_version(self) -> float:
        major, minor, *_ = sqlite3.sqlite_version.split(".")
        return float(f"{major}.{minor}")

    async def insert_rowids(self, statement: Insert) -> list[int] | None:
        """Run a many-row INSERT (no RETURNING, no ``ON CONFLICT``, a ``Serial`` primary key
        left to SQLite; else None at once) and give the new rows' primary keys, in order,
        from the last insert rowid.

        ``RETURNING`` makes SQLite keep every new row's key aside and hand it back as a
        row of its own: measured, it more than doubles the time of a 10,000-row insert.
        Without it the keys are ``last - count + 1 .. last`` when SQLite gave each row the
        next rowid, which it does unless the table's largest rowid reached the maximum
        (then it picks free ones at random) or a trigger writes rows too. So the insert
        runs in a savepoint and is kept only when, under the write lock, the key is the
        rowid (an ``INTEGER PRIMARY KEY`` of a rowid table), the statement made exactly
        ``count`` changes (none by triggers) and the largest key is the last row's. None:
        it was not so, the savepoint was rolled back (nothing inserted) and the caller
        inserts with ``RETURNING`` instead.

        Also None, before anything is compiled or run, for an insert that ``fetch`` would
        run on the event loop (few enough values, no transaction): a thread hop costs
        more than ``RETURNING`` then.

        Example: ``await DB.insert_rowids(Insert(Band, columns, rows))`` -> ``[7, 8, ...]``.
        """
        table, columns = statement.table, statement.columns
        meta = table._meta
        pk = meta.primary_key
        if (
            statement.returning
            or statement.on_conflict
            or not columns
            or not isinstance(pk, Serial)
            or any(column is pk for column in columns)  # keys given: not SQLite's to pick
        ):
            return None
        transaction = self._transaction.get()
        count = len(statement.rows)
        if transaction is None and count * len(columns) <= _INLINE_PARAMS:
            return None
        pk_name = pk._meta.db_column_name
        dialect = self.dialect
        # One row: the largest key; the primary key's own index (a table whose key is
        # not the rowid has one); key columns other than ``pk_name INTEGER``; key columns.
        check_sql = (
            f"SELECT (SELECT max({dialect.quote(pk_name)}) FROM {dialect.table_name(table)}),"
            " (SELECT count(*) FROM pragma_index_list(?) WHERE origin = 'pk'),"
            " (SELECT count(*) FROM pragma_table_info(?)"
            " WHERE pk > 0 AND (pk > 1 OR name <> ? OR upper(type) <> 'INTEGER')),"
            " (SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0)"
        )
        check = (check_sql, (meta.tablename, meta.tablename, pk_name, meta.tablename))
        compiled, values = self.compile(statement)
        params = compiled.bind(values)
        if self.log_queries:
            self._log(compiled.sql, params)
        args = (compiled.sql, params, check, count, self.busy_ms)
        if transaction is not None:
            ids: list[int] | None = await self._in_transaction(
                transaction, self._rowids_on_worker, *args
            )
            return ids
        connection = await self._acquire()
        try:
            return await self._rowids_on_worker(connection, *args)
        finally:
            self._checkin(connection)

    async def _rowids_on_worker(self, connection: _Connection, *args: Any) -> list[int] | None:
        ids: list[int] | None = await self._on_worker(connection, _insert_rowids, connection, *args)
        return ids

    # transactions ---------------------------------------------------------------------------------
    def transaction(
        self, allow_nested: bool = True, transaction_type: str = "immediate", **options: Any
    ) -> Transaction:
        """``async with DB.transaction(transaction_type="immediate"):`` (the default)."""
        if options:
            raise TypeError(f"unknown transaction options: {', '.join(options)}")
        kind = _TRANSACTION_TYPES.get(
            str(getattr(transaction_type, "value", transaction_type)).lower()
        )
        if kind is None:
            raise TransactionError(f"transaction_type must be one of {sorted(_TRANSACTION_TYPES)}")
        return Transaction(self, allow_nested=allow_nested, begin=f"BEGIN {kind}")

    def schema_transaction(self) -> Transaction:
        """A transaction with ``PRAGMA foreign_keys`` OFF (SQLite only reads it outside a
        transaction, so it is set before ``BEGIN``, and restored when the connection is
        released). Table rebuilds need it: dropping the old table would otherwise run the
        ``ON DELETE`` actions of the foreign keys pointing at it. Each rebuild runs
        ``PRAGMA foreign_key_check`` itself before it ends.

        Example: ``async with DB.schema_transaction(): await DB.execute_ddl(statements)``.
        """
        return _SchemaTransaction(self, begin="BEGIN IMMEDIATE")

    async def _begin(self, transaction: Transaction) -> _Connection:
        connection = await self._acquire()
        try:
            if isinstance(transaction, _SchemaTransaction):
                connection.raw.execute("PRAGMA foreign_keys = OFF")
                connection.foreign_keys_off = True
            await self._run(connection, transaction.begin_sql, (), inline=True)
        except BaseException:
            self._checkin(connection)
            raise
        connection.changes_at_begin = connection.raw.total_changes
        return connection

    async def _driver_command(self, connection: _Connection, sql: str) -> None:
        # COMMIT, ROLLBACK and savepoints are short: run them directly, never
        # interrupted (an interrupted COMMIT would lose the transaction). Only the COMMIT
        # of a transaction that changed many rows can take long: it runs on the worker.
        raw = connection.raw
        if sql == "COMMIT" and raw.total_changes - connection.changes_at_begin >= _INLINE_COMMIT:
            await self._commit_on_worker(connection)
            return
        raw.execute(sql)

    async def _commit_on_worker(self, connection: _Connection) -> None:
        """COMMIT on the worker thread, never interrupted.

        A cancellation that arrives meanwhile waits for the COMMIT to end (as it would
        for one run inline) and is raised after it: the transaction is then committed.
        """
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(
            self._worker(), _run_threaded, connection, "COMMIT", (), self.busy_ms
        )
        connection.pending = future
        cancelled = False
        while not future.done():
            try:
                await asyncio.shield(future)
            except asyncio.CancelledError:
                cancelled = True
            except BaseException:
                break  # the COMMIT failed: reported below
        if cancelled:
            raise asyncio.CancelledError
        error = future.exception()
        if error is not None:
            raise map_sqlite_error(error) from error

    async def _end(self, transaction: Transaction, discard: bool) -> None:
        connection: _Connection | None = transaction.connection
        transaction.connection = None
        if connection is None:
            return
        pending = connection.pending
        if pending is None or pending.done():
            connection.pending = None
            if connection.raw.in_transaction:
                try:
                    connection.raw.execute("ROLLBACK")
                except sqlite3.Error:
                    self._discard(connection)
                    return
        else:
            # A sibling task's statement still runs in it (the block ended on an error):
            # stop it; the connection is rolled back and released once it has stopped.
            connection.raw.interrupt()
        self._checkin(connection)

    # cursors --------------------------------------------------------------------------------------
    def cursor(self, compiled: Compiled, values: Sequence[Any], batch_size: int) -> RowCursor:
        """A cursor read in chunks on the worker thread (``fetchmany``).

        Example::

            async with DB.cursor(compiled, values, 1000) as cursor:
                while rows := await cursor.fetch():
                    ...
        """
        return SQLiteCursor(self, compiled, values, batch_size)


class _SchemaTransaction(Transaction):
    """A transaction whose connection has foreign keys off (see ``schema_transaction``)."""


def _fetch_dicts(
    connection: _Connection, sql: str, params: Sequence[Any], busy_ms: int
) -> list[dict[str, Any]]:
    raw = connection.raw
    raw.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
    try:
        cursor = raw.execute(sql, params)
        rows = cursor.fetchall()
        if cursor.description is None:
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in rows]
    finally:
        raw.execute("PRAGMA busy_timeout = 0")


#: The savepoint ``insert_rowids`` runs its insert in.
_ROWIDS_SAVEPOINT = "vivace_insert_rowids"


def _insert_rowids(
    connection: _Connection,
    sql: str,
    params: Sequence[Any],
    check: tuple[str, Sequence[Any]],
    count: int,
    busy_ms: int,
) -> list[int] | None:
    """``SQLiteEngine.insert_rowids`` on the worker thread."""
    raw = connection.raw
    raw.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
    try:
        raw.execute(f"SAVEPOINT {_ROWIDS_SAVEPOINT}")
        try:
            before = raw.total_changes
            cursor = raw.execute(sql, params)
            last = cursor.lastrowid
            changed = raw.total_changes - before
            largest, pk_index, other_keys, keys = raw.execute(*check).fetchone()
        except BaseException:
            _undo_savepoint(raw)
            raise
        if (
            changed == count
            and last is not None
            and largest == last
            and pk_index == 0
            and other_keys == 0
            and keys == 1
        ):
            raw.execute(f"RELEASE {_ROWIDS_SAVEPOINT}")
            return list(range(last - count + 1, last + 1))
        _undo_savepoint(raw)
        return None
    finally:
        raw.execute("PRAGMA busy_timeout = 0")


def _undo_savepoint(raw: sqlite3.Connection) -> None:
    """Roll back and end ``_insert_rowids``'s savepoint (gone already if SQLite rolled the
    whole transaction back, as an interrupted statement may)."""
    with contextlib.suppress(sqlite3.Error):
        raw.execute(f"ROLLBACK TO {_ROWIDS_SAVEPOINT}")
        raw.execute(f"RELEASE {_ROWIDS_SAVEPOINT}")


def _close_quietly(cursor: sqlite3.Cursor) -> None:
    """Close a cursor (which resets its statement); it may already be unusable."""
    with contextlib.suppress(sqlite3.Error):
        cursor.close()
