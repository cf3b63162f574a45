"""``Dialect``: one database's SQL — feature flags, type names, converters and DDL.

Every difference between databases lives in a Dialect subclass (or its Compiler);
nothing above this layer asks which database it is talking to.

Example::

    dialect = SQLiteDialect()
    dialect.create_table_sql(Band, if_not_exists=True)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, ClassVar

from vivace.dialects.compiled import Compiled, Converter
from vivace.dialects.compiler import Compiler
from vivace.dialects.related import rows_converter
from vivace.exceptions import QueryError
from vivace.schema.column import Column, check_identifier, derived_identifier
from vivace.schema.constraints import Check, Unique
from vivace.schema.defaults import Default
from vivace.schema.foreign_key import ForeignKey
from vivace.sql.nodes import Node
from vivace.types import ValueType, checks


class Dialect:
    """Base dialect; subclasses set the flags and override what differs."""

    name: ClassVar[str] = "base"
    compiler_class: ClassVar[type[Compiler]] = Compiler
    supports_distinct_on: ClassVar[bool] = False
    supports_schemas: ClassVar[bool] = False
    supports_lock_rows: ClassVar[bool] = False
    supports_alter_column: ClassVar[bool] = False
    supports_index_methods: ClassVar[bool] = False
    #: Whether related rows (``RelatedRows``) can be listed inside one statement; when not,
    #: the ORM fetches them with one extra ``IN`` query.
    supports_row_aggregation: ClassVar[bool] = False
    #: The most bound parameters one statement may carry.
    max_parameters: ClassVar[int] = 32_766

    # compile ----------------------------------------------------------------------------------
    def compile(self, node: Node, key_values: Sequence[Any] | None = None) -> Compiled:
        """Compile ``node``. With ``key_values`` (from its shape key walk), check they line up."""
        compiler = self.compiler_class(self)
        compiled = compiler.compile(node)
        if key_values is not None and (
            len(compiler.values) != len(key_values)
            or any(a is not b for a, b in zip(compiler.values, key_values))
        ):
            raise AssertionError(
                f"internal error: placeholders of {compiled.sql!r} do not follow the shape key"
            )
        return compiled

    def render_inline(self, node: Node) -> str:
        """SQL with values written in, for ``str(query)``: for reading, never for running."""
        return self.compiler_class(self, inline=True).compile(node).sql

    # identifiers and literals -----------------------------------------------------------------
    def quote(self, name: str) -> str:
        check_identifier(name)
        return '"' + name.replace('"', '""') + '"'

    def table_name(self, table: Any) -> str:
        meta = table._meta
        name = self.quote(meta.tablename)
        if meta.schema and self.supports_schemas:
            return f"{self.quote(meta.schema)}.{name}"
        return name

    def bool_literal(self, value: bool) -> str:
        return "TRUE" if value else "FALSE"

    def bytes_literal(self, value: bytes) -> str:
        return "X'" + value.hex() + "'"

    def function_name(self, name: str) -> str:
        return name

    # values ------------------------------------------------------------------------------------
    @functools.cache  # noqa: B019 (dialects are few and live as long as the process)
    def param_converter(self, vtype: ValueType | None) -> Converter | None:
        """How a Python value of ``vtype`` is handed to the driver (None: as it is)."""
        if vtype is None:
            return None
        return self._param_converter(vtype)

    def _param_converter(self, vtype: ValueType) -> Converter | None:
        return None

    @functools.cache  # noqa: B019
    def value_converter(self, vtype: ValueType | None, store: bool) -> Converter | None:
        """Check a value stored into (``store``) or compared with a column of ``vtype``,
        then convert it as :meth:`param_converter` does: one function, built once."""
        return checks.fused(checks.value_check(vtype, store), self.param_converter(vtype))

    @functools.cache  # noqa: B019
    def result_converter(self, vtype: ValueType | None) -> Converter | None:
        """How a driver value of ``vtype`` becomes the Python value (None: as it is)."""
        if vtype is None:
            return None
        if vtype.name == "rows":  # a list of related rows (``RelatedRows``)
            return rows_converter(self, vtype)
        return self._result_converter(vtype)

    def _result_converter(self, vtype: ValueType) -> Converter | None:
        return None

    def list_converter(self, element: ValueType | None) -> Converter | None:
        """How the list of an ``is_in`` is bound as one parameter."""
        raise NotImplementedError

    # DDL -----------------------------------------------------------------------------------------
    def column_type(self, vtype: ValueType) -> str:
        raise NotImplementedError

    def default_sql(self, column: Column[Any]) -> str | None:
        """The DEFAULT clause value of a column, when the database can compute it."""
        default = column._meta.default
        if isinstance(default, Default):
            return self._computed_default(default)
        if default is list:  # Array's default: rows written outside the ORM get [] too
            return self.empty_array_literal(column)
        if callable(default) or default is None:
            return None
        if isinstance(default, list):
            return self.empty_array_literal(column) if not default else None
        converter = self.param_converter(column.value_type)
        value = converter(default) if converter is not None else default
        return self.compiler_class(self, inline=True).literal(value)

    def empty_array_literal(self, column: Column[Any]) -> str | None:
        return None

    def _computed_default(self, default: Default) -> str | None:
        return default.postgres

    def column_sql(self, column: Column[Any]) -> str:
        meta = column._meta
        parts = [self.quote(meta.db_column_name), self.column_type(column.value_type)]
        if meta.primary_key:
            parts.append(self.primary_key_sql(column))
        else:
            if not meta.null:
                parts.append("NOT NULL")
            if meta.unique:
                parts.append("UNIQUE")
            default = self.default_sql(column)
            if default is not None:
                parts.append(f"DEFAULT {default}")
        if isinstance(column, ForeignKey):
            parts.append(self.references_sql(column))
        return " ".join(parts)

    def primary_key_sql(self, column: Column[Any]) -> str:
        return "PRIMARY KEY"

    def references_sql(self, fk: ForeignKey[Any]) -> str:
        target = fk.resolved_references
        column = self.quote(fk.target_column._meta.db_column_name)
        return (
            f"REFERENCES {self.table_name(target)} ({column})"
            f" ON DELETE {fk.on_delete.value} ON UPDATE {fk.on_update.value}"
        )

    def constraint_sql(self, constraint: Any) -> str:
        name = self.quote(constraint.name)
        if isinstance(constraint, Unique):
            columns = ", ".join(self.quote(c._meta.db_column_name) for c in constraint.columns)
            nulls = "" if constraint.nulls_distinct else self.nulls_not_distinct()
            return f"CONSTRAINT {name} UNIQUE{nulls} ({columns})"
        if isinstance(constraint, Check):
            compiler = self.compiler_class(self, inline=True)
            compiler.qualify = False
            return f"CONSTRAINT {name} CHECK ({compiler.sql(constraint.condition)})"
        raise QueryError(f"unknown constraint {constraint!r}")

    def nulls_not_distinct(self) -> str:
        raise QueryError(f"Unique(nulls_distinct=False) is not supported on {self.name}")

    def create_table_sql(self, table: Any, if_not_exists: bool = False) -> list[str]:
        """``CREATE TABLE`` plus the ``CREATE INDEX`` statements of indexed columns."""
        meta = table._meta
        items = [self.column_sql(c) for c in meta.columns]
        items.extend(self.constraint_sql(c) for c in meta.constraints)
        exists = "IF NOT EXISTS " if if_not_exists else ""
        statements = [f"CREATE TABLE {exists}{self.table_name(table)} ({', '.join(items)})"]
        for column in meta.columns:
            if column._meta.index:
                statements.append(
                    self.create_index_sql(
                        table, [column], column._meta.index_method.value, if_not_exists
                    )
                )
        return statements

    def drop_table_sql(self, table: Any, cascade: bool = False, if_exists: bool = False) -> str:
        exists = "IF EXISTS " if if_exists else ""
        return f"DROP TABLE {exists}{self.table_name(table)}{self.cascade(cascade)}"

    def cascade(self, cascade: bool) -> str:
        return " CASCADE" if cascade else ""

    def index_name(self, table: Any, columns: Sequence[Column[Any]]) -> str:
        names = "_".join(c._meta.db_column_name for c in columns)
        return derived_identifier(f"{table._meta.tablename}_{names}", "index name")

    def create_index_sql(
        self,
        table: Any,
        columns: Sequence[Column[Any]],
        method: str = "btree",
        if_not_exists: bool = False,
    ) -> str:
        exists = "IF NOT EXISTS " if if_not_exists else ""
        name = self.quote(self.index_name(table, columns))
        cols = ", ".join(self.quote(c._meta.db_column_name) for c in columns)
        using = self.index_using(method)
        return f"CREATE INDEX {exists}{name} ON {self.table_name(table)}{using} ({cols})"

    def index_using(self, method: str) -> str:
        if method != "btree":
            raise QueryError(f"index method {method!r} is not supported on {self.name}")
        return ""

    def drop_index_sql(self, table: Any, columns: Sequence[Column[Any]], if_exists: bool) -> str:
        exists = "IF EXISTS " if if_exists else ""
        return f"DROP INDEX {exists}{self.qualified_index(table, self.index_name(table, columns))}"

    def qualified_index(self, table: Any, name: str) -> str:
        return self.quote(name)

    def list_indexes_sql(self, table: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def table_exists_sql(self, table: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError

    # ALTER TABLE ---------------------------------------------------------------------------------
    def alter_prefix(self, table: Any) -> str:
        return f"ALTER TABLE {self.table_name(table)}"

    def add_column_sql(self, table: Any, column: Column[Any]) -> list[str]:
        return [f"{self.alter_prefix(table)} ADD COLUMN {self.column_sql(column)}"]

    def drop_column_sql(self, table: Any, name: str) -> list[str]:
        return [f"{self.alter_prefix(table)} DROP COLUMN {self.quote(name)}"]

    def rename_column_sql(self, table: Any, old: str, new: str) -> list[str]:
        return [f"{self.alter_prefix(table)} RENAME COLUMN {self.quote(old)} TO {self.quote(new)}"]

    def rename_table_sql(self, table: Any, new: str) -> list[str]:
        return [f"{self.alter_prefix(table)} RENAME TO {self.quote(new)}"]

    def _unsupported_alter(self, what: str) -> QueryError:
        return QueryError(
            f"{what} is not supported on {self.name}: it cannot alter a column in place "
            "(recreate the table, or use a migration)"
        )

    def set_null_sql(self, table: Any, name: str, null: bool) -> list[str]:
        raise self._unsupported_alter("set_null()")

    def set_default_sql(self, table: Any, column: Column[Any], value: Any) -> list[str]:
        raise self._unsupported_alter("set_default()")

    def drop_default_sql(self, table: Any, name: str) -> list[str]:
        raise self._unsupported_alter("drop_default()")

    def set_unique_sql(self, table: Any, name: str, unique: bool) -> list[str]:
        raise self._unsupported_alter("set_unique()")

    def set_column_type_sql(
        self, table: Any, name: str, column: Column[Any], using: str | None
    ) -> list[str]:
        raise self._unsupported_alter("set_column_type()")
