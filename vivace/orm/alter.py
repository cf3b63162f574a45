"""``Band.alter()``: schema changes chained, compiled by the dialect from the table's spec.

Each step turns the table's spec into the next one and gives its statements, so a step
always sees the table as the earlier steps of the chain left it. A database that alters
columns in place (PostgreSQL) needs the names only. One that rebuilds a table to change
it (SQLite: ``supports_alter_column`` is False) needs the whole table, and that is taken
from the live database when the query runs (``engine.introspect``, inside
``engine.schema_transaction()``), not from the class: the table may hold more than the
class says (a column added by an earlier ``alter().add_column()``, or one the class no
longer lists), and a rebuild made from the class would drop it with its values. Without
a database at hand, ``str(query)`` shows the statements made from the class.

Example::

    await Band.alter().set_null(Band.popularity, False)
    print(Band.alter().set_column_type(Band.popularity, BigInt()))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vivace.dialects import Dialect
from vivace.dialects.column_changes import (
    with_changed_column,
    with_renamed_column,
    with_type_of,
    without_db_column,
)
from vivace.dialects.ddl import DDLCompiler
from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.orm.query import Query
from vivace.schema import Column
from vivace.schema.column import check_identifier
from vivace.schema.spec import ColumnSpec, TableSpec
from vivace.schema.table_spec import column_spec, table_spec

#: One step: the dialect and the table's spec before it give its statements and the spec
#: after it.
Step = Callable[[Dialect, TableSpec], tuple[list[str], TableSpec]]


def _name(column: Any) -> str:
    if isinstance(column, Column):
        return column._meta.db_column_name
    if isinstance(column, str):
        return column
    raise QueryError(f"expected a column or a column name, got {column!r}")


class Alter(Query[list[Any]]):
    """``Band.alter()``: chain changes, then await to run them in order.

    Example: ``await Band.alter().add_column("genre", Varchar()).rename_column("genre", "style")``
    """

    def __init__(self, table: Any) -> None:
        super().__init__(table)
        self._steps: tuple[Step, ...] = ()
        #: Whether a step needs the whole live table (all but ``drop_table`` do).
        self._reads_table = False

    def _then(self, step: Step, reads_table: bool = True) -> Alter:
        query: Alter = self._copy()
        query._steps = (*self._steps, step)
        query._reads_table = self._reads_table or reads_table
        return query

    def _change(
        self,
        name: str,
        compile_step: Callable[[Dialect, TableSpec], list[str]],
        change: Callable[[ColumnSpec], ColumnSpec],
    ) -> Alter:
        """A step changing column ``name``: its statements, then ``change`` on its spec."""

        def step(dialect: Dialect, spec: TableSpec) -> tuple[list[str], TableSpec]:
            return compile_step(dialect, spec), with_changed_column(spec, name, change)

        return self._then(step)

    def _set(
        self,
        column: Any,
        compile_step: Callable[[DDLCompiler, TableSpec, str], list[str]],
        **params: Any,
    ) -> Alter:
        """A step giving ``params`` to ``column``, compiled by ``compile_step(ddl, spec, name)``."""
        name = _name(column)
        return self._change(
            name,
            lambda d, spec: compile_step(d.ddl, spec, name),
            lambda old: old.replace_params(**params),
        )

    def _retype(self, name: str, target: Callable[[], ColumnSpec], using: str | None) -> Alter:
        return self._change(
            name,
            lambda d, spec: d.ddl.set_type(spec, name, target(), using),
            lambda old: with_type_of(old, target()),
        )

    def compile(self, dialect: Dialect, spec: TableSpec) -> list[str]:
        """The statements of every step, starting from the table described by ``spec``.

        Example: ``Band.alter().set_null("name").compile(DB.dialect, table_spec(Band))``.
        """
        statements: list[str] = []
        for step in self._steps:
            sql, spec = step(dialect, spec)
            statements.extend(sql)
        return statements

    def statements(self, dialect: Dialect | None = None) -> list[str]:
        """The SQL statements this query runs, made from the Table class's spec (when it
        runs on SQLite, from the live table's: see the module's docstring)."""
        return self.compile(dialect or self._engine().dialect, table_spec(self.table))

    @property
    def ddl(self) -> list[str]:
        """The statements made from the Table class's spec, as Piccolo's ``ddl`` gives
        them: ``Band.alter().set_null(Band.name).ddl``."""
        return self.statements()

    def __str__(self) -> str:
        return ";\n".join(self.statements())

    async def _run(self, engine: Engine) -> list[Any]:
        # [] as Piccolo's DDL queries give.
        if engine.dialect.supports_alter_column or not self._reads_table:
            await engine.execute_ddl(self.statements(engine.dialect))
            return []
        async with engine.schema_transaction():
            spec = await self._live_spec(engine)
            await engine.execute_ddl(self.compile(engine.dialect, spec))
        return []

    async def _live_spec(self, engine: Engine) -> TableSpec:
        meta = self.table._meta
        schema = meta.schema if engine.dialect.supports_schemas else None
        live = await engine.introspect(schema, [meta.tablename])
        # No such table (``drop_table(if_exists=True)``...): the class says what there is.
        return live.by_tablename(meta.tablename, schema) or table_spec(self.table)

    # tables and columns --------------------------------------------------------------------------
    def add_column(self, name: str, column: Column[Any]) -> Alter:
        """Add a column (the Table class is not changed: update it yourself)."""
        check_identifier(name, "column name")  # refused now, before any SQL is sent
        column._bind(self.table, name)

        def step(dialect: Dialect, spec: TableSpec) -> tuple[list[str], TableSpec]:
            added = column_spec(column)
            return dialect.ddl.add_column(spec, added), spec.with_column(added)

        return self._then(step)

    def drop_column(self, column: Any) -> Alter:
        """Drop a column (with the indexes and constraints over it)."""
        name = _name(column)
        return self._then(
            lambda d, spec: (d.ddl.drop_column(spec, name), without_db_column(spec, name))
        )

    def rename_column(self, column: Any, new_name: str) -> Alter:
        """Rename a column."""
        name = _name(column)
        check_identifier(new_name, "column name")
        return self._then(
            lambda d, spec: (
                d.ddl.rename_column(spec, name, new_name),
                with_renamed_column(spec, name, new_name),
            )
        )

    def rename_table(self, new_name: str) -> Alter:
        """Rename the table."""
        check_identifier(new_name, "table name")
        return self._then(
            lambda d, spec: (d.ddl.rename_table(spec, new_name), spec.replace(tablename=new_name))
        )

    def set_schema(self, schema_name: str) -> Alter:
        """Move the table to another existing schema (PostgreSQL; elsewhere, where there
        are no schemas, ``NotSupportedError``). The Table class is not changed: set its
        ``schema`` yourself.

        Example: ``await Band.alter().set_schema("music")``.
        """
        check_identifier(schema_name, "schema name")
        return self._then(
            lambda d, spec: (d.ddl.set_schema(spec, schema_name), spec.replace(schema=schema_name)),
            reads_table=False,
        )

    def drop_table(self, cascade: bool = False, if_exists: bool = False) -> Alter:
        """Drop the table."""
        return self._then(
            lambda d, spec: (d.ddl.drop_table(spec, cascade, if_exists), spec), reads_table=False
        )

    # one column's options -----------------------------------------------------------------------
    def set_null(self, column: Any, boolean: bool = True) -> Alter:
        """Allow (True) or forbid (False) NULL in a column."""
        return self._set(
            column, lambda ddl, spec, name: ddl.set_null(spec, name, boolean), null=boolean
        )

    def set_default(self, column: Column[Any], value: Any) -> Alter:
        """Change a column's default (``None`` drops it)."""

        def compile_step(ddl: DDLCompiler, spec: TableSpec, name: str) -> list[str]:
            described = spec.column_by_db_name(name) or column_spec(column)
            return ddl.set_default(spec, described.replace_params(default=value))

        return self._set(column, compile_step, default=value)

    def drop_default(self, column: Any) -> Alter:
        """Remove a column's default."""
        return self._set(column, lambda ddl, spec, name: ddl.drop_default(spec, name), default=None)

    def set_unique(self, column: Any, boolean: bool = True) -> Alter:
        """Add or remove a UNIQUE constraint on a column."""
        return self._set(
            column, lambda ddl, spec, name: ddl.set_unique(spec, name, boolean), unique=boolean
        )

    # one column's type --------------------------------------------------------------------------
    def set_column_type(
        self, old_column: Any, new_column: Column[Any], using_expression: str | None = None
    ) -> Alter:
        """Change a column's type (its null, default and unique stay); ``using_expression``
        converts the values (by default PostgreSQL casts them, SQLite converts what it
        stores differently)."""
        return self._retype(_name(old_column), lambda: column_spec(new_column), using_expression)

    def set_length(self, column: Any, length: int) -> Alter:
        """Change a Varchar's maximum length."""
        name = _name(column)
        return self._retype(name, lambda: ColumnSpec.of(name, "Varchar", length=length), None)

    def set_digits(self, column: Any, digits: tuple[int, int] | None) -> Alter:
        """Change a Numeric's precision and scale (``None``: any)."""
        name = _name(column)
        return self._retype(name, lambda: ColumnSpec.of(name, "Numeric", digits=digits), None)
