"""The base classes of ``vivace.functions``, and the window clause (``.over()``).

A function is a :class:`~vivace.sql.calls.Call` node, so it works wherever an
expression does: in ``select`` (its result key is its ``alias``), ``where``,
``order_by``, ``group_by``, ``having`` and as an ``update`` value. How each database
writes it is the dialect's business (``vivace/dialects/*functions.py``).

Aggregates and window functions take ``.over(partition_by=..., order_by=...,
ascending=True, rows=None)``, which makes them window functions.

Example::

    Sum(Band.popularity).over(partition_by=[Band.manager])
    Rank().over(order_by=[Band.popularity], ascending=False)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from vivace.exceptions import QueryError
from vivace.sql.calls import Call, Frame, Over
from vivace.sql.nodes import ColumnNode, Expr, OrderItem, to_expr
from vivace.types import ValueType

TEXT = ValueType("text")
INTEGER = ValueType("integer")
BIGINT = ValueType("bigint")
NUMERIC = ValueType("numeric")
DOUBLE = ValueType("double")

INTEGER_TYPES = frozenset({"integer", "bigint", "smallint", "serial", "bigserial"})
FLOAT_TYPES = frozenset({"real", "double"})


class Function(Call):
    """A SQL function; ``alias`` names its value in a result row.

    Subclasses declare no ``__slots__`` of their own on purpose: the compiler finds a
    node's children through ``type(node).__slots__``, which then is ``Call``'s.
    """

    def __init__(
        self,
        fn: str,
        args: Sequence[Expr] = (),
        options: tuple[Hashable, ...] = (),
        vtype: ValueType | None = None,
        alias: str | None = None,
    ) -> None:
        if alias is not None and (not isinstance(alias, str) or not alias):
            raise QueryError(f"alias= takes a non-empty string, got {alias!r}")
        super().__init__(fn, args, options, vtype, alias)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} alias={self.result_name!r}>"


class Windowed(Function):
    """A function that can be computed over a window of rows: ``.over(...)``."""

    def over(
        self,
        partition_by: Any = None,
        order_by: Any = None,
        ascending: bool = True,
        rows: tuple[int | None, int | None] | None = None,
    ) -> Over:
        """This function over a window of rows.

        ``partition_by``: expressions (one or a list) splitting rows into windows.
        ``order_by``: expressions (one or a list) ordering each window, all ``ascending``
        or not (an ``OrderItem`` keeps its own direction).
        ``rows=(start, end)``: a ``ROWS BETWEEN`` frame; None is unbounded, 0 the current
        row, -n n rows before it, n n rows after it (``rows=(None, 0)``: a running total).
        """
        partition = [_expression(e, "partition_by") for e in _listed(partition_by)]
        order = [
            e if isinstance(e, OrderItem) else OrderItem(_expression(e, "order_by"), ascending)
            for e in _listed(order_by)
        ]
        return Over(self, partition, order, _frame(rows))


class Aggregate(Windowed):
    """An aggregate: over every row (or each ``group_by`` group), or over a window.

    ``Count``, ``Sum``, ``Avg``, ``Min`` and ``Max`` are aggregates. Example::

        await Band.select(Band.manager, Sum(Band.popularity)).group_by(Band.manager)
        await Band.select(Band.name, Sum(Band.popularity).over(partition_by=Band.manager))
    """


def argument(value: Any, vtype: ValueType | None = None) -> Expr:
    """An expression as it is; any other value becomes a parameter of type ``vtype``."""
    return to_expr(value, vtype)


def type_name(expr: Expr) -> str | None:
    vtype = expr.value_type
    return None if vtype is None else vtype.name


def column_key(expr: Any) -> str | None:
    """The result key a column has when selected (``"manager.name"``), else None."""
    if isinstance(expr, ColumnNode):
        return str(expr._meta.get_default_alias())
    return None


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _expression(value: Any, where: str) -> Expr:
    if not isinstance(value, Expr):
        raise QueryError(f"over({where}=...) takes columns or expressions, got {value!r}")
    return value


def _frame(rows: tuple[int | None, int | None] | None) -> Frame | None:
    if rows is None:
        return None
    if not isinstance(rows, tuple) or len(rows) != 2:
        raise QueryError(f"over(rows=...) takes (start, end), got {rows!r}")
    start, end = rows
    for bound in rows:
        if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
            raise QueryError(f"over(rows=...) bounds are ints or None, got {rows!r}")
    if start is not None and end is not None and start > end:
        raise QueryError(f"over(rows=(start, end)) needs start <= end, got {rows!r}")
    return ("ROWS", start, end)
