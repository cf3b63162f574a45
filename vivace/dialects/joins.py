"""Working out the LEFT JOINs a statement needs, from the join paths of its columns.

Done by the compiler on a cache miss only: the shape key already holds every column's
join path, so a cache hit needs no walk at all.

Example::

    joins_for([Band.manager.name])   # (LEFT JOIN "manager" AS "manager" ON ...,)

A join is aliased after its path of keys, so a key named like a table the statement reads
without an alias (``Manager.manager`` in a query on ``manager``) would make two tables of
one name: the compiler writes such an alias as ``free_alias`` gives it (``"manager$"``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from vivace.schema.foreign_key import ForeignKey
from vivace.sql.cte import CommonTableExpression
from vivace.sql.nodes import (
    ColumnNode,
    Comparison,
    Condition,
    InList,
    Join,
    ValueComparison,
    child_nodes,
)
from vivace.sql.related import RelatedRows
from vivace.sql.statements import Delete, Insert, Select, Update

#: PostgreSQL truncates longer identifiers: longer aliases are shortened with a digest.
_IDENTIFIER_BYTES = 63


def join_alias(chain: Iterable[Any]) -> str:
    """A stable alias for a join path: ``manager`` or ``band_1$manager``."""
    return short_identifier("$".join(fk._alias_segment for fk in chain))


def short_identifier(name: str) -> str:
    """``name``, or when longer than PostgreSQL keeps, a stable shortened form of it."""
    if len(name.encode()) <= _IDENTIFIER_BYTES:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:12]
    head = name.encode()[:40].decode(errors="ignore")
    return f"{head}~{digest}"


def free_alias(alias: str, taken: frozenset[str]) -> str:
    """``alias``, or when a table of the statement goes by that name (``taken``, lower-case:
    SQLite ignores case), ``alias$``. No join's own alias ends with ``$`` (its last part
    is a key's name, ``name[]`` or ``column=table.column``), so the new name is no other
    join's alias either."""
    while alias.lower() in taken:
        alias = short_identifier(alias + "$")
    return alias


def table_names(node: Any) -> frozenset[str]:
    """The names, lower-case, that the tables of ``node`` and of every statement nested in
    it go by without an alias: FROM and target tables, CTEs (a LEFT JOIN's table goes by
    its alias)."""
    found: set[str] = set()
    _add_table_names(node, found)
    return frozenset(found)


def _add_table_names(node: Any, found: set[str]) -> None:
    if isinstance(node, ColumnNode) or type(node) is ValueComparison:
        return  # a column's table is some statement's, or joined
    if isinstance(node, Join):
        if node.table is None:  # a CROSS JOIN of a CTE, named as the CTE
            found.add(node.alias.lower())
        return
    if isinstance(node, CommonTableExpression):
        found.add(node.name.lower())
    elif isinstance(node, Select | Insert | Update | Delete):
        name = getattr(getattr(node.table, "_meta", None), "tablename", None)
        if isinstance(name, str):  # a table, or a CTE read as one
            found.add(name.lower())
    for child in child_nodes(node):
        _add_table_names(child, found)


def columns_in(node: Any) -> Iterator[Any]:
    """Every column in an expression tree (subqueries excluded: they join on their own)."""
    if isinstance(node, ColumnNode):
        yield node
        return
    if isinstance(node, Select):
        return
    if type(node) is ValueComparison:
        # A column against a plain value: reading ``right`` would make its parameter.
        yield from columns_in(node.left)
        return
    if isinstance(node, RelatedRows):
        # Its rows come from its own FROM: only the outer row's key joins out here.
        yield from columns_in(node.step)
        return
    for child in child_nodes(node):
        yield from columns_in(child)


def joins_for(nodes: Iterable[Any]) -> tuple[Join, ...]:
    """The LEFT JOINs the columns in ``nodes`` need, each path once, parents first."""
    joins: dict[str, Join] = {}
    for node in nodes:
        if node is None:
            continue
        for column in columns_in(node):
            chain = column._meta.call_chain
            for depth in range(1, len(chain) + 1):
                alias = join_alias(chain[:depth])
                if alias not in joins:
                    joins[alias] = _join(chain[depth - 1], chain[:depth], alias)
    return tuple(joins.values())


def select_joins(node: Select) -> tuple[Join, ...]:
    """The joins of a SELECT: given ones, else those its columns and clauses need."""
    if node.joins:
        return node.joins
    return joins_for(
        [
            *node.distinct_on,
            *node.columns,
            node.where,
            *node.group_by,
            node.having,
            *(item.expr for item in node.order_by),
        ]
    )


def without_joins(table: Any, where: Condition | None) -> Condition | None:
    """UPDATE and DELETE cannot join: a where() reaching other tables (``Band.manager.name``)
    becomes ``pk IN (SELECT pk FROM ... LEFT JOIN ... WHERE ...)``, as Piccolo does."""
    if where is None:
        return None
    joins = joins_for([where])
    if not joins:
        return where
    pk = table._meta.primary_key
    condition = InList(pk, (), negate=False)
    condition.subquery = Select(table, (pk,), joins, where)
    return condition


def step_join(fk: ForeignKey[Any], path: tuple[ForeignKey[Any], ...], alias: str) -> Join:
    """The join of the last key of ``path`` (``fk``): ``LEFT JOIN target AS alias ON ...``."""
    return _join(fk, path, alias)


def _join(fk: ForeignKey[Any], path: tuple[ForeignKey[Any], ...], alias: str) -> Join:
    cached: Join | None = fk.__dict__.get("_join_node")
    if cached is None:
        target = fk.target_column._joined(path)
        cached = Join(fk.resolved_references, alias, Comparison(fk, "=", target))
        fk.__dict__["_join_node"] = cached
    return cached
