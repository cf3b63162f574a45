"""The base of every query builder: lazy, awaitable, and copied on every clause.

Example::

    query = Band.select(Band.name)
    narrower = query.where(Band.popularity > 100)   # `query` is unchanged
    rows = await narrower                            # or narrower.run(), narrower.run_sync()
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any, Generic, Self, TypeVar

from vivace.dialects import join_alias
from vivace.engine import Engine, run_sync
from vivace.exceptions import ConfigurationError, QueryError
from vivace.schema import Column, ForeignKey
from vivace.sql import And, ColumnNode, Comparison, Join, Node, bool_guard
from vivace.sql.nodes import Condition

R = TypeVar("R")


class Query(Generic[R]):
    """A lazy query on ``table``. Await it to run it."""

    __slots__ = ("table",)

    def __init__(self, table: Any) -> None:
        self.table = table

    # running ----------------------------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, R]:
        return self.run().__await__()

    async def run(self, node: str | None = None, in_pool: bool = True) -> R:
        """Run the query; ``node`` picks one of the engine's ``extra_nodes`` (a replica)."""
        return await self._run(self._engine(node))

    def run_sync(self, node: str | None = None, timed: bool = False, in_pool: bool = False) -> R:
        """Run the query from synchronous code."""
        return run_sync(self.run(node=node))

    async def _run(self, engine: Engine) -> R:
        raise NotImplementedError

    def _engine(self, node: str | None = None) -> Engine:
        engine: Engine = self.table._meta.db
        if node is not None:
            nodes = getattr(engine, "extra_nodes", {})
            if node not in nodes:
                raise ConfigurationError(f"the engine has no extra node named {node!r}")
            engine = nodes[node]
        return engine

    # building -------------------------------------------------------------------------------------
    def _copy(self: Any) -> Any:
        # Cheaper than copy.copy (no reduce protocol): clauses copy the builder every call.
        cls = type(self)
        new = object.__new__(cls)
        for name in _slot_names(cls):
            setattr(new, name, getattr(self, name))
        return new

    def _statement(self) -> Node:
        raise NotImplementedError

    def __str__(self) -> str:
        """The SQL with values written in, for reading only (never run it)."""
        return self._engine().dialect.render_inline(self._statement())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"


_SLOTS: dict[type, tuple[str, ...]] = {}


def _slot_names(cls: type) -> tuple[str, ...]:
    names = _SLOTS.get(cls)
    if names is None:
        names = tuple(
            name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ()) if name
        )
        _SLOTS[cls] = names
    return names


class WhereMixin:
    """``where()``: conditions ANDed together, across calls too."""

    __slots__ = ()
    _where: tuple[Condition, ...]

    def where(self, *conditions: Any) -> Self:
        """Keep rows matching every condition: ``.where(Band.popularity > 100)``."""
        query: Self = self._copy()  # type: ignore[attr-defined]
        query._where = self._where + tuple(_condition(c) for c in conditions)  # type: ignore[misc]
        return query

    def _where_node(self) -> Condition | None:
        where = self._where
        if not where:
            return None
        if len(where) == 1:
            return where[0]
        return And(*where)


def _condition(condition: Any) -> Condition:
    # A QueryString/WhereRaw is a condition already; a bare bool is refused clearly.
    return bool_guard(condition)


def resolve_column(table: Any, column: Any) -> Any:
    """A column given as itself or by (dotted) name: ``"manager.name"``."""
    if isinstance(column, str):
        return table._meta.get_column_by_name(column)
    return column


def columns_in(node: Any) -> Iterable[Column[Any]]:
    """Every column in an expression tree (to find the joins it needs)."""
    if isinstance(node, ColumnNode):
        yield node  # type: ignore[misc]
        return
    for name in getattr(type(node), "__slots__", ()):
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


def joins_for(nodes: Iterable[Any]) -> tuple[Join, ...]:
    """The LEFT JOINs the columns in ``nodes`` need, each path once, parents first."""
    joins: dict[str, Join] = {}
    for node in nodes:
        if isinstance(node, ColumnNode) and not node._meta.call_chain:
            continue  # the common case, without walking
        for column in columns_in(node):
            chain = column._meta.call_chain
            for depth in range(1, len(chain) + 1):
                alias = join_alias(chain[:depth])
                if alias not in joins:
                    joins[alias] = _join(chain[depth - 1], chain[:depth], alias)
    return tuple(joins.values())


def _join(fk: ForeignKey[Any], path: tuple[ForeignKey[Any], ...], alias: str) -> Join:
    cached: Join | None = fk.__dict__.get("_join_node")
    if cached is None:
        target = fk.target_column._joined(path)
        cached = Join(fk.resolved_references, alias, Comparison(fk, "=", target))
        fk.__dict__["_join_node"] = cached
    return cached


def check_force(query: Any, what: str) -> None:
    """Refuse an update/delete of every row unless asked with ``force=True``."""
    if not query._where and not query._force:
        raise QueryError(
            f"{what} without where() would change every row of {query.table.__name__}: "
            f"add where(...) or pass force=True"
        )
