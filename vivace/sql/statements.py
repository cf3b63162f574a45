"""Statement nodes: SELECT, INSERT, UPDATE, DELETE.

A statement's ``_key`` walks its parts in the order the compiler renders them,
so parameter values line up with placeholders.

Example::

    stmt = Select(Band, columns=(Band.name,), where=Band.popularity > 100)
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Sequence
from itertools import chain
from typing import Any

from vivace.sql.nodes import (
    Alias,
    ColumnNode,
    Condition,
    Expr,
    Join,
    Node,
    OrderItem,
    ValueComparison,
)

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
        # One fixed layout (a part that is absent is None): no list grown part by part.
        # Parts are walked in the order the compiler renders them, for the values' order.
        distinct_on = self.distinct_on
        on = tuple([e._key(values) for e in distinct_on]) if distinct_on else None
        try:
            # Plain columns only (the common select): their keys are ready-made, read in C.
            columns = tuple(map(_SHAPE, self.columns))
        except AttributeError:
            columns = _column_keys(self.columns, values)
        joins = tuple([j._key(values) for j in self.joins]) if self.joins else None
        condition = self.where
        where: Hashable = None
        if type(condition) is ValueComparison:  # one ``column op value``: its key inlined
            values.append(condition.value)
            where = ("V", condition.op, condition.left._shape)
        elif condition is not None:
            where = condition._key(values)
        group_by = tuple([g._key(values) for g in self.group_by]) if self.group_by else None
        having = None if self.having is None else self.having._key(values)
        order: tuple[Hashable, ...] | None = None
        if self.order_by:
            # A column's sort key inlined (what OrderItem._key gives), one sort key without
            # a comprehension (a call of its own).
            first = self.order_by[0]
            if len(self.order_by) == 1 and isinstance(first.expr, ColumnNode):
                order = (("O", first.ascending, first.expr._shape),)
            else:
                order = tuple(
                    [
                        ("O", o.ascending, o.expr._shape)
                        if isinstance(o.expr, ColumnNode)
                        else o._key(values)
                        for o in self.order_by
                    ]
                )
        limit, offset = self.limit, self.offset
        if limit is not None:
            values.append(limit)
        if offset is not None:
            values.append(offset)
        return (
            "SELECT",
            self.table,
            self.distinct,
            on,
            columns,
            joins,
            where,
            group_by,
            having,
            order,
            limit is None,
            offset is None,
            self.lock,
        )


_new = object.__new__


def select_of(
    table: Any,
    columns: tuple[Expr, ...],
    where: Condition | None,
    group_by: tuple[Expr, ...],
    having: Condition | None,
    order_by: tuple[OrderItem, ...],
    limit: int | None,
    offset: int | None,
    distinct: bool,
    distinct_on: tuple[Expr, ...],
    lock: tuple[str, bool, bool, tuple[Any, ...]] | None,
) -> Select:
    """A ``Select`` of parts that are tuples already (a query builder's), without joins:
    no ``__init__`` call and no conversions (every query's statement is built here).

    Example: ``select_of(Band, (Band.name,), None, (), None, (), 10, None, False, (), None)``.
    """
    node = _new(Select)
    node.table, node.columns, node.joins, node.where = table, columns, (), where
    node.group_by, node.having, node.order_by = group_by, having, order_by
    node.limit, node.offset, node.distinct = limit, offset, distinct
    node.distinct_on, node.lock = distinct_on, lock
    return node


def _column_keys(columns: Sequence[Expr], values: list[Any]) -> tuple[Hashable, ...]:
    """The keys of selected expressions; a column's and an aliased column's inlined."""
    keys: list[Hashable] = []
    for c in columns:
        if isinstance(c, ColumnNode):
            keys.append(c._shape)
        elif type(c) is Alias and isinstance(c.expr, ColumnNode):
            keys.append(("AS", c.name, c.expr._shape))
        else:
            keys.append(c._key(values))
    return tuple(keys)


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

    ``rows`` are tuples of plain Python values, one per column, all bound as parameters;
    ``on_conflict`` is one clause, several (in order: SQLite takes many) or none.
    """

    __slots__ = ("table", "columns", "rows", "returning", "on_conflict")
    visit_name = "insert"

    def __init__(
        self,
        table: Any,
        columns: Sequence[ColumnNode],
        rows: Sequence[Sequence[Any]],
        returning: Sequence[Expr] = (),
        on_conflict: OnConflict | Sequence[OnConflict] | None = None,
    ) -> None:
        self.table, self.columns, self.rows = table, tuple(columns), rows
        self.returning = tuple(returning)
        if on_conflict is None:
            self.on_conflict: tuple[OnConflict, ...] = ()
        elif isinstance(on_conflict, OnConflict):
            self.on_conflict = (on_conflict,)
        else:
            self.on_conflict = tuple(on_conflict)

    def _key(self, values: list[Any]) -> Hashable:
        values.extend(chain.from_iterable(self.rows))  # one C loop over every row
        conflict = tuple([c._key(values) for c in self.on_conflict]) if self.on_conflict else None
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
