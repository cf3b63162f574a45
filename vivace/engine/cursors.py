"""Row cursors: the rows of a select in chunks, never all of them in memory at once.

``engine.cursor(compiled, values, batch_size)`` gives a ``RowCursor``::

    async with engine.cursor(compiled, values, 1000) as cursor:
        while rows := await cursor.fetch():
            ...

- PostgreSQL: a server-side cursor (an asyncpg portal), which needs a transaction. Inside
  the task's transaction it uses that one (taking the transaction's lock per chunk, so
  the loop body may run other queries in it); outside one, it takes a connection of its
  own, ``BEGIN`` .. ``COMMIT`` (``ROLLBACK`` when the block raised).
- SQLite: a sqlite3 cursor read with ``fetchmany`` on the connection's worker thread, so
  the event loop is never blocked by a chunk. Outside a transaction it holds a pooled
  connection for the whole iteration (queries in the loop body use the others).

A cursor interrupted mid-chunk (cancelled) leaves its own connection discarded (PostgreSQL)
or handed back only once the worker has stopped (SQLite), as the engines' fetches do.

Each driver's cursor lives beside its engine: ``postgres_cursor.py``, ``sqlite_cursor.py``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vivace.engine.transaction import Transaction


class RowCursor:
    """Chunks of driver rows: ``await cursor.fetch()`` until it gives an empty list."""

    async def __aenter__(self) -> RowCursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def fetch(self) -> list[Any]:
        """The next chunk of rows; an empty list when there are no more."""
        raise NotImplementedError


class ChunkedCursor(RowCursor):
    """A cursor whose chunks, inside the task's transaction, take its lock one at a time
    (so the loop body may run other queries in the same transaction)."""

    _transaction: Transaction | None = None

    async def fetch(self) -> list[Any]:
        transaction = self._transaction
        if transaction is None:
            return await self._fetch()
        async with transaction.lock:
            transaction.check_open()
            return await self._fetch()

    async def _fetch(self) -> list[Any]:
        """The next chunk, the transaction's lock held when there is one."""
        raise NotImplementedError
