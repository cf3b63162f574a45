"""Common table expressions: ``WITH [RECURSIVE] name(columns) AS (...) SELECT ...``.

- ``CommonTableExpression``: one named CTE, its anchor select and, for a recursive (or
  union) CTE, the second select joined to it with ``UNION [ALL]``.
- ``CTEColumn``: a column of a CTE, usable like a table column in expressions.
- ``WithSelect``: a ``Select`` whose ``WITH`` clause defines the CTEs it reads from.
- ``CrossJoin``: ``CROSS JOIN "name"`` (how a recursive term reaches its own CTE).

The source of a select over a CTE is any object with a ``_meta`` giving ``tablename``
and ``schema`` (the ORM's ``CTESource``); it must compare and hash by name only, since
the shape key of a ``Select`` holds its source.

Example::

    anchor = Select(Band, (Band.id, Band.name), where=Band.popularity > 100)
    cte = CommonTableExpression("top", ("id", "name"), anchor)
    WithSelect((cte,), Select(source, (CTEColumn("top", "name", None),)))
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from vivace.sql.nodes import And, Expr, Join, Node
from vivace.sql.statements import Select
from vivace.types import ValueType


class CommonTableExpression(Node):
    """``name(columns) AS (anchor [UNION [ALL] second])``."""

    __slots__ = ("name", "columns", "anchor", "second", "union_all")
    visit_name = "cte"

    def __init__(
        self,
        name: str,
        columns: Sequence[str],
        anchor: Select,
        second: Select | None = None,
        union_all: bool = True,
    ) -> None:
        self.name, self.columns, self.anchor = name, tuple(columns), anchor
        self.second, self.union_all = second, union_all

    def _key(self, values: list[Any]) -> Hashable:
        anchor = self.anchor._key(values)
        second = None if self.second is None else self.second._key(values)
        return ("CTE", self.name, self.columns, anchor, second, self.union_all)


class CTEColumn(Expr):
    """The column ``name`` of the CTE ``cte_name``: ``"top"."name"``."""

    __slots__ = ("cte_name", "name", "vtype")
    visit_name = "cte_column"

    def __init__(self, cte_name: str, name: str, vtype: ValueType | None) -> None:
        self.cte_name, self.name, self.vtype = cte_name, name, vtype

    @property
    def value_type(self) -> ValueType | None:
        return self.vtype

    @property
    def result_name(self) -> str:
        return self.name

    def _key(self, values: list[Any]) -> Hashable:
        return ("CTEC", self.cte_name, self.name, self.vtype)

    def __repr__(self) -> str:
        return f"<CTEColumn {self.cte_name}.{self.name}>"


class CrossJoin(Join):
    """``CROSS JOIN "name"``: every row of a CTE next to every row of the FROM table."""

    __slots__ = ()
    visit_name = "cross_join"

    def __init__(self, name: str) -> None:
        # A Join without a condition: ``on`` is the empty AND (TRUE), never rendered.
        self.table, self.alias, self.on = None, name, And()

    def _key(self, values: list[Any]) -> Hashable:
        return ("XJ", self.alias)


class WithSelect(Select):
    """A ``Select`` preceded by the ``WITH`` clause of the CTEs it reads."""

    __slots__ = ("ctes", "recursive")
    visit_name = "with_select"

    def __init__(
        self, ctes: Sequence[CommonTableExpression], select: Select, recursive: bool = False
    ) -> None:
        copy_slots(select, self)
        self.ctes, self.recursive = tuple(ctes), recursive

    def _key(self, values: list[Any]) -> Hashable:
        # The WITH clause is written first: its values come first.
        ctes = tuple(c._key(values) for c in self.ctes)
        return ("WITH", self.recursive, ctes, super()._key(values))


def copy_slots(source: Select, target: Select) -> None:
    """Copy the ``Select`` fields of ``source`` onto ``target``."""
    for name in Select.__slots__:
        setattr(target, name, getattr(source, name))


def plain_select(select: Select) -> Select:
    """``select`` without its WITH clause (a plain ``Select`` with the same fields)."""
    if type(select) is Select:
        return select
    plain = Select.__new__(Select)
    copy_slots(select, plain)
    return plain


def with_joins(select: Select, joins: Sequence[Join]) -> Select:
    """A plain copy of ``select`` with ``joins`` given (instead of worked out)."""
    copied = Select.__new__(Select)
    copy_slots(select, copied)
    copied.joins = tuple(joins)
    return copied
