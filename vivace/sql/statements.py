"""Statement nodes: SELECT, INSERT, UPDATE, DELETE.

A statement's ``_key`` walks its parts in the order the compiler renders them,
so parameter values line up with placeholders.

Example::

    stmt = Select(Band, columns=(Band.name,), where=Band.popularity > 100)
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Sequence
from typing import Any

from vivace.sql.nodes import Alias, ColumnNode, Condition, Expr, Join, Node, OrderItem

#: A column's shape (its part of a statement's key), for ``map``.
_SHAPE = operator.attrgetter("_shape")


class Select(Node):
    """``SELECT [DISTINCT [ON]] columns FROM table joins WHERE ... LIMIT ... OFFSET ...``.

    ``limit`` and ``offset`` are bound parameters, so paging does not create new shapes.
    """

    __slots__ = (
        "table",
        "columns",
        "joins",
        "where",
        "group_by",
        "having",
        "order_by",
        "limit",
        "offset",
        "distinct",
        "distinct_on",
        "lock",
    )
    visit_name = "select"

    def __init__(
        self,
        table: Any,
        columns: Sequence[Expr] = (),
        joins: Sequence[Join] = (),
        where: Condition | None = None,
        group_by: Sequence[Expr] = (),
        having: Condition | None = None,
        order_by: Sequence[OrderItem] = (),
        limit: int | None = None,
        offset: int | None = None,
        distinct: bool = False,
        distinct_on: Sequence[Expr] = (),
        lock: tuple[str, bool, bool, tuple[Any, ...]] | None = None,
    ) -> None:
        self.table, self.columns, self.joins = table, tuple(columns), tuple(joins)
        self.where, self.group_by, self.having = where, tuple(group_by), having
        self.order_by, self.limit, self.offset = tuple(order_by), limit, offset
        self.distinct, self.distinct_on, self.lock = distinct, tuple(distinct_on), lock

    def _key(self, values: list[Any]) -> Hashable:
        key: list[Hashable] = ["SELECT", self.table, self.distinct]
        if self.distinct_on:
            key.append(("DON", *[e._key(values) for e in self.distinct_on]))
        # Plain columns carry their key ready-made, and an aliased column's is inlined:
        # no call per column.
        columns = []
        for c in self.columns:
            if isinstance(c, ColumnNode):
                columns.append(c._shape)
            elif type(c) is Alias and isinstance(c.expr, ColumnNode):
                columns.append(("AS", c.name, c.expr._shape))
            else:
                columns.append(c._key(values))
        key.append(tuple(columns))
        if self.joins:
            key.append(tuple([j._key(values) for j in self.joins]))
        key.append(None if self.where is None else self.where._key(values))
        if self.group_by:
            key.append(("G", *[g._key(values) for g in self.group_by]))
        if self.having is not None:
            key.append(("H", self.having._key(values)))
        if self.order_by:
            order: list[Hashable] = ["O"]
            for o in self.order_by:
                if isinstance(o.expr, ColumnNode):  # inlined, as OrderItem._key gives it
                    order.append(("O", o.ascending, o.expr._shape))
                else:
                    order.append(o._key(values))
            key.append(tuple(order))
        if self.limit is not None:
            values.append(self.limit)
            key.append("L")
        if self.offset is not None:
            values.append(self.offset)
            key.append("OFF")
        if self.lock is not None:
            key.append(self.lock)
        return tuple(key)


class OnConflict(Node):
    """``ON CONFLICT (target) DO NOTHING | DO UPDATE SET ... WHERE ...``.

    Keys never hold expression objects themselves (their ``==`` builds SQL), only shapes.
    """

    __slots__ = ("target", "action", "assignments", "where")
    visit_name = "on_conflict"

    def __init__(
        self,
        target: Sequence[ColumnNode] | str | None,
        action: str,
        assignments: Sequence[tuple[ColumnNode, Expr | None]] = (),
        where: Condition | None = None,
    ) -> None:
        self.target = target if isinstance(target, str) or target is None else tuple(target)
        self.action, self.assignments, self.where = action, tuple(assignments), where

    def _key(self, values: list[Any]) -> Hashable:
        assigned = tuple(
            (col._shape, None if expr is None else expr._key(values))
            for col, expr in self.assignments
        )
        where = None if self.where is None else self.where._key(values)
        target = (
            self.target
            if isinstance(self.target, str) or self.target is None
            else tuple(c._shape for c in self.target)
        )
        return ("OC", target, self.action, assigned, where)


class Insert(Node):
    """``INSERT INTO table (columns) VALUES (...), (...) [ON CONFLICT ...] [RETURNING ...]``.

    ``rows`` are tuples of plain Python values, one per column, all bound as parameters.
    """

    __slots__ = ("table", "columns", "rows", "returning", "on_conflict")
    visit_name = "insert"

    def __init__(
        self,
        table: Any,
        columns: Sequence[ColumnNode],
        rows: Sequence[Sequence[Any]],
        returning: Sequence[Expr] = (),
        on_conflict: OnConflict | None = None,
    ) -> None:
        self.table, self.columns, self.rows = table, tuple(columns), rows
        self.returning, self.on_conflict = tuple(returning), on_conflict

    def _key(self, values: list[Any]) -> Hashable:
        for row in self.rows:
            values.extend(row)
        conflict = None if self.on_conflict is None else self.on_conflict._key(values)
        # List comprehensions and map: fewer Python calls than generators (hot path).
        returning = tuple([r._key(values) for r in self.returning])
        columns = tuple(map(_SHAPE, self.columns))
        return ("INSERT", self.table, columns, len(self.rows), conflict, returning)


class Update(Node):
    """``UPDATE table SET col = expr, ... WHERE ... [RETURNING ...]``."""

    __slots__ = ("table", "assignments", "where", "returning")
    visit_name = "update"

    def __init__(
        self,
        table: Any,
        assignments: Sequence[tuple[ColumnNode, Expr]],
        where: Condition | None = None,
        returning: Sequence[Expr] = (),
    ) -> None:
        self.table, self.assignments = table, tuple(assignments)
        self.where, self.returning = where, tuple(returning)

    def _key(self, values: list[Any]) -> Hashable:
        assigned = tuple([(col._shape, expr._key(values)) for col, expr in self.assignments])
        where = None if self.where is None else self.where._key(values)
        returning = tuple([r._key(values) for r in self.returning]) if self.returning else ()
        return ("UPDATE", self.table, assigned, where, returning)


class Delete(Node):
    """``DELETE FROM table WHERE ... [RETURNING ...]``."""

    __slots__ = ("table", "where", "returning")
    visit_name = "delete"

    def __init__(
        self, table: Any, where: Condition | None = None, returning: Sequence[Expr] = ()
    ) -> None:
        self.table, self.where, self.returning = table, where, tuple(returning)

    def _key(self, values: list[Any]) -> Hashable:
        where = None if self.where is None else self.where._key(values)
        returning = tuple(r._key(values) for r in self.returning)
        return ("DELETE", self.table, where, returning)
