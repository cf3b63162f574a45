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
from vivace.exceptions import QueryError
from vivace.orm.query import Query, resolve_column
from vivace.schema import Column, IndexMethod
from vivace.schema.spec import ColumnSpec, IndexSpec, TableSpec
from vivace.schema.table_spec import column_spec, table_spec
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


class TableExists(Query[bool]):
    """``Band.table_exists()``."""

    def __str__(self) -> str:
        return self._engine().dialect.table_exists_sql(self.table)[0]

    async def _run(self, engine: Engine) -> bool:
        sql, params = engine.dialect.table_exists_sql(self.table)
        rows = await engine.fetch_sql(sql, params)
        return bool(next(iter(rows[0].values())))


class DDL(Query[None]):
    """A query made of DDL statements, built from the engine's dialect when run."""

    def __init__(self, table: Any, build: Callable[[Dialect], Sequence[str]]) -> None:
        super().__init__(table)
        self._build = build

    def statements(self, dialect: Dialect | None = None) -> list[str]:
        """The SQL statements this query runs."""
        return list(self._build(dialect or self._engine().dialect))

    def __str__(self) -> str:
        return ";\n".join(self.statements())

    async def _run(self, engine: Engine) -> None:
        await engine.execute_ddl(self._build(engine.dialect))


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
) -> DDL:
    """``CREATE INDEX`` on ``columns``."""
    for column in columns:
        resolve_column(table, column)  # refuse unknown columns now, not when run

    def build(d: Dialect) -> list[str]:
        index = _index(d, table, columns, method)
        return d.ddl.create_index(named_spec(table), index, if_not_exists)

    return DDL(table, build)


def drop_index(table: Any, columns: Sequence[Any], if_exists: bool = True) -> DDL:
    """``DROP INDEX`` made by ``create_index`` on the same columns."""
    for column in columns:
        resolve_column(table, column)

    def build(d: Dialect) -> list[str]:
        index = _index(d, table, columns, IndexMethod.btree)
        return d.ddl.drop_index(named_spec(table), index.name, if_exists)

    return DDL(table, build)


def _name(column: Any) -> str:
    if isinstance(column, Column):
        return column._meta.db_column_name
    if isinstance(column, str):
        return column
    raise QueryError(f"expected a column or a column name, got {column!r}")


class Alter(Query[None]):
    """``Band.alter()``: chain changes, then await to run them in order.

    Example: ``await Band.alter().add_column("genre", Varchar()).rename_column("genre", "style")``
    """

    def __init__(self, table: Any) -> None:
        super().__init__(table)
        self._steps: tuple[Callable[[Dialect], list[str]], ...] = ()

    def _then(self, step: Callable[[Dialect], list[str]]) -> Alter:
        query: Alter = self._copy()
        query._steps = (*self._steps, step)
        return query

    def statements(self, dialect: Dialect | None = None) -> list[str]:
        """The SQL statements this query runs."""
        dialect = dialect or self._engine().dialect
        return [sql for step in self._steps for sql in step(dialect)]

    def __str__(self) -> str:
        return ";\n".join(self.statements())

    async def _run(self, engine: Engine) -> None:
        await engine.execute_ddl(self.statements(engine.dialect))

    def add_column(self, name: str, column: Column[Any]) -> Alter:
        """Add a column (the Table class is not changed: update it yourself)."""
        column._bind(self.table, name)
        return self._then(lambda d: d.ddl.add_column(named_spec(self.table), column_spec(column)))

    def drop_column(self, column: Any) -> Alter:
        """Drop a column."""
        name = _name(column)
        return self._then(lambda d: d.ddl.drop_column(named_spec(self.table), name))

    def rename_column(self, column: Any, new_name: str) -> Alter:
        """Rename a column."""
        name = _name(column)
        return self._then(lambda d: d.ddl.rename_column(named_spec(self.table), name, new_name))

    def rename_table(self, new_name: str) -> Alter:
        """Rename the table."""
        return self._then(lambda d: d.ddl.rename_table(named_spec(self.table), new_name))

    def drop_table(self, cascade: bool = False, if_exists: bool = False) -> Alter:
        """Drop the table."""
        return self._then(lambda d: d.ddl.drop_table(named_spec(self.table), cascade, if_exists))

    def set_null(self, column: Any, boolean: bool = True) -> Alter:
        """Allow (True) or forbid (False) NULL in a column (PostgreSQL)."""
        name = _name(column)
        return self._then(lambda d: d.ddl.set_null(named_spec(self.table), name, boolean))

    def set_default(self, column: Column[Any], value: Any) -> Alter:
        """Change a column's default (PostgreSQL)."""
        return self._then(
            lambda d: d.ddl.set_default(
                named_spec(self.table), column_spec(column).replace_params(default=value)
            )
        )

    def drop_default(self, column: Any) -> Alter:
        """Remove a column's default (PostgreSQL)."""
        name = _name(column)
        return self._then(lambda d: d.ddl.drop_default(named_spec(self.table), name))

    def set_unique(self, column: Any, boolean: bool = True) -> Alter:
        """Add or remove a UNIQUE constraint on a column."""
        name = _name(column)
        return self._then(lambda d: d.ddl.set_unique(named_spec(self.table), name, boolean))

    def set_column_type(
        self, old_column: Any, new_column: Column[Any], using_expression: str | None = None
    ) -> Alter:
        """Change a column's type (PostgreSQL); ``using_expression`` converts the values."""
        name = _name(old_column)
        return self._then(
            lambda d: d.ddl.set_type(
                named_spec(self.table), name, column_spec(new_column), using_expression
            )
        )

    def set_length(self, column: Any, length: int) -> Alter:
        """Change a Varchar's maximum length (PostgreSQL; SQLite never enforces it)."""
        name = _name(column)

        def step(d: Dialect) -> list[str]:
            if not d.supports_alter_column:
                return []  # SQLite does not enforce VARCHAR lengths: nothing to change
            return d.ddl.set_type(
                named_spec(self.table), name, ColumnSpec.of(name, "Varchar", length=length)
            )

        return self._then(step)

    def set_digits(self, column: Any, digits: tuple[int, int] | None) -> Alter:
        """Change a Numeric's precision and scale (PostgreSQL)."""
        name = _name(column)
        spec = ColumnSpec.of(name, "Numeric", digits=digits)
        return self._then(lambda d: d.ddl.set_type(named_spec(self.table), name, spec))
