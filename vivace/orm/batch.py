"""``query.batch(batch_size=100)``: the rows of a select or objects query, chunk by chunk.

Only one chunk of rows is in memory at a time: PostgreSQL reads them through a
server-side cursor (in the task's transaction, or in one of its own), SQLite with
``fetchmany`` on a worker thread (see ``vivace.engine.cursors``)::

    async with await Band.select(Band.name).batch(batch_size=1000) as batch:
        async for rows in batch:          # a list of up to 1000 dicts
            ...

    async with await Band.objects().batch(batch_size=100) as batch:
        async for bands in batch:         # a list of Band instances
            ...

Each chunk is shaped as the query's results are (``output(...)`` options, prefetched
foreign keys of ``objects``); callbacks are not run on chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from vivace.dialects import Compiled
from vivace.engine import Engine
from vivace.engine.cursors import RowCursor
from vivace.exceptions import QueryError
from vivace.orm.rows import dict_factory, list_factory, nest, object_factory, to_json
from vivace.schema import Column
from vivace.sql import Node
from vivace.types import JSON_TYPES

Mapper = Callable[[Sequence[Any]], Any]
#: A chunk: the type of the whole query's result (``list[Band]``, ``list[dict[str, Any]]``).
ChunkT = TypeVar("ChunkT")


class Batch(Generic[ChunkT]):
    """An async context manager and async iterator over chunks of results, each typed as
    the query's result: ``Band.objects().batch()`` gives ``list[Band]`` chunks."""

    def __init__(self, query: Any, batch_size: int, node: str | None) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise QueryError(f"batch(batch_size=...) takes a positive int, got {batch_size!r}")
        if getattr(query, "_relations", ()):
            raise QueryError("batch() does not load related lists; fetch those separately")
        self._query, self._batch_size, self._node = query, batch_size, node
        self._cursor: RowCursor | None = None
        self._map: Mapper | None = None

    async def __aenter__(self) -> Self:
        query = self._query
        routing = query.table._meta.db.read_routing if self._node is None else None
        if routing is not None:
            # Routed when opened; a replica failing later mid-batch is the caller's error.
            await routing.run(self._open, query._reads_only())
        else:
            await self._open(query._engine(self._node))
        return self

    async def _open(self, engine: Engine) -> None:
        statement, mapper = _plan(self._query)
        compiled, values = engine.compile(statement)
        self._map = mapper(compiled)
        cursor = engine.cursor(compiled, values, self._batch_size)
        await cursor.__aenter__()
        self._cursor = cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.__aexit__(exc_type, exc, tb)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ChunkT:
        rows, to_chunk = await self._rows()
        if not rows:
            raise StopAsyncIteration
        chunk: ChunkT = to_chunk(rows)
        return chunk

    async def next(self) -> ChunkT:
        """The next chunk of results; once there are no more, an empty one, as Piccolo's:
        ``[]`` (``"[]"`` with ``output(as_json=True)``, what the query gives for no rows).

        Example: ``while rows := await batch.next(): ...`` (or ``async for rows in batch``).
        """
        rows, to_chunk = await self._rows()
        chunk: ChunkT = to_chunk(rows)
        return chunk

    async def _rows(self) -> tuple[list[Any], Mapper]:
        """The next driver rows (none at the end) and the mapper making them a chunk."""
        cursor, to_chunk = self._cursor, self._map
        if cursor is None or to_chunk is None:
            raise QueryError("read a batch inside `async with await query.batch(...) as batch:`")
        return await cursor.fetch(), to_chunk


def _plan(query: Any) -> tuple[Node, Callable[[Compiled], Mapper]]:
    """The statement a batch runs, and how to make its chunk mapper from the compiled form."""
    if hasattr(query, "_layout"):  # objects(): instances, with prefetched foreign keys
        columns, prefetch = query._layout()[:2]
        json_keys = _json_keys(columns) if query._load_json else frozenset()

        def objects(compiled: Compiled) -> Mapper:
            return object_factory(compiled, query.table, prefetch, query._load_json, json_keys)

        return query._select_statement(columns), objects

    statement = query._statement()
    load_json = query._load_json
    json_keys = query._json_keys() if load_json else frozenset()

    def rows(compiled: Compiled) -> Mapper:
        if query._as_list:
            if len(compiled.result_names) != 1:
                raise QueryError("output(as_list=True) needs exactly one selected column")
            to_values: Mapper = list_factory(compiled, load_json, json_keys)
        else:
            to_values = dict_factory(compiled, load_json, json_keys)
            if query._nested:
                to_dicts = to_values

                def to_values(chunk: Sequence[Any]) -> Any:
                    return nest(to_dicts(chunk))

        if query._as_json:
            to_python = to_values

            def to_values(chunk: Sequence[Any]) -> Any:
                return to_json(to_python(chunk))

        return to_values

    return statement, rows


def _json_keys(columns: Sequence[Any]) -> frozenset[str]:
    return frozenset(
        c._meta.get_default_alias()
        for c in columns
        if isinstance(c, Column) and c.value_type.name in JSON_TYPES
    )
