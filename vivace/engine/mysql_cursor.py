"""``MySQLCursor``: ``batch()`` on MariaDB/MySQL.

Outside a transaction: an unbuffered (server-side) cursor on a connection of its own, read
``batch_size`` rows at a time, so the rows are never all in memory. A connection left
mid-result (the loop stopped early, or was cancelled mid-chunk) is discarded: its unread
rows would otherwise be read by the next query (asyncmy issue 103).

Inside the task's transaction the connection is shared with the loop body's queries, which
cannot run while a result is half read: the rows are read at once and handed out in chunks.

Example::

    async with engine.cursor(compiled, values, 1000) as cursor:
        rows = await cursor.fetch()
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vivace.dialects import Compiled
from vivace.engine.cursors import ChunkedCursor

if TYPE_CHECKING:
    from vivace.engine.mysql import MySQLEngine


class MySQLCursor(ChunkedCursor):
    """See the module docstring."""

    def __init__(
        self, engine: MySQLEngine, compiled: Compiled, values: Sequence[Any], batch_size: int
    ) -> None:
        self._engine, self._sql, self._batch_size = engine, compiled.sql, batch_size
        self._params = compiled.bind(values)
        self._connection: Any = None  # a connection of our own, outside a transaction
        self._cursor: Any = None
        self._buffered: list[Any] | None = None
        self._done = False

    async def __aenter__(self) -> MySQLCursor:
        engine = self._engine
        if engine.log_queries:
            engine._log(self._sql, self._params)
        transaction = engine._transaction.get()
        if transaction is not None:
            self._transaction = transaction
            self._buffered = await engine._in_transaction(
                transaction, engine._driver_fetch, self._sql, self._params
            )
            return self
        import asyncmy.cursors  # the driver is loaded when the engine is used

        connection = await engine._acquire()
        try:
            cursor = connection.cursor(asyncmy.cursors.SSCursor)
            await cursor.execute(self._sql, self._params)
        except BaseException as error:
            await engine._release(connection, discard=engine._is_fatal(error))
            engine._raise_from(error)
        self._connection, self._cursor = connection, cursor
        return self

    async def _fetch(self) -> list[Any]:
        if self._buffered is not None:
            chunk = self._buffered[: self._batch_size]
            del self._buffered[: self._batch_size]
            return chunk
        if self._cursor is None or self._done:
            return []
        try:
            rows = list(await self._cursor.fetchmany(self._batch_size))
        except BaseException as error:
            self._done = True
            await self._close(discard=True)
            self._engine._raise_from(error)
        if len(rows) < self._batch_size:
            # A short chunk: the result is read to its end, the connection is in step.
            self._done = True
            await self._close(discard=False)
        return rows

    async def _close(self, discard: bool) -> None:
        connection, self._connection, self._cursor = self._connection, None, None
        if connection is not None:
            await self._engine._release(connection, discard=discard)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._buffered = None
        # Rows still unread: reading them could take long, so the connection goes instead.
        await self._close(discard=not self._done)
