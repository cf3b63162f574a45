"""PostgreSQL: ``$n`` placeholders, native types (asyncpg converts most values itself).

Example::

    PostgresDialect().column_type(ValueType("array", (ValueType("integer"),)))  # 'INTEGER[]'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from vivace.dialects.compiled import Converter
from vivace.dialects.compiler import Compiler
from vivace.dialects.ddl import DDLCompiler
from vivace.dialects.dialect import Dialect
from vivace.dialects.expression_names import postgres_expression_name
from vivace.dialects.introspection import Introspector
from vivace.dialects.postgres_ddl import PostgresDDL
from vivace.dialects.postgres_functions import PostgresExtensions
from vivace.dialects.postgres_insert import render_insert_arrays
from vivace.dialects.postgres_introspection import PostgresIntrospector
from vivace.dialects.related import render_related_rows
from vivace.exceptions import QueryError
from vivace.sql.insert_arrays import InsertArrays
from vivace.sql.nodes import Expr, InList, Param
from vivace.sql.related import RelatedRows
from vivace.types import ValueType, adapters, sql_type_name

_LOCK_STRENGTHS = {"UPDATE", "NO KEY UPDATE", "SHARE", "KEY SHARE"}


class PostgresCompiler(PostgresExtensions, Compiler):
    """Renders PostgreSQL SQL."""

    def placeholder(self, position: int) -> str:
        return f"${position}"

    def in_list(self, operand: str, node: InList) -> str:
        """``= ANY($n)``: one array parameter whatever the length."""
        placeholder = self.list_param(node, node.operand.value_type)
        if node.negate:
            return f"NOT ({operand} = ANY({placeholder}))"
        return f"{operand} = ANY({placeholder})"

    def interval_operand(self, expr: Expr, subject: Expr) -> str:
        # Typed: ``"starts" - $1`` alone is read as timestamp - timestamp (an interval).
        span = super().interval_operand(expr, subject)
        return f"{span}::interval" if isinstance(expr, Param) else span

    def moved_in_time(self, kind: str, subject: str, op: str, span: str) -> str:
        if kind == "date":
            # date + interval is a timestamp: back to a date (the day it falls on, as
            # Python's date + timedelta counts whole days down).
            return f"CAST(({subject} {op} {span}) AS DATE)"
        if kind == "timestamptz":
            # In UTC, so a day is 24 hours whatever the session's time zone (Python's
            # aware datetime + timedelta(days=1) adds 24 hours).
            return f"((({subject}) AT TIME ZONE 'UTC' {op} {span}) AT TIME ZONE 'UTC')"
        # timestamp + interval; time + interval wraps around midnight.
        return f"({subject} {op} {span})"

    def quote_text(self, text: str) -> str:
        quoted = super().quote_text(text)
        if "\\" not in text:
            return quoted
        # With standard_conforming_strings off (a session setting) a backslash escapes
        # the next quote in '...': an E'...' string reads the same either way.
        return "E" + quoted.replace("\\", "\\\\")

    def visit_related_rows(self, node: RelatedRows) -> str:
        return render_related_rows(self, node)

    def visit_insert_arrays(self, node: InsertArrays) -> str:
        """Many rows as one array per column (see ``dialects.postgres_insert``)."""
        return self.with_source((node.table,), lambda: render_insert_arrays(self, node))

    def lock_rows(self, lock: tuple[str, bool, bool, tuple[Any, ...]]) -> str:
        strength, nowait, skip_locked, of = lock
        if strength not in _LOCK_STRENGTHS:
            raise QueryError(f"lock_rows() takes one of {sorted(_LOCK_STRENGTHS)}")
        sql = f"FOR {strength}"
        if of:
            sql += " OF " + ", ".join(self.table_name(t) for t in of)
        if nowait:
            sql += " NOWAIT"
        if skip_locked:
            sql += " SKIP LOCKED"
        return sql


class PostgresDialect(Dialect):
    """PostgreSQL 12+ through asyncpg."""

    name = "postgres"
    title = "PostgreSQL"
    compiler_class: ClassVar[type[Compiler]] = PostgresCompiler
    ddl_class: ClassVar[type[DDLCompiler]] = PostgresDDL
    introspector_class: ClassVar[type[Introspector]] = PostgresIntrospector
    supports_distinct_on = True
    supports_schemas = True
    supports_lock_rows = True
    supports_alter_column = True
    supports_index_methods = True
    supports_native_arrays = True
    supports_row_aggregation = True
    warns_about_schema_locks = True
    max_parameters = 32_767

    def many_on_conflict_error(self) -> str:
        return "Postgres and Cockroach only support a single ON CONFLICT clause."  # Piccolo's

    def expression_name(self, sql: str, columns: Sequence[str]) -> str:
        return postgres_expression_name(sql)

    def bytes_literal(self, value: bytes) -> str:
        # X'..' is a bit string on PostgreSQL, not bytea.
        return "'\\x" + value.hex() + "'::bytea"

    def _param_converter(self, vtype: ValueType) -> Converter | None:
        name = vtype.name
        if name == "timestamptz":
            return adapters.require_aware
        if name == "timestamp":
            return adapters.require_naive
        if name == "date":
            return adapters.require_date
        if name == "time":
            return adapters.require_naive_time
        if name in ("json", "jsonb"):
            return adapters.dump_json
        if name == "uuid":
            return adapters.to_uuid
        if name == "array":
            element = self.param_converter(vtype.element)
            return None if element is None else adapters.each(element)
        return None

    def _result_converter(self, vtype: ValueType) -> Converter | None:
        # asyncpg gives its own UUID subclass; hand out uuid.UUID itself, as SQLite does.
        if vtype.name == "uuid":
            return adapters.exact_uuid
        if vtype.name == "array" and vtype.element.name == "uuid":
            return adapters.each(adapters.exact_uuid)
        return None

    def list_converter(self, element: ValueType | None) -> Converter | None:
        convert = self.param_converter(element)
        return None if convert is None else adapters.each(convert)

    def column_type(self, vtype: ValueType) -> str:
        # PostgreSQL writes the standard spelling (``vivace.types.sql_type_name``).
        return sql_type_name(vtype)

    def list_indexes_sql(self, table: Any) -> tuple[str, list[Any]]:
        return (
            "SELECT indexname AS name FROM pg_indexes "
            "WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname",
            [table._meta.schema or "public", table._meta.tablename],
        )

    def table_exists_sql(self, table: Any) -> tuple[str, list[Any]]:
        return (
            "SELECT EXISTS(SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = $1 AND table_name = $2)",
            [table._meta.schema or "public", table._meta.tablename],
        )
