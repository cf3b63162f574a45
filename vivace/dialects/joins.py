"""Working out the LEFT JOINs a statement needs, from the join paths of its columns.

Done by the compiler on a cache miss only: the shape key already holds every column's
join path, so a cache hit needs no walk at all.

Example::

    joins_for([Band.manager.name])   # (LEFT JOIN "manager" AS "manager" ON ...,)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from vivace.schema.foreign_key import ForeignKey
from vivace.sql.nodes import (
    ColumnNode,
    Comparison,
    Condition,
    InList,
    Join,
    Node,
    ValueComparison,
)
from vivace.sql.related import RelatedRows
from vivace.sql.statements import Select

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
    for name in _slot_names(type(node)):
        child = getattr(node, name, None)
        if isinstance(child, Node):
            yield from columns_in(child)
        elif isinstance(child, tuple | list):
            for item in child:
                if isinstance(item, Node):
                    yield from columns_in(item)
                elif isinstance(item, tuple):
                    for sub in item:
                        if isinstance(sub, Node):
                            yield from columns_in(sub)


_SLOT_NAMES: dict[type, tuple[str, ...]] = {}


def _slot_names(cls: type) -> tuple[str, ...]:
    """Every slot of a node class, its bases' included (``QueryString`` adds none of its
    own: its expressions sit in ``Raw``'s slots)."""
    found = _SLOT_NAMES.get(cls)
    if found is None:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for name in vars(klass).get("__slots__", ()):
                if name not in names:
                    names.append(name)
        found = _SLOT_NAMES[cls] = tuple(names)
    return found


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
