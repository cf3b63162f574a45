"""Rendering of function calls, window functions, EXISTS and common table expressions.

``QueryExtensions`` is a base of ``Compiler``: it renders what every dialect writes
alike. ``PostgresExtensions`` (``postgres_functions.py``) and ``SQLiteExtensions``
(``sqlite_functions.py``) override the calls whose SQL differs; a call a database
cannot run raises ``QueryError`` when it compiles, before the database is asked.

A call renders through ``call_<fn>(node, over)`` when the compiler has that method,
else as ``FN(args)``. ``over`` gives the ``OVER (...)`` text of a window (or ``""``):
it is called after the arguments are written, so parameters stay in text order.

Every argument is written exactly once, in the order of the call's shape key (the
compile check of ``Dialect.compile`` holds each rendering to this).

Example::

    SQLiteDialect().compile(Select(Band, (Ceil(Band.price),))).sql
    # 'SELECT (SELECT CAST(vivace_v AS INTEGER) + ...) AS "ceil" FROM "band"'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from vivace.exceptions import QueryError
from vivace.sql.arrays import ArrayCondition, ArrayIndex
from vivace.sql.calls import WINDOW_ONLY, Call, Frame, Over
from vivace.sql.cte import CommonTableExpression, CrossJoin, CTEColumn, WithSelect
from vivace.sql.json_paths import JSONGet
from vivace.sql.nodes import Expr, Node
from vivace.sql.statements import Select
from vivace.sql.subquery import Exists
from vivace.types import ValueType

if TYPE_CHECKING:
    from vivace.dialects.dialect import Dialect

#: Gives the ``OVER (...)`` text of a window function, or ``""`` outside a window.
OverText = Callable[[], str]

INTEGER_TYPES = frozenset({"integer", "bigint", "smallint", "serial", "bigserial"})
FLOAT_TYPES = frozenset({"real", "double"})


def no_over() -> str:
    """The ``over`` of a call that is not in a window."""
    return ""


def type_name(expr: Any) -> str | None:
    """The value type name of an expression, if known."""
    vtype = getattr(expr, "value_type", None)
    return vtype.name if isinstance(vtype, ValueType) else None


def is_integral(expr: Any) -> bool:
    return type_name(expr) in INTEGER_TYPES


def is_float(expr: Any) -> bool:
    return type_name(expr) in FLOAT_TYPES


def _path_texts(keys: Sequence[str | int]) -> list[str]:
    """A JSON path as PostgreSQL's ``#>`` takes it: a text array (indexes as text)."""
    return [str(key) for key in keys]


class QueryExtensions:
    """Calls, windows, EXISTS and CTEs; mixed into ``Compiler``."""

    if TYPE_CHECKING:
        dialect: Dialect
        qualify: bool

        def sql(self, node: Node) -> str: ...

        def quote(self, name: str) -> str: ...

        def quote_text(self, text: str) -> str: ...

        def visit_select(self, node: Select) -> str: ...

        def param_with(self, value: Any, converter: Callable[[Any], Any] | None) -> str: ...

    # calls -----------------------------------------------------------------------------------
    def visit_call(self, node: Call) -> str:
        return self.render_call(node, no_over)

    def render_call(self, node: Call, over: OverText) -> str:
        if node.fn in WINDOW_ONLY and over is no_over:
            raise QueryError(f"{node.fn}() is a window function: call .over(...) on it")
        method: Callable[[Call, OverText], str] | None = getattr(self, "call_" + node.fn, None)
        if method is None:
            return self.render_generic(node, over)
        return method(node, over)

    def render_generic(self, node: Call, over: OverText) -> str:
        return f"{node.fn.upper()}({self.render_args(node.args)}){over()}"

    def render_args(self, args: Sequence[Expr]) -> str:
        return ", ".join(self.sql(a) for a in args)

    def unsupported(self, what: str) -> QueryError:
        return QueryError(f"{what} is not supported on {self.dialect.name}")

    def call_count(self, node: Call, over: OverText) -> str:
        if not node.args:
            inner = "*"
        elif "distinct" in node.options:
            inner = "DISTINCT " + self.distinct_values(node.args)
        else:
            inner = self.render_args(node.args)
        return f"COUNT({inner}){over()}"

    def distinct_values(self, args: Sequence[Expr]) -> str:
        """The value ``COUNT(DISTINCT ...)`` counts: one expression, or a row of several."""
        if len(args) == 1:
            return self.sql(args[0])
        return "(" + self.render_args(args) + ")"

    def call_lag(self, node: Call, over: OverText) -> str:
        return self.offset_call("LAG", node, over)

    def call_lead(self, node: Call, over: OverText) -> str:
        return self.offset_call("LEAD", node, over)

    def offset_call(self, name: str, node: Call, over: OverText) -> str:
        offset = node.options[0]
        assert isinstance(offset, int)
        value = self.sql(node.args[0])
        default = f", {self.sql(node.args[1])}" if len(node.args) > 1 else ""
        return f"{name}({value}, {offset:d}{default}){over()}"

    def call_cast(self, node: Call, over: OverText) -> str:
        vtype = node.options[0]
        assert isinstance(vtype, ValueType)
        return f"CAST({self.sql(node.args[0])} AS {self.cast_type(vtype)})"

    def cast_type(self, vtype: ValueType) -> str:
        """The SQL type a value is cast to (a column's type, without serial-ness)."""
        plain = {"serial": "integer", "bigserial": "bigint"}.get(vtype.name)
        return self.dialect.column_type(ValueType(plain) if plain else vtype)

    def call_ceil(self, node: Call, over: OverText) -> str:
        return self.rounding("CEIL", node)

    def call_floor(self, node: Call, over: OverText) -> str:
        return self.rounding("FLOOR", node)

    def call_round(self, node: Call, over: OverText) -> str:
        return self.rounding("ROUND", node)

    def rounding(self, name: str, node: Call) -> str:
        argument = node.args[0]
        if is_integral(argument):
            return self.sql(argument)  # a whole number rounds to itself, and stays an int
        return f"{name}({self.sql(argument)})"

    # calls only some databases have: their dialects override these
    def call_extract(self, node: Call, over: OverText) -> str:
        raise self.unsupported("Extract()")

    def call_strftime(self, node: Call, over: OverText) -> str:
        raise self.unsupported("Strftime()")

    def call_at_time_zone(self, node: Call, over: OverText) -> str:
        raise self.unsupported("AtTimeZone()")

    # windows ---------------------------------------------------------------------------------
    # arrays (PostgreSQL's syntax; SQLite overrides) ---------------------------------------------
    def visit_array_condition(self, node: ArrayCondition) -> str:
        if node.test == "overlap":
            return f"{self.sql(node.array)} && {self.sql(node.value)}"
        value = self.sql(node.value)
        array = self.sql(node.array)
        if node.test == "all":
            return f"{value} = ALL({array})"
        if node.test == "not_any":
            return f"NOT ({value} = ANY({array}))"
        return f"{value} = ANY({array})"

    def visit_array_index(self, node: ArrayIndex) -> str:
        return f"({self.sql(node.array)})[{node.index + 1}]"  # PostgreSQL counts from 1

    # JSON (PostgreSQL's operators; SQLite overrides) ---------------------------------------------
    def visit_json_get(self, node: JSONGet) -> str:
        json = self.sql(node.json)
        if node.path:
            return f"({json} #> {self.param_with(node.key.value, _path_texts)})"
        key = self.param_with(node.key.value, None)
        return f"({json} -> {key}::int)" if node.int_key else f"({json} -> {key})"

    def visit_over(self, node: Over) -> str:
        def over() -> str:
            parts = []
            if node.partition_by:
                parts.append("PARTITION BY " + self.render_args(node.partition_by))
            if node.order_by:
                parts.append("ORDER BY " + ", ".join(self.sql(o) for o in node.order_by))
            if node.frame is not None:
                parts.append(frame_sql(node.frame))
            return " OVER (" + " ".join(parts) + ")"

        return self.render_call(node.call, over)

    # EXISTS ----------------------------------------------------------------------------------
    def visit_exists(self, node: Exists) -> str:
        return f"EXISTS ({self.subquery_sql(node.subquery)})"

    def subquery_sql(self, node: Node) -> str:
        """A nested select (or CTE): columns always carry their table, so outer ones can
        be meant."""
        qualify, self.qualify = self.qualify, True
        try:
            return self.sql(node)
        finally:
            self.qualify = qualify

    # common table expressions ------------------------------------------------------------------
    def visit_with_select(self, node: WithSelect) -> str:
        keyword = "WITH RECURSIVE " if node.recursive else "WITH "
        ctes = ", ".join(self.subquery_sql(c) for c in node.ctes)
        return keyword + ctes + " " + self.visit_select(node)

    def visit_cte(self, node: CommonTableExpression) -> str:
        columns = ", ".join(self.quote(c) for c in node.columns)
        body = self.sql(node.anchor)
        if node.second is not None:
            union = " UNION ALL " if node.union_all else " UNION "
            body += union + self.sql(node.second)
        return f"{self.quote(node.name)}({columns}) AS ({body})"

    def visit_cte_column(self, node: CTEColumn) -> str:
        name = self.quote(node.name)
        if not self.qualify:
            return name
        return f"{self.quote(node.cte_name)}.{name}"

    def visit_cross_join(self, node: CrossJoin) -> str:
        return f"CROSS JOIN {self.quote(node.alias)}"


def frame_sql(frame: Frame) -> str:
    """``ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`` from ``("ROWS", -2, 0)``."""
    kind, start, end = frame
    return f"{kind} BETWEEN {_bound(start, 'PRECEDING')} AND {_bound(end, 'FOLLOWING')}"


def _bound(value: int | None, unbounded: str) -> str:
    if value is None:
        return f"UNBOUNDED {unbounded}"
    if value == 0:
        return "CURRENT ROW"
    return f"{abs(value):d} {'PRECEDING' if value < 0 else 'FOLLOWING'}"
