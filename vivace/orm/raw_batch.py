"""``Band.raw(sql).batch(batch_size=100)``: the rows of raw SQL, handed out in chunks.

Raw SQL has no column list Vivace knows before it runs, so the batch runs the statement
once when it opens and hands its rows (dicts, as ``raw()`` gives them) out chunk by chunk:
the same calls as a select's batch (it is one: ``vivace.orm.batch.Batch``, routed and
closed the same way), but the whole result is in memory at once. Stream big results with
``select().batch()`` instead::

    async with await Band.raw("SELECT name FROM band").batch(batch_size=2) as batch:
        async for rows in batch:      # [{"name": ...}, {"name": ...}]
            ...
"""

from __future__ import annotations

from typing import Any

from vivace.engine import Engine
from vivace.engine.cursors import RowCursor
from vivace.orm.batch import Batch


class _ReadRows(RowCursor):
    """A result read whole, handed out ``size`` rows at a time."""

    def __init__(self, rows: list[Any], size: int) -> None:
        self._rows, self._size = rows, size

    async def fetch(self) -> list[Any]:
        chunk = self._rows[: self._size]
        del self._rows[: self._size]
        return chunk


class RawBatch(Batch[list[dict[str, Any]]]):
    """A ``Batch`` over a raw query's rows, read when it opens (see the module).

    Example: ``async with await Band.raw("SELECT 1 AS one").batch() as batch: ...``.
    """

    async def _open(self, engine: Engine) -> None:
        rows: list[dict[str, Any]] = await self._query._run(engine)
        self._map = list
        self._cursor = _ReadRows(rows, self._batch_size)
