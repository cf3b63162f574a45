"""Schema queries: ``create_table``, ``alter``, indexes, ``table_exists`` and ``raw``.

Example::

    await Band.create_table(if_not_exists=True)
    await Band.alter().add_column("genre", Varchar(length=50))
    await Band.raw("SELECT * FROM band WHERE name = {}", "Pythonistas")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vivace.dialects import Dialect
from vivace.engine import Engine
from vivace.orm.alter import Alter as Alter  # re-exported: Band.alter() lives in orm/alter.py
from vivace.orm.query import Query, resolve_column
from vivace.orm.raw_batch import RawBatch
from vivace.schema import IndexMethod
from vivace.schema.spec import IndexSpec, TableSpec
from vivace.schema.table_spec import table_spec
from vivace.sql import Raw as RawNode


class Raw(Query[list[dict[str, Any]]]):
    """``Band.raw("SELECT ... WHERE name = {}", value)``: ``{}`` are bound parameters.

    Read routing counts raw SQL as a write (it runs on the primary) unless it is marked
    ``read_only=True``: ``Band.raw("SELECT ...", read_only=True)``.
    """

    def __init__(self, table: Any, sql: str, *args: Any, read_only: bool = False) -> None:
        super().__init__(table)
        self._node = RawNode(sql, args)
        self._read_only = read_only

    def _reads_only(self) -> bool:
        return self._read_only

    def _statement(self) -> RawNode:
        return self._node

    async def _run(self, engine: Engine) -> list[dict[str, Any]]:
        compiled, values = engine.compile(self._node)
        return await engine.fetch_sql(compiled.sql, compiled.bind(values))

    async def batch(self, batch_size: int = 100, node: str | None = None) -> RawBatch:
        """The rows in chunks of dicts (see ``vivace.orm.raw_batch``: read whole when opened).

        Example: ``async with await Band.raw("SELECT name FROM band").batch() as batch:``
        then ``async for rows in batch: ...``.
        """
        return RawBatch(self, batch_size, node)


class TableExists(Query[bool]):
    """``Band.table_exists()``."""

    def __str__(self) -> str:
        return self._engine().dialect.table_exists_sql(self.table)[0]

    async def _run(self, engine: Engine) -> bool:
        sql, params = engine.dialect.table_exists_sql(self.table)
        rows = await engine.fetch_sql(sql, params)
        return bool(next(iter(rows[0].values())))


class DDL(Query[list[Any]]):
    """A query made of DDL statements, built from the engine's dialect when run; it gives
    ``[]`` (Piccolo's result for a DDL query)."""

    def __init__(self, table: Any, build: Callable[[Dialect], Sequence[str]]) -> None:
        super().__init__(table)
        self._build = build

    def statements(self, dialect: Dialect | None = None) -> list[str]:
        """The SQL statements this query runs."""
        return list(self._build(dialect or self._engine().dialect))

    @property
    def ddl(self) -> list[str]:
        """The statements for the table's engine, as Piccolo's ``ddl`` gives them.

        Example: ``Band.create_table(if_not_exists=True).ddl[0]`` starts with
        ``CREATE TABLE IF NOT EXISTS``.
        """
        return self.statements()

    def __str__(self) -> str:
        return ";\n".join(self.statements())

    async def _run(self, engine: Engine) -> list[Any]:
        await engine.execute_ddl(self._build(engine.dialect))
        return []


def named_spec(table: Any) -> TableSpec:
    """A spec naming the table only (no columns): enough for single-step DDL."""
    meta = table._meta
    return TableSpec(table.__name__, meta.tablename, meta.schema, ())


def create_table(table: Any, if_not_exists: bool = False, auto_create_schema: bool = True) -> DDL:
    """``CREATE TABLE`` (and its indexes; and its schema on PostgreSQL)."""

    def build(dialect: Dialect) -> list[str]:
        spec = table_spec(table)
        return dialect.ddl.create_table(spec, if_not_exists, create_schema=auto_create_schema)

    return DDL(table, build)


class Indexes(Query[list[str]]):
    """``Band.indexes()``: the names of the table's indexes."""

    async def _run(self, engine: Engine) -> list[str]:
        sql, params = engine.dialect.list_indexes_sql(self.table)
        return [row["name"] for row in await engine.fetch_sql(sql, params)]


def _index(dialect: Dialect, table: Any, columns: Sequence[Any], method: Any) -> IndexSpec:
    names = [resolve_column(table, c)._meta.db_column_name for c in columns]
    spec = named_spec(table)
    return IndexSpec(dialect.ddl.index_name(spec, names), tuple(names), IndexMethod(method).value)


def create_index(
    table: Any,
    columns: Sequence[Any],
    method: IndexMethod = IndexMethod.btree,
    if_not_exists: bool = False,
    concurrently: bool = False,
) -> DDL:
    """``CREATE INDEX`` on ``columns``; ``concurrently``: without blocking writes, outside
    a transaction (PostgreSQL's ``CONCURRENTLY``; elsewhere a plain ``CREATE INDEX``)."""
    for column in columns:
        resolve_column(table, column)  # refuse unknown columns now, not when run

    def build(d: Dialect) -> list[str]:
        index = _index(d, table, columns, method)
        make = d.ddl.create_index_concurrently if concurrently else d.ddl.create_index
        return make(named_spec(table), index, if_not_exists)

    return DDL(table, build)


def drop_index(table: Any, columns: Sequence[Any], if_exists: bool = True) -> DDL:
    """``DROP INDEX`` made by ``create_index`` on the same columns."""
    for column in columns:
        resolve_column(table, column)

    def build(d: Dialect) -> list[str]:
        index = _index(d, table, columns, IndexMethod.btree)
        return d.ddl.drop_index(named_spec(table), index.name, if_exists)

    return DDL(table, build)
