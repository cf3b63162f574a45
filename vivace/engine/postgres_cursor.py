"""``PostgresCursor``: a server-side cursor (an asyncpg portal) for ``batch()``.

See ``vivace.engine.cursors`` for the behaviour every cursor shares.

Example::

    async with engine.cursor(compiled, values, 1000) as cursor:
        rows = await cursor.fetch()
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vivace.dialects import Compiled
from vivace.engine.cursors import ChunkedCursor

if TYPE_CHECKING:
    from vivace.engine.postgres import PostgresEngine
    from vivace.engine.transaction import Transaction


class PostgresCursor(ChunkedCursor):
    """A server-side cursor on PostgreSQL (see the module docstring)."""

    def __init__(
        self,
        engine: PostgresEngine,
        compiled: Compiled,
        values: Sequence[Any],
        batch_size: int,
    ) -> None:
        self._engine, self._sql, self._batch_size = engine, compiled.sql, batch_size
        self._params = compiled.bind(values)
        self._transaction: Transaction | None = None
        self._connection: Any = None  # a connection of our own, outside a transaction
        self._cursor: Any = None
        self._broken = False

    async def __aenter__(self) -> PostgresCursor:
        engine = self._engine
        if engine.log_queries:
            engine._log(self._sql, self._params)
        transaction = engine._transaction.get()
        if transaction is not None:
            self._transaction = transaction
            async with transaction.lock:
                transaction.check_open()
                self._cursor = await self._open(transaction.connection)
            return self
        connection = await engine._acquire()
        self._connection = connection
        try:
            await connection.execute("BEGIN")
            self._cursor = await self._open(connection)
        except BaseException as error:
            self._connection = None
            await engine._release(connection, discard=self._engine._is_fatal(error))
            engine._raise_from(error)
        return self

    async def _open(self, connection: Any) -> Any:
        try:
            if self._engine.pgbouncer:
                return await _DeclaredCursor.open(connection, self._sql, self._params)
            return await connection.cursor(self._sql, *self._params)
        except BaseException as error:
            if self._transaction is not None and self._engine._is_fatal(error):
                self._transaction.poison()  # interrupted mid-statement: never commit after it
            self._engine._raise_from(error)

    async def _fetch(self) -> list[Any]:
        if self._cursor is None:
            return []
        try:
            rows: list[Any] = await self._cursor.fetch(self._batch_size)
        except BaseException as error:
            if self._engine._is_fatal(error):
                self._broken = True
                if self._transaction is not None:
                    # Interrupted mid-chunk: as for any statement, never commit after it.
                    self._transaction.poison()
            self._engine._raise_from(error)
        if len(rows) < self._batch_size:
            self._cursor = None  # the portal is done: no round trip to learn it again
        return rows

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._cursor = None
        connection, self._connection = self._connection, None
        if connection is None:
            return  # the task's transaction closes the portal when it ends
        discard = self._broken or (exc is not None and not isinstance(exc, Exception))
        if not discard:
            try:
                await connection.execute("COMMIT" if exc is None else "ROLLBACK")
            except BaseException as error:
                await self._engine._release(connection, discard=True)
                self._engine._raise_from(error)
        await self._engine._release(connection, discard=discard)


class _DeclaredCursor:
    """A SQL cursor (``DECLARE`` / ``FETCH``) run with unnamed statements only.

    For PgBouncer: asyncpg's own cursors prepare a named statement, which outlives the
    transaction on whichever server connection ran it (its Close may reach another).
    """

    _numbers = itertools.count(1)

    def __init__(self, connection: Any, name: str) -> None:
        self._connection, self._name = connection, name

    @classmethod
    async def open(cls, connection: Any, sql: str, params: Sequence[Any]) -> _DeclaredCursor:
        name = f"vivace_cursor_{next(cls._numbers)}"
        await connection.execute(f'DECLARE "{name}" NO SCROLL CURSOR FOR {sql}', *params)
        return cls(connection, name)

    async def fetch(self, count: int) -> list[Any]:
        rows: list[Any] = await self._connection.fetch(
            f'FETCH FORWARD {count:d} FROM "{self._name}"'
        )
        return rows
