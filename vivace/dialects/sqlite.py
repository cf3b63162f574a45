"""SQLite: ``?`` placeholders, exact text storage for decimals and times, JSON for arrays.

Values SQLite has no type for are stored so that they round-trip exactly and sort
correctly as text: decimals as their exact text, datetimes as fixed-width ISO text
(``Timestamptz`` in UTC), intervals as integer microseconds, arrays as JSON.

Example::

    SQLiteDialect().column_type(ValueType("numeric", (10, 2)))   # 'NUMERIC_TEXT(10, 2)'
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from vivace.dialects.compiled import Converter
from vivace.dialects.compiler import CHECKED_OPERATORS, Compiler
from vivace.dialects.ddl import DDLCompiler
from vivace.dialects.dialect import Dialect
from vivace.dialects.introspection import Introspector
from vivace.dialects.sqlite_ddl import SQLiteDDL, refuse_bytes_in_arrays
from vivace.dialects.sqlite_functions import SQLiteExtensions
from vivace.dialects.sqlite_introspection import SQLiteIntrospector
from vivace.dialects.sqlite_moves import sqlite_moved
from vivace.exceptions import QueryError
from vivace.schema.column import Column
from vivace.sql.nodes import ColumnNode, Comparison, Expr, InList, OrderItem, Param
from vivace.types import ValueType, adapters

_TYPES = {
    "text": "TEXT",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "serial": "INTEGER",
    "bigserial": "INTEGER",
    "boolean": "BOOLEAN",
    "real": "REAL",
    "double": "DOUBLE PRECISION",
    # Type names chosen for their SQLite affinity: TEXT-affinity names keep JSON and
    # decimals as the exact text written; INTERVAL has INTEGER affinity.
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
    "date": "DATE",
    "time": "TIME",
    "interval": "INTERVAL",
    "uuid": "UUID",
    "json": "JSON_TEXT",
    "jsonb": "JSONB_TEXT",
    "bytea": "BLOB",
}

_PARAM = {
    "numeric": adapters.decimal_to_text,
    "timestamp": adapters.naive_to_text,
    "timestamptz": adapters.aware_to_text,
    "date": adapters.date_to_text,
    "time": adapters.time_to_text,
    "real": adapters.refuse_nan,
    "double": adapters.refuse_nan,
    "interval": adapters.timedelta_to_microseconds,
    "uuid": adapters.uuid_to_text,
    "json": adapters.dump_json,
    "jsonb": adapters.dump_json,
    "bytea": adapters.bytes_in,
}

_RESULT = {
    "boolean": adapters.int_to_bool,
    "numeric": adapters.text_to_decimal,
    "timestamp": adapters.text_to_naive,
    "timestamptz": adapters.text_to_aware,
    "date": adapters.text_to_date,
    "time": adapters.text_to_time,
    "interval": adapters.microseconds_to_timedelta,
    "uuid": adapters.text_to_uuid,
}


class SQLiteCompiler(SQLiteExtensions, Compiler):
    """Renders SQLite SQL."""

    def placeholder(self, position: int) -> str:
        return "?"

    def visit_binary(self, node: Comparison) -> str:
        if node.op == "ILIKE":
            # LIKE is made case-sensitive on every connection (as on PostgreSQL);
            # ILIKE compares lower-cased text instead.
            return f"LOWER({self.sql(node.left)}) LIKE LOWER({self.sql(node.right)})"
        if _is_decimal(node.left) or _is_decimal(node.right):
            # Decimals are stored as exact text: compare them as numbers, not as text,
            # and with the value given, not one rounded to the column's scale.
            left = self._exact(node.left, node.right, node.op)
            right = self._exact(node.right, node.left, node.op)
            return f"CAST({left} AS REAL) {node.op} CAST({right} AS REAL)"
        return super().visit_binary(node)

    def _exact(self, expr: Any, other: Any, op: str) -> str:
        if isinstance(expr, Param) and _is_decimal(expr):
            if isinstance(other, Column) and op in CHECKED_OPERATORS:
                return self.column_param(expr.value, other, False, adapters.decimal_to_text)
            return self.param_with(expr.value, adapters.decimal_to_text)
        return self.sql(expr)

    def assigned(self, column: ColumnNode, expr: Expr) -> str:
        text = super().assigned(column, expr)
        vtype = column.value_type
        if isinstance(expr, Param) or vtype is None or vtype.name != "numeric" or not vtype.args:
            return text
        # SQLite computes decimals as doubles: a computed value is written at the
        # column's scale, as PostgreSQL writes a NUMERIC(p, s) (``price / 3`` stored
        # 3.33333333333333). The subquery keeps NULL a NULL and names the value once.
        scale = vtype.args[1]
        assert isinstance(scale, int)  # NUMERIC(p, s): both ints, from the column
        return f"(SELECT printf('%.{scale}f', v) FROM (SELECT {text} AS v) WHERE v IS NOT NULL)"

    def moved_in_time(self, kind: str, subject: str, op: str, span: str) -> str:
        return sqlite_moved(kind, subject, op, span)

    def power(self, base: str, exponent: str) -> str:
        # Registered by the engine (``SQLITE_FUNCTIONS``): a double, errors as elsewhere.
        return f"vivace_power({base}, {exponent})"

    def visit_order_item(self, node: OrderItem) -> str:
        text = self.sql(node.expr)
        if _is_decimal(node.expr):
            text = f"CAST({text} AS REAL)"
        return f"{text} {'ASC' if node.ascending else 'DESC'}"

    def in_list(self, operand: str, node: InList) -> str:
        # The whole list is one JSON parameter, so every list length shares one statement.
        keyword = "NOT IN" if node.negate else "IN"
        if _is_decimal(node.operand):
            # Decimals are stored as exact text: compare numbers, with the values as given.
            placeholder = self.list_param(node, ValueType("numeric"))
            return (
                f"CAST({operand} AS REAL) {keyword} "
                f"(SELECT CAST(value AS REAL) FROM json_each({placeholder}))"
            )
        placeholder = self.list_param(node, node.operand.value_type)
        return f"{operand} {keyword} (SELECT value FROM json_each({placeholder}))"

    def limit_offset(self, limit: int | None, offset: int | None) -> list[str]:
        if offset is not None and limit is None:
            # Piccolo refuses it on SQLite (whose grammar has no OFFSET without LIMIT).
            raise QueryError("A limit clause must be provided when doing an offset with SQLite.")
        return super().limit_offset(limit, offset)


def _is_decimal(expr: Any) -> bool:
    vtype = getattr(expr, "value_type", None)
    return vtype is not None and vtype.name == "numeric"


class SQLiteDialect(Dialect):
    """SQLite 3.35+ (RETURNING) through the standard library's sqlite3."""

    name = "sqlite"
    title = "SQLite"
    compiler_class: ClassVar[type[Compiler]] = SQLiteCompiler
    ddl_class: ClassVar[type[DDLCompiler]] = SQLiteDDL
    introspector_class: ClassVar[type[Introspector]] = SQLiteIntrospector
    max_parameters = 32_766
    supports_many_on_conflict = True

    def bool_literal(self, value: bool) -> str:
        return "1" if value else "0"

    def function_name(self, name: str) -> str:
        return "PRINTF" if name == "FORMAT" else name

    def _param_converter(self, vtype: ValueType) -> Converter | None:
        if vtype.name == "numeric" and vtype.args:
            scale = vtype.args[1]
            assert isinstance(scale, int)
            return adapters.decimal_to_text_scaled(scale)
        if vtype.name == "array":
            refuse_bytes_in_arrays(vtype)
            element = self.param_converter(vtype.element)
            if element is None:
                return adapters.dump_json_list
            return adapters.compose(adapters.each(element), adapters.dump_json_list)
        return _PARAM.get(vtype.name)

    def _result_converter(self, vtype: ValueType) -> Converter | None:
        if vtype.name == "array":
            element = self.result_converter(vtype.element)
            if element is None:
                return adapters.load_json_list
            return adapters.compose(adapters.load_json_list, adapters.each(element))
        return _RESULT.get(vtype.name)

    def list_converter(self, element: ValueType | None) -> Converter | None:
        convert = self.param_converter(element)

        def to_json(values: Any) -> str:
            if any(isinstance(v, str) and "\x00" in v for v in values):
                # SQLite's json_each cuts text at NUL: the list would silently match wrong.
                raise QueryError("is_in()/not_in() on SQLite cannot compare text containing NUL")
            if convert is not None:
                values = [None if v is None else convert(v) for v in values]
            if element is not None and element.name == "boolean":
                values = [None if v is None else int(v) for v in values]
            return json.dumps(list(values), ensure_ascii=False)

        return to_json

    def column_type(self, vtype: ValueType) -> str:
        name = vtype.name
        if name in ("varchar", "char"):
            length = vtype.args[0] if vtype.args else None
            return name.upper() + (f"({length})" if length is not None else "")
        if name == "numeric":
            return "NUMERIC_TEXT" + (f"({vtype.args[0]}, {vtype.args[1]})" if vtype.args else "")
        if name == "array":
            refuse_bytes_in_arrays(vtype)
            return "ARRAY_TEXT"
        return _TYPES[name]

    def list_indexes_sql(self, table: Any) -> tuple[str, list[Any]]:
        return (
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name",
            [table._meta.tablename],
        )

    def table_exists_sql(self, table: Any) -> tuple[str, list[Any]]:
        return (
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
            [table._meta.tablename],
        )
