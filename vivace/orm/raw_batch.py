"""``Band.raw(sql).batch(batch_size=100)``: the rows of raw SQL, handed out in chunks.

Raw SQL has no column list Vivace knows before it runs, so the batch runs the statement
once when it opens and hands its rows (dicts, as ``raw()`` gives them) out chunk by chunk:
the same calls as a select's batch (Piccolo code keeps working), but the whole result is
in memory at once. Stream big results with ``select().batch()`` instead::

    async with await Band.raw("SELECT name FROM band").batch(batch_size=2) as batch:
        async for rows in batch:      # [{"name": ...}, {"name": ...}]
            ...
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from vivace.exceptions import QueryError


class RawBatch:
    """An async context manager and iterator over chunks of a raw query's rows."""

    def __init__(self, query: Any, batch_size: int, node: str | None) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise QueryError(f"batch(batch_size=...) takes a positive int, got {batch_size!r}")
        self._query, self._batch_size, self._node = query, batch_size, node
        self._rows: list[dict[str, Any]] | None = None

    async def __aenter__(self) -> Self:
        self._rows = await self._query.run(node=self._node)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._rows = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> list[dict[str, Any]]:
        chunk = await self.next()
        if not chunk:
            raise StopAsyncIteration
        return chunk

    async def next(self) -> list[dict[str, Any]]:
        """The next chunk of rows; ``[]`` once there are no more (as Piccolo's).

        Example: ``while rows := await batch.next(): ...``.
        """
        rows = self._rows
        if rows is None:
            raise QueryError("read a batch inside `async with await query.batch(...) as batch:`")
        chunk = rows[: self._batch_size]
        del rows[: self._batch_size]
        return chunk
