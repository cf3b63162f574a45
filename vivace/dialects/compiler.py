"""The shared compiler: renders L1 nodes into SQL text for one dialect.

A ``Compiler`` lives for one compilation. Dialects subclass it to override how a
node renders (placeholders, ILIKE, IN lists, ...), never with engine ``if``s.

Example::

    compiled = PostgresDialect().compile(Select(Band, (Band.name,)), values)
    compiled.sql   # 'SELECT "band"."name" FROM "band"'
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import math
import re
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from vivace.dialects.compiled import ColumnBinding, Compiled, Converter
from vivace.dialects.functions import OverText, QueryExtensions
from vivace.dialects.joins import (
    free_alias,
    join_alias,
    select_joins,
    short_identifier,
    table_names,
    without_joins,
)
from vivace.exceptions import NotSupportedError, QueryError
from vivace.schema.column import Column
from vivace.sql.calls import Call
from vivace.sql.nodes import (
    DOUBLE,
    INTERVAL,
    MOVED_BY_TIMEDELTA,
    POWER,
    Alias,
    Arithmetic,
    ColumnNode,
    Comparison,
    Expr,
    FunctionCall,
    InList,
    Join,
    Node,
    Not,
    OrderItem,
    Param,
    PostfixOp,
    Raw,
    Star,
)
from vivace.sql.related import RelatedRows
from vivace.sql.statements import Delete, Insert, OnConflict, Select, Update
from vivace.types import ValueType, checks
from vivace.types.choices import member_value

if TYPE_CHECKING:
    from vivace.dialects.dialect import Dialect


#: ``... AS name`` (or ``AS "name"``) ending a raw fragment: the user named the result.
_WRITTEN_ALIAS = re.compile(
    r"\s+AS\s+(?:\"((?:[^\"]|\"\")+)\"|([A-Za-z_][A-Za-z0-9_]*))\s*$", re.IGNORECASE
)


def written_alias(raw: Raw) -> str | None:
    """The name a raw select fragment gives itself: ``QueryString("log(x) AS log_x")``
    is taken as written (no second alias) and its result key is ``"log_x"``."""
    if raw.alias is not None:
        return None
    match = _WRITTEN_ALIAS.search(raw.parts[-1])
    if match is None:
        return None
    quoted, plain = match.groups()
    return quoted.replace('""', '"') if quoted is not None else plain


def _columns_of(source: Any) -> Sequence[Any]:
    meta = getattr(source, "_meta", None)
    return getattr(meta, "columns", ())


def result_key(expr: Expr) -> str:
    """The result-dict key of a selected expression (Piccolo's names)."""
    if isinstance(expr, Column):
        return expr._meta.get_default_alias()
    if isinstance(expr, Alias):
        return expr.name
    if isinstance(expr, FunctionCall):
        return expr.default_alias or expr.name.lower()
    if isinstance(expr, Raw):
        return expr.alias or written_alias(expr) or expr.template
    if isinstance(expr, RelatedRows):
        return expr.name
    name = getattr(expr, "result_name", None)  # calls, windows, CTE columns
    if isinstance(name, str):
        return name
    return "?column?"


#: Comparisons whose value is checked against the column it is compared with (a LIKE
#: pattern is text whatever the column).
CHECKED_OPERATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})


def _arith_column(expr: Expr) -> ColumnNode | None:
    """The column an arithmetic operand computes from (``Band.popularity * 2`` ->
    ``Band.popularity``), or None (a function, a subquery, a value)."""
    while isinstance(expr, Arithmetic):
        if expr.op == POWER:
            return None  # a double, whatever its operands: ``(a ** 2) + 0.5`` adds a float
        left = _arith_column(expr.left)
        if left is not None:
            return left
        expr = expr.right
    return expr if isinstance(expr, ColumnNode) else None


def moves_in_time(node: Arithmetic) -> bool:
    """``node`` moves a date or time by an interval: ``Concert.starts + timedelta(days=1)``
    (the timedelta is typed ``interval`` by the node) or ``+ Concert.duration``.

    Example: ``moves_in_time(Concert.starts - datetime.timedelta(hours=1))`` is True."""
    vtype, span = node.vtype, node.right.value_type
    return (
        node.op in ("+", "-")
        and vtype is not None
        and vtype.name in MOVED_BY_TIMEDELTA
        and span is not None
        and span.name == "interval"
    )


def column_label(column: ColumnNode) -> str:
    """``table.column`` as messages name a column: ``"band.popularity"``."""
    table = column._meta.table
    name = table._meta.tablename if table is not None else "?"
    return f"{name}.{column._meta.db_column_name}"


class Compiler(QueryExtensions):
    """Renders one statement. ``inline=True`` renders values as literals (for reading only)."""

    def __init__(self, dialect: Dialect, inline: bool = False) -> None:
        self.dialect = dialect
        self.inline = inline
        self.values: list[Any] = []
        self.converters: list[Converter | None] = []
        #: The ``table.column`` of each placeholder whose value is checked against one.
        self.labels: list[str | None] = []
        #: Qualify columns with their table (off in single-table statements and DDL).
        self.qualify = True
        #: The tables of the statements being rendered, outermost first: a column must
        #: belong to one of them, directly or through its foreign keys.
        self.sources: list[Any] = []
        #: A multi-row insert's per-column bindings (see ``Compiled.columns``).
        self.row_columns: list[ColumnBinding] | None = None
        #: The FROM table of each statement being rendered (for messages).
        self.statement_tables: list[Any] = []
        #: Result keys of fragments selected without an alias: the database's own names.
        self.raw_names: dict[int, str] = {}
        #: The statement being compiled, and the names its tables go by without an alias
        #: (worked out on its first join: see ``join_name``).
        self.statement: Node | None = None
        self.table_names: frozenset[str] | None = None

    # entry points ----------------------------------------------------------------------------
    def compile(self, node: Node) -> Compiled:
        self.statement = node
        sql = self.sql(node)
        names: Sequence[str] = ()
        results: Sequence[Converter | None] = ()
        selected = self._result_exprs(node)
        if selected:
            names = [self.raw_names.get(id(c)) or result_key(c) for c in selected]
            results = [self.dialect.result_converter(c.value_type) for c in selected]
        is_write = isinstance(node, Insert | Update | Delete)
        columns = self.row_columns
        if not isinstance(node, Insert) or len(self.values) != len(node.columns) * len(node.rows):
            columns = None  # more parameters than the rows' (ON CONFLICT values): one by one
        return Compiled(
            sql,
            self.converters,
            names,
            results,
            is_write,
            _is_small_write(node),
            self.labels,
            columns,
        )

    def _result_exprs(self, node: Node) -> Sequence[Expr]:
        if isinstance(node, Select):
            return node.columns
        if isinstance(node, Insert | Update | Delete):
            return node.returning
        return ()

    def sql(self, node: Node) -> str:
        method: Callable[[Node], str] = getattr(self, "visit_" + node.visit_name)
        return method(node)

    # values ----------------------------------------------------------------------------------
    def param(self, value: Any, vtype: ValueType | None) -> str:
        if self.inline:
            return self.literal(value)
        self.values.append(value)
        self.converters.append(self.dialect.param_converter(vtype))
        self.labels.append(None)
        return self.placeholder(len(self.values))

    def column_converter(self, column: ColumnNode, store: bool) -> Converter | None:
        """The converter of a value stored into (``store``) or compared with ``column``:
        checked against it, except when rendering for reading (``str(query)``)."""
        if self.inline:
            return self.dialect.param_converter(column.value_type)
        return self.dialect.value_converter(column.value_type, store)

    def column_param(
        self, value: Any, column: ColumnNode, store: bool, convert: Converter | None = None
    ) -> str:
        """A parameter checked against ``column``; ``convert`` replaces the dialect's converter."""
        if convert is None:
            converter = self.column_converter(column, store)
        elif self.inline:
            converter = convert
        else:
            converter = checks.fused(checks.value_check(column.value_type, store), convert)
        return self.param_with(value, converter, column_label(column))

    def operand(self, expr: Expr, other: Expr, op: str) -> str:
        """One side of a comparison: a value compared with a column is checked against it."""
        if isinstance(expr, Param) and isinstance(other, Column) and op in CHECKED_OPERATORS:
            return self.column_param(expr.value, other, store=False)
        return self.sql(expr)

    def assigned(self, column: ColumnNode, expr: Expr) -> str:
        """The value written into ``column`` by an update: checked as a stored value."""
        if isinstance(expr, Param):
            return self.column_param(expr.value, column, store=True)
        return self.sql(expr)

    def placeholder(self, position: int) -> str:
        """The bound-parameter marker at ``position`` (1-based): each dialect says."""
        raise NotImplementedError

    def literal(self, value: Any) -> str:
        """A value as SQL literal text, for DDL defaults and ``str(query)`` only."""
        if value is None:
            return "NULL"
        if isinstance(value, enum.Enum):
            value = member_value(value)
        if isinstance(value, bool):
            return self.dialect.bool_literal(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                return self.quote_text(repr(value).replace("inf", "Infinity"))
            return repr(value)
        if isinstance(value, decimal.Decimal):
            return str(value) if value.is_finite() else self.quote_text(str(value))
        if isinstance(value, bytes):
            return self.dialect.bytes_literal(value)
        if isinstance(value, datetime.date | datetime.time | uuid.UUID | datetime.timedelta):
            return self.quote_text(str(value))
        if isinstance(value, list | tuple):
            return "ARRAY[" + ", ".join(self.literal(v) for v in value) + "]"
        if isinstance(value, dict):
            return self.quote_text(json.dumps(value))
        return self.quote_text(str(value))

    def quote_text(self, text: str) -> str:
        if "\x00" in text:
            raise QueryError("text containing NUL cannot be written as a SQL literal")
        return "'" + text.replace("'", "''") + "'"

    def quote(self, name: str) -> str:
        return self.dialect.quote(name)

    # tables and columns ------------------------------------------------------------------------
    def table_name(self, table: Any) -> str:
        return self.dialect.table_name(table)

    def table_alias(self, column: Column[Any]) -> str:
        chain = column._meta.call_chain
        if chain:
            return self.join_name(join_alias(chain))
        return self.table_name(column._meta.table)

    def join_name(self, alias: str) -> str:
        """The quoted name of the table joined as ``alias``: ``alias`` itself unless a table
        of the statement goes by it (``Manager.manager`` in a query on ``manager``). The
        statement's tables are in its shape key, so its cached SQL stays right."""
        taken = self.table_names
        if taken is None:
            statement = self.statement
            taken = frozenset() if statement is None else table_names(statement)
            self.table_names = taken
        return self.quote(free_alias(alias, taken))

    def visit_column(self, column: Column[Any]) -> str:
        if self.sources:
            self.check_source(column)
        name = self.quote(column._meta.db_column_name)
        if not self.qualify:
            if column._meta.call_chain:
                raise QueryError(f"{column!r} needs a join, which this statement cannot have")
            return name
        return f"{self.table_alias(column)}.{name}"

    def check_source(self, column: Column[Any]) -> None:
        """Refuse a column of a table the query does not read (``Band.select().where(
        Manager.name == "x")``) before the database is asked."""
        chain = column._meta.call_chain
        root = chain[0]._meta.table if chain else column._meta.table
        if root is None or root in self.sources or not hasattr(root, "_meta"):
            return
        name = getattr(self.statement_tables[-1], "__name__", "this table")
        raise QueryError(
            f"{column!r} is a column of {root.__name__}, which is not in this query on "
            f"{name}: reach it through a foreign key of {name} "
            f"(e.g. {name}.<foreign key>.{column._meta.name}), or query {root.__name__}"
        )

    def with_source(self, tables: Sequence[Any], render: Callable[[], str]) -> str:
        """``render()`` with ``tables`` (the statement's own first) among the tables its
        columns may belong to."""
        depth = len(self.sources)
        self.sources.extend(tables)
        self.statement_tables.append(tables[0])
        try:
            return render()
        finally:
            del self.sources[depth:]
            self.statement_tables.pop()

    # expressions --------------------------------------------------------------------------------
    def visit_param(self, node: Param) -> str:
        return self.param(node.value, node.vtype)

    def visit_binary(self, node: Comparison) -> str:
        left = self.operand(node.left, node.right, node.op)
        right = self.operand(node.right, node.left, node.op)
        return f"{left} {self.operator(node.op)} {right}"

    def visit_arith(self, node: Arithmetic) -> str:
        if moves_in_time(node):
            assert node.vtype is not None  # moves_in_time checked it
            subject = self.sql(node.left)
            span = self.interval_operand(node.right, node.left)
            return self.moved_in_time(node.vtype.name, subject, node.op, span)
        if node.op == POWER:
            return self.power(self.double_operand(node.left), self.double_operand(node.right))
        left = self.arith_operand(node.left, node.right)
        right = self.arith_operand(node.right, node.left)
        return f"({left} {node.op} {right})"

    def power(self, base: str, exponent: str) -> str:
        """``base ** exponent`` as a double precision, the SQL of each operand given.

        Standard SQL (PostgreSQL): ``POWER`` on doubles, so integers and decimals give the
        float PostgreSQL's ``^`` gives for integers. Example: ``self.power('"popularity"',
        "$1")`` is ``'POWER(CAST("popularity" AS DOUBLE PRECISION), CAST($1 AS DOUBLE
        PRECISION))'``."""
        return f"POWER(CAST({base} AS DOUBLE PRECISION), CAST({exponent} AS DOUBLE PRECISION))"

    def double_operand(self, expr: Expr) -> str:
        """One side of ``a ** b``: a value is checked as a double (a float, or an int a
        double holds exactly), refused alike on every engine; an expression is itself.

        Example: ``self.double_operand(Param(2, DOUBLE))`` is ``$1`` bound to ``2.0``."""
        if not isinstance(expr, Param):
            return self.sql(expr)
        if self.inline:
            return self.param_with(expr.value, self.dialect.param_converter(DOUBLE))
        return self.param_with(expr.value, self.dialect.value_converter(DOUBLE, False))

    def arith_operand(self, expr: Expr, other: Expr) -> str:
        """One side of ``column + value``: the value is checked as one compared with the
        column, so ``Band.popularity + "abc"`` or ``+ 1.5`` is refused alike on every
        engine (SQLite stored what it made of them). A timedelta moving a date or time
        is an interval instead (see ``visit_arith``)."""
        if not isinstance(expr, Param):
            return self.sql(expr)
        column = _arith_column(other)
        if column is None:
            if isinstance(other, Arithmetic) and other.op == POWER:
                return self.double_operand(expr)  # ``(a ** 2) + 0.5``: a float's partner
            return self.sql(expr)
        return self.column_param(expr.value, column, store=False)

    def interval_operand(self, expr: Expr, subject: Expr) -> str:
        """The span moving a date or time: a timedelta is checked as an interval and sent
        in the dialect's interval form (an interval column is used as it is).

        Example: ``self.interval_operand(Param(timedelta(days=1), INTERVAL), Concert.starts)``
        is ``?`` bound to 86400000000 on SQLite."""
        if not isinstance(expr, Param):
            return self.sql(expr)
        column = _arith_column(subject)
        label = None if column is None else column_label(column)
        if self.inline:
            return self.param_with(expr.value, self.dialect.param_converter(INTERVAL), label)
        return self.param_with(expr.value, self.dialect.value_converter(INTERVAL, False), label)

    def moved_in_time(self, kind: str, subject: str, op: str, span: str) -> str:
        """``subject op span``: a ``kind`` value (``"timestamp"``, ``"timestamptz"``,
        ``"date"``, ``"time"``) moved by an interval, giving a ``kind`` value as Python's
        ``datetime + timedelta`` does. Each dialect says how (this is standard SQL).

        Example: ``self.moved_in_time("timestamp", '"starts"', "+", "$1")`` is
        ``'("starts" + $1)'``."""
        return f"({subject} {op} {span})"

    def operator(self, op: str) -> str:
        return op

    def visit_postfix(self, node: PostfixOp) -> str:
        return f"{self.sql(node.operand)} {node.op}"

    def visit_in_list(self, node: InList) -> str:
        operand = self.sql(node.operand)
        if node.subquery is not None:
            keyword = "NOT IN" if node.negate else "IN"
            return f"{operand} {keyword} ({self.subquery(node.subquery)})"
        return self.in_list(operand, node)

    def in_list(self, operand: str, node: InList) -> str:
        """``operand [NOT] IN`` a list bound as *one* parameter, whatever its length (so
        every length shares one statement and the shape key's value order holds):
        each dialect says how (an array, a JSON list)."""
        raise NotImplementedError

    def list_param(self, node: InList, element: ValueType | None) -> str:
        """The list of an ``is_in`` as one parameter; checked when compared with a column."""
        convert = self.dialect.list_converter(element)
        operand = node.operand
        if isinstance(operand, Column) and not self.inline:
            check = checks.value_check(operand.value_type, False)
            checked = checks.each_checked(check, convert)
            return self.param_with(node.values, checked, column_label(operand))
        return self.param_with(node.values, convert)

    def param_with(self, value: Any, converter: Converter | None, label: str | None = None) -> str:
        if self.inline:
            return self.literal(value if converter is None or value is None else converter(value))
        self.values.append(value)
        self.converters.append(converter)
        self.labels.append(label)
        return self.placeholder(len(self.values))

    def subquery(self, select: Select) -> str:
        qualify, self.qualify = self.qualify, True
        try:
            return self.sql(select)  # a WithSelect renders its WITH clause
        finally:
            self.qualify = qualify

    def visit_and(self, node: Any) -> str:
        if not node.conditions:
            return "TRUE"
        if len(node.conditions) == 1:
            return self.sql(node.conditions[0])
        return "(" + " AND ".join(self.sql(c) for c in node.conditions) + ")"

    def visit_or(self, node: Any) -> str:
        if not node.conditions:
            return "FALSE"
        return "(" + " OR ".join(self.sql(c) for c in node.conditions) + ")"

    def visit_not(self, node: Not) -> str:
        return f"NOT ({self.sql(node.condition)})"

    def visit_function(self, node: FunctionCall) -> str:
        name = self.dialect.function_name(node.name)
        args = ", ".join(self.sql(a) for a in node.args)
        return f"{name}({'DISTINCT ' if node.distinct else ''}{args})"

    def call_case(self, node: Call, over: OverText) -> str:
        """``CASE WHEN c THEN v ... [ELSE d] END`` (``vivace.functions.Case``): its arguments
        are each branch's condition and value, then the default (option ``"else"``).

        A bound value of a known type is written ``CAST(value AS type)`` with the dialect's
        ``cast_type``: inside a CASE nothing else says its type (PostgreSQL would take it as
        text, MariaDB gives dates back as text), and each dialect's cast type keeps the
        value as it is stored (text on SQLite for dates, times and UUIDs).
        """
        args, has_default = node.args, "else" in node.options
        whens = args[:-1] if has_default else args
        parts = ["CASE"]
        for index in range(0, len(whens), 2):
            condition, value = self.sql(whens[index]), self.case_value(whens[index + 1])
            parts.append(f"WHEN {condition} THEN {value}")
        if has_default:
            parts.append(f"ELSE {self.case_value(args[-1])}")
        parts.append("END")
        return "(" + " ".join(parts) + ")"

    def case_value(self, expr: Expr) -> str:
        """A THEN/ELSE value of ``call_case``: a typed parameter cast to its type."""
        text = self.sql(expr)
        if isinstance(expr, Param) and expr.vtype is not None:
            return f"CAST({text} AS {self.cast_type(expr.vtype)})"
        return text

    def visit_star(self, node: Star) -> str:
        return "*"

    def visit_alias(self, node: Alias) -> str:
        return f"{self.sql(node.expr)} AS {self.quote(node.name)}"

    def visit_order_item(self, node: OrderItem) -> str:
        return f"{self.sql(node.expr)} {'ASC' if node.ascending else 'DESC'}"

    def visit_raw(self, node: Raw) -> str:
        pieces = [node.parts[0]]
        for arg, part in zip(node.args, node.parts[1:]):
            pieces.append(self.sql(arg))
            pieces.append(part)
        return "".join(pieces)

    def visit_related_rows(self, node: RelatedRows) -> str:
        """Related rows as one list value; dialects that aggregate rows override this."""
        if self.inline:  # str(query), for reading: say where the list comes from
            name = node.name.replace("*/", "* /")
            return f"NULL /* {name}: listed by a second query */"
        raise QueryError(
            f"{self.dialect.name} cannot list related rows in one statement; "
            "the query fetches them with a second one when it runs"
        )

    def visit_join(self, node: Join) -> str:
        table, alias = self.table_name(node.table), self.join_name(node.alias)
        return f"LEFT JOIN {table} AS {alias} ON {self.sql(node.on)}"

    # statements --------------------------------------------------------------------------------
    def select_column(self, expr: Expr) -> str:
        text = self.sql(expr)
        if isinstance(expr, Column):
            if expr._meta.call_chain:
                return f"{text} AS {self.quote(short_identifier(expr._meta.get_default_alias()))}"
            return text
        if isinstance(expr, Alias) or (isinstance(expr, Raw) and written_alias(expr)):
            return text
        if isinstance(expr, Raw) and expr.alias is None:
            # Unnamed, as in Piccolo: the key is the name the database gives the column.
            columns = [c._meta.db_column_name for t in self.sources for c in _columns_of(t)]
            columns += [a._meta.db_column_name for a in expr.args if isinstance(a, Column)]
            self.raw_names[id(expr)] = self.dialect.expression_name(text, columns)
            return text
        return f"{text} AS {self.quote(result_key(expr))}"

    def visit_select(self, node: Select) -> str:
        # Tables joined explicitly (``Join`` nodes) are in the query too.
        tables = [node.table, *(j.table for j in node.joins if j.table is not None)]
        return self.with_source(tables, lambda: self.render_select(node))

    def render_select(self, node: Select) -> str:
        parts = ["SELECT"]
        if node.distinct_on:
            if not self.dialect.supports_distinct_on:
                raise NotSupportedError(f"{self.dialect.title} doesn't support DISTINCT ON")
            parts.append("DISTINCT ON (" + ", ".join(self.sql(e) for e in node.distinct_on) + ")")
        elif node.distinct:
            parts.append("DISTINCT")
        parts.append(", ".join(self.select_column(c) for c in node.columns) or "*")
        parts.append("FROM " + self.table_name(node.table))
        parts.extend(self.sql(j) for j in select_joins(node))
        if node.where is not None:
            parts.append("WHERE " + self.sql(node.where))
        if node.group_by:
            parts.append("GROUP BY " + ", ".join(self.sql(g) for g in node.group_by))
        if node.having is not None:
            parts.append("HAVING " + self.sql(node.having))
        if node.order_by:
            parts.append("ORDER BY " + ", ".join(self.sql(o) for o in node.order_by))
        parts.extend(self.limit_offset(node.limit, node.offset))
        if node.lock is not None:
            parts.append(self.lock_rows(node.lock))
        return " ".join(parts)

    def limit_offset(self, limit: int | None, offset: int | None) -> list[str]:
        parts = []
        if limit is not None:
            parts.append("LIMIT " + self.param(limit, None))
        if offset is not None:
            parts.append("OFFSET " + self.param(offset, None))
        return parts

    def lock_rows(self, lock: tuple[str, bool, bool, tuple[Any, ...]]) -> str:
        raise NotSupportedError(
            f"{self.dialect.title} doesn't support row locking e.g. SELECT ... FOR UPDATE"
        )

    def returning(self, exprs: Sequence[Expr]) -> str:
        if not exprs:
            return ""
        if not self.dialect.supports_returning:
            raise QueryError(f"returning() is not supported on {self.dialect.name}")
        return " RETURNING " + ", ".join(self.select_column(e) for e in exprs)

    def visit_insert(self, node: Insert) -> str:
        return self.with_source((node.table,), lambda: self.render_insert(node))

    def render_insert(self, node: Insert) -> str:
        self.qualify = False
        table = self.table_name(node.table)
        if not node.columns:
            if len(node.rows) != 1:
                raise QueryError("a multi-row insert needs at least one column value")
            sql = f"INSERT INTO {table} DEFAULT VALUES"
        else:
            names = ", ".join(self.quote(c._meta.db_column_name) for c in node.columns)
            converters = [self.column_converter(c, store=True) for c in node.columns]
            labels = [column_label(c) for c in node.columns]
            rows = []
            for row in node.rows:
                marks = [self.param_with(*item) for item in zip(row, converters, labels)]
                rows.append("(" + ", ".join(marks) + ")")
            if len(node.rows) > 1 and not self.inline:
                self.row_columns = [
                    (
                        checks.quick_check(c.value_type, True),
                        self.dialect.param_converter(c.value_type),
                        converter,
                    )
                    for c, converter in zip(node.columns, converters)
                ]
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join(rows)
        for clause in node.on_conflict:
            sql += " " + self.visit_on_conflict(clause)
        return sql + self.returning(node.returning)

    def visit_on_conflict(self, node: OnConflict) -> str:
        if isinstance(node.target, str):
            target = f" ON CONSTRAINT {self.quote(node.target)}"
        elif node.target:
            target = " (" + ", ".join(self.quote(c._meta.db_column_name) for c in node.target) + ")"
        else:
            target = ""
        if node.action == "DO NOTHING":
            return f"ON CONFLICT{target} DO NOTHING"
        if not target:
            raise QueryError("on_conflict(action='DO UPDATE') needs a target")
        sets = []
        # Qualify columns: unqualified names are ambiguous with EXCLUDED on PostgreSQL.
        qualify, self.qualify = self.qualify, True
        for column, expr in node.assignments:
            name = self.quote(column._meta.db_column_name)
            sets.append(
                f"{name} = " + (f"EXCLUDED.{name}" if expr is None else self.assigned(column, expr))
            )
        sql = f"ON CONFLICT{target} DO UPDATE SET " + ", ".join(sets)
        if node.where is not None:
            sql += " WHERE " + self.sql(node.where)
        self.qualify = qualify
        return sql

    def visit_update(self, node: Update) -> str:
        return self.with_source((node.table,), lambda: self.render_update(node))

    def render_update(self, node: Update) -> str:
        self.qualify = False
        sets = ", ".join(
            f"{self.quote(col._meta.db_column_name)} = {self.assigned(col, expr)}"
            for col, expr in node.assignments
        )
        sql = f"UPDATE {self.table_name(node.table)} SET {sets}"
        where = without_joins(node.table, node.where)
        if where is not None:
            sql += " WHERE " + self.sql(where)
        if node.returning and not self.dialect.supports_update_returning:
            raise QueryError(f"update().returning() is not supported on {self.dialect.name}")
        return sql + self.returning(node.returning)

    def visit_delete(self, node: Delete) -> str:
        return self.with_source((node.table,), lambda: self.render_delete(node))

    def render_delete(self, node: Delete) -> str:
        self.qualify = False
        sql = f"DELETE FROM {self.table_name(node.table)}"
        where = without_joins(node.table, node.where)
        if where is not None:
            sql += " WHERE " + self.sql(where)
        return sql + self.returning(node.returning)


#: An insert of at most this many rows counts as a small write.
SMALL_INSERT_ROWS = 10


def _is_small_write(node: Node) -> bool:
    """An insert of a few rows, or an update of one row by its primary key."""
    if isinstance(node, Insert):
        return len(node.rows) <= SMALL_INSERT_ROWS
    if isinstance(node, Update):
        where = node.where
        return (
            isinstance(where, Comparison)
            and where.op == "="
            and isinstance(where.left, Column)
            and where.left is node.table._meta.primary_key
            and isinstance(where.right, Param)
        )
    return False
