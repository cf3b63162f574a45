"""MariaDB and MySQL: backtick quoting, ``%s`` parameters, utf8mb4 with exact comparisons.

- Parameters are the driver's ``%s`` (pyformat); every other ``%`` in a compiled statement
  is doubled, because the driver always formats the parameters into the text.
- Text is utf8mb4 with a binary, no-pad collation (``utf8mb4_nopad_bin``): comparisons,
  ``LIKE`` and unique keys are case- and trailing-space-sensitive, as on PostgreSQL.
- ``is_in`` binds the whole list as one JSON parameter read by ``JSON_TABLE``, so every list
  length shares one statement (as the other dialects do).
- ``on_conflict``: ``DO NOTHING`` is ``INSERT IGNORE``, marked ``Compiled.guarded`` so the
  engine raises when IGNORE skipped or changed a row for another reason than a unique key
  (``vivace.engine.mysql_ignore``); ``DO UPDATE`` is ``ON DUPLICATE KEY UPDATE`` (any unique
  key conflicts: MySQL has no conflict target).
- ``Timestamptz`` is stored in ``DATETIME(6)`` as UTC (sessions run with ``time_zone
  '+00:00'``); ``Interval`` as microseconds in ``BIGINT``; ``UUID`` as ``CHAR(36)``;
  ``Real`` as ``DOUBLE`` so floats round-trip exactly; arrays are refused.
- ``MariaDBDialect`` (10.5+) adds ``INSERT ... RETURNING``; ``MySQLDialect`` (MySQL 8)
  learns new keys from the last insert id. Neither has ``UPDATE ... RETURNING``.

Example::

    MariaDBDialect().quote("band")   # '`band`'
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from vivace.dialects.compiled import Compiled, Converter
from vivace.dialects.compiler import Compiler
from vivace.dialects.ddl import DDLCompiler
from vivace.dialects.dialect import Dialect
from vivace.dialects.functions import is_integral
from vivace.dialects.introspection import Introspector
from vivace.dialects.mysql_ddl import MySQLDDL, column_type
from vivace.dialects.mysql_functions import MySQLExtensions
from vivace.dialects.mysql_introspection import MySQLIntrospector
from vivace.exceptions import QueryError
from vivace.schema.column import check_identifier
from vivace.sql.nodes import Arithmetic, Comparison, FunctionCall, InList, Node
from vivace.sql.statements import Insert, OnConflict
from vivace.types import ValueType, adapters, checks

#: Marks a parameter while compiling; turned into ``%s`` once every literal ``%`` is doubled.
_MARK = "\x00p"
#: ``LIMIT`` when only ``OFFSET`` is given (MySQL has no OFFSET alone).
_NO_LIMIT = "18446744073709551615"
_LOCK_STRENGTHS = {"UPDATE": "FOR UPDATE", "SHARE": "LOCK IN SHARE MODE"}
_UTC = datetime.UTC


class MySQLCompiler(MySQLExtensions, Compiler):
    """Renders MariaDB/MySQL SQL."""

    def compile(self, node: Node) -> Compiled:
        compiled = super().compile(node)
        if not self.inline:
            compiled.sql = compiled.sql.replace("%", "%%").replace(_MARK, "%s")
        # INSERT IGNORE also skips rows breaking a foreign key, NOT NULL or a length: the
        # engine runs it guarded and raises what a plain INSERT would (DO NOTHING skips
        # only unique conflicts, as on PostgreSQL).
        compiled.guarded = isinstance(node, Insert) and _does_nothing(node)
        return compiled

    def placeholder(self, position: int) -> str:
        return _MARK

    def quote_text(self, text: str) -> str:
        # Backslash escapes in string literals (sql_mode without NO_BACKSLASH_ESCAPES).
        return super().quote_text(text.replace("\\", "\\\\"))

    def visit_binary(self, node: Comparison) -> str:
        if node.op == "ILIKE":
            # Text compares case-sensitively (binary collation), as on PostgreSQL.
            return f"LOWER({self.sql(node.left)}) LIKE LOWER({self.sql(node.right)})"
        return super().visit_binary(node)

    def visit_arith(self, node: Arithmetic) -> str:
        if node.op == "/" and is_integral(node.left) and is_integral(node.right):
            # Whole numbers divide to a whole number, as on PostgreSQL (``/`` is exact here).
            return f"({self.sql(node.left)} DIV {self.sql(node.right)})"
        return super().visit_arith(node)

    def power(self, base: str, exponent: str) -> str:
        # POWER gives a DOUBLE for any numbers (``^`` is XOR here); out-of-range fails.
        return f"POWER({base}, {exponent})"

    def moved_in_time(self, kind: str, subject: str, op: str, span: str) -> str:
        # Intervals are microseconds here; DATE_ADD keeps them exactly.
        sign = "" if op == "+" else "-"
        if kind == "time":
            # On a fixed day and back: TIME(6) would run past 24:00, PostgreSQL's
            # time + interval wraps around midnight (MOD keeps the day in range).
            moved = (
                f"DATE_ADD(TIMESTAMP('2000-01-02', {subject}), "
                f"INTERVAL {sign}MOD({span}, 86400000000) MICROSECOND)"
            )
            return f"CAST({moved} AS TIME(6))"
        moved = f"DATE_ADD({subject}, INTERVAL {sign}({span}) MICROSECOND)"
        if kind == "date":
            # DATE + INTERVAL n MICROSECOND is a DATETIME: back to the day it falls on.
            return f"CAST({moved} AS DATE)"
        return moved

    def visit_function(self, node: FunctionCall) -> str:
        if node.name != "FORMAT":
            return super().visit_function(node)
        # Readable's printf-style template: MariaDB's SFORMAT takes {} (braces doubled).
        template, *columns = (self.sql(a) for a in node.args)
        escaped = f"REPLACE(REPLACE({template}, '{{', '{{{{'), '}}', '}}}}')"
        # A NULL is written as nothing, as PostgreSQL's FORMAT writes it.
        texts = ", ".join(f"COALESCE(CAST({c} AS CHAR), '')" for c in columns)
        return f"SFORMAT(REPLACE({escaped}, '%s', '{{}}'), {texts})"

    def in_list(self, operand: str, node: InList) -> str:
        element = node.operand.value_type
        placeholder = self.list_param(node, element)
        keyword = "NOT IN" if node.negate else "IN"
        return (
            f"{operand} {keyword} (SELECT vivace_v FROM JSON_TABLE({placeholder}, '$[*]' "
            f"COLUMNS (vivace_v {_list_type(element)} PATH '$')) AS vivace_list)"
        )

    def limit_offset(self, limit: int | None, offset: int | None) -> list[str]:
        if offset is not None and limit is None:
            return [f"LIMIT {_NO_LIMIT} OFFSET " + self.param(offset, None)]
        return super().limit_offset(limit, offset)

    def lock_rows(self, lock: tuple[str, bool, bool, tuple[Any, ...]]) -> str:
        strength, nowait, skip_locked, of = lock
        sql = _LOCK_STRENGTHS.get(strength)
        if sql is None:
            raise QueryError(
                f"lock_rows() on {self.dialect.name} takes one of {sorted(_LOCK_STRENGTHS)}"
            )
        if of:
            raise QueryError(f"lock_rows(of=...) is not supported on {self.dialect.name}")
        if nowait:
            sql += " NOWAIT"
        if skip_locked:
            sql += " SKIP LOCKED"
        return sql

    def visit_insert(self, node: Insert) -> str:
        sql = super().visit_insert(node)
        if not node.columns:
            sql = sql.replace(" DEFAULT VALUES", " () VALUES ()", 1)
        if _does_nothing(node):
            sql = "INSERT IGNORE" + sql[len("INSERT") :]
        return sql

    def visit_on_conflict(self, node: OnConflict) -> str:
        if node.action == "DO NOTHING":
            return ""  # INSERT IGNORE, written by visit_insert
        if node.where is not None:
            raise QueryError(f"on_conflict(where=...) is not supported on {self.dialect.name}")
        if not node.assignments:
            raise QueryError("on_conflict(action='DO UPDATE') needs values")
        sets = []
        qualify, self.qualify = self.qualify, False
        for column, expr in node.assignments:
            name = self.quote(column._meta.db_column_name)
            sets.append(f"{name} = " + (f"VALUES({name})" if expr is None else self.sql(expr)))
        self.qualify = qualify
        return "ON DUPLICATE KEY UPDATE " + ", ".join(sets)


def _does_nothing(node: Insert) -> bool:
    """Whether the insert skips conflicting rows (``INSERT IGNORE``, run guarded)."""
    return any(clause.action == "DO NOTHING" for clause in node.on_conflict)


def _list_type(element: ValueType | None) -> str:
    """The ``JSON_TABLE`` column type of an ``is_in`` list: wide enough never to round or
    cut a value (a cut value could match a row it should not)."""
    if element is None:
        return "LONGTEXT"
    name = element.name
    if name in ("varchar", "char", "text", "json", "jsonb", "uuid"):
        return "LONGTEXT"
    if name == "numeric":
        return "DECIMAL(65, 30)"
    return column_type(ValueType("integer") if name == "serial" else element)


# values ---------------------------------------------------------------------------------------
def aware_to_utc(value: Any) -> Any:
    """An aware datetime as naive UTC (``DATETIME`` has no zone)."""
    value = adapters.require_aware(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(_UTC).replace(tzinfo=None)
    return value


def utc_to_aware(value: Any) -> Any:
    """Read back what :func:`aware_to_utc` stored."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=_UTC)
    return value


def plain_decimal(value: Any) -> Any:
    """A Decimal written without an exponent: ``1E+2`` would be read as a double."""
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return decimal.Decimal(format(value, "f"))
    if isinstance(value, decimal.Decimal):
        raise QueryError(f"MySQL cannot store {value} in a DECIMAL column")
    return value


def finite_float(value: Any) -> Any:
    """Refuse an infinity (or NaN) before it is sent: ``DOUBLE`` stores neither, and refused
    here the message names the column instead of the driver failing on the way out.

    Example: ``finite_float(1.5) == 1.5``; ``finite_float(math.inf)`` raises InvalidValue.
    """
    if isinstance(value, float) and not math.isfinite(value):
        checks.refuse(value, "a finite float (MySQL/MariaDB store no infinity or NaN)")
    return value


def timedelta_to_time(value: Any) -> Any:
    """The driver reads ``TIME`` as a timedelta since midnight."""
    if isinstance(value, datetime.timedelta):
        return (datetime.datetime.min + value).time()
    return value


_PARAM: dict[str, Converter] = {
    "timestamptz": aware_to_utc,
    "timestamp": adapters.require_naive,
    "date": adapters.require_date,
    "time": adapters.require_naive_time,
    "numeric": plain_decimal,
    "real": finite_float,
    "double": finite_float,
    "interval": adapters.timedelta_to_microseconds,
    "uuid": adapters.uuid_to_text,
    "json": adapters.dump_json,
    "jsonb": adapters.dump_json,
    "bytea": adapters.bytes_in,
}

_RESULT: dict[str, Converter] = {
    "boolean": adapters.int_to_bool,
    "timestamptz": utc_to_aware,
    "time": timedelta_to_time,
    "interval": adapters.microseconds_to_timedelta,
    "uuid": adapters.text_to_uuid,
}


def _json_value(value: Any) -> Any:
    """One element of an ``is_in`` list as JSON (``JSON_TABLE`` reads it back typed)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        raise QueryError("is_in()/not_in() on MySQL cannot compare bytes")
    return value


class MySQLDialect(Dialect):
    """MySQL 8.0+ through asyncmy (no ``RETURNING``: new keys come from the last insert id)."""

    name = "mysql"
    title = "MySQL"
    compiler_class: ClassVar[type[Compiler]] = MySQLCompiler
    ddl_class: ClassVar[type[DDLCompiler]] = MySQLDDL
    introspector_class: ClassVar[type[Introspector]] = MySQLIntrospector
    supports_lock_rows = True
    # MODIFY COLUMN restates a whole column: ``Band.alter()`` reads the live table first,
    # as it does for SQLite's rebuilds, so a change keeps what the class does not say.
    supports_alter_column = False
    # Every DDL statement commits the transaction it runs in.
    transactional_ddl = False
    supports_returning = False
    supports_update_returning = False
    max_identifier_length = 64
    # asyncmy writes the values into the statement text on the client: a statement of
    # 32,767 values (an 8,000-row insert) held the event loop ~100 ms on this machine's
    # cores; half that keeps each statement's client work near 50 ms, for a round trip
    # more per 4,000 rows (tests/reliability/test_load.py measures the stall).
    max_parameters = 16_383

    def quote(self, name: str) -> str:
        check_identifier(name)
        return "`" + name.replace("`", "``") + "`"

    def expression_name(self, sql: str, columns: Sequence[str]) -> str:
        """The SQL-text rule, with each parameter written ``?``: the server names an
        expression by its text with the values the driver writes in (``age * 2``), which
        change from run to run, so a parameter gets SQLite's stable ``?`` instead.

        Example: ``QueryString("age * {}", 2)`` selected without an alias is keyed
        ``"age * ?"``."""
        return super().expression_name(sql.replace(_MARK, "?"), columns)

    isolation_levels = frozenset(
        {"read uncommitted", "read committed", "repeatable read", "serializable"}
    )

    def begin_sql(self, isolation_level: str | None = None, read_only: bool = False) -> str:
        """``START TRANSACTION``, after ``SET TRANSACTION ISOLATION LEVEL ...`` (two
        statements, split on ``;`` by the engine)."""
        begin = "START TRANSACTION READ ONLY" if read_only else "START TRANSACTION"
        if isolation_level is None:
            return begin
        return f"SET TRANSACTION ISOLATION LEVEL {self.isolation_level(isolation_level)};{begin}"

    def _param_converter(self, vtype: ValueType) -> Converter | None:
        if vtype.name == "array":
            raise QueryError(f"Array columns are not supported on {self.name}")
        return _PARAM.get(vtype.name)

    def _result_converter(self, vtype: ValueType) -> Converter | None:
        return _RESULT.get(vtype.name)

    def list_converter(self, element: ValueType | None) -> Converter | None:
        convert = self.param_converter(element)

        def to_json(values: Any) -> str:
            if convert is not None:
                values = [None if v is None else convert(v) for v in values]
            return json.dumps([None if v is None else _json_value(v) for v in values])

        return to_json

    def column_type(self, vtype: ValueType) -> str:
        return column_type(vtype)

    def list_indexes_sql(self, table: Any) -> tuple[str, list[Any]]:
        return (
            "SELECT DISTINCT index_name AS name FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() AND table_name = %s AND index_name <> 'PRIMARY' "
            "ORDER BY index_name",
            [table._meta.tablename],
        )

    def table_exists_sql(self, table: Any) -> tuple[str, list[Any]]:
        return (
            "SELECT EXISTS(SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_name = %s) AS `exists`",
            [table._meta.tablename],
        )


class MariaDBDialect(MySQLDialect):
    """MariaDB 10.5+ (``INSERT ... RETURNING``); 10.6+ for ``JSON_TABLE`` (``is_in``)."""

    name = "mariadb"
    title = "MariaDB"
    supports_returning = True
