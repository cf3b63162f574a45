"""The base of every query builder: lazy, awaitable, and copied on every clause.

Example::

    query = Band.select(Band.name)
    narrower = query.where(Band.popularity > 100)   # `query` is unchanged
    rows = await narrower                            # or narrower.run(), narrower.run_sync()
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Generic, Self, TypeVar

from vivace.engine import Engine, run_sync
from vivace.exceptions import DeletionError, UnknownNodeError, UpdateError
from vivace.orm.frozen import FrozenQuery
from vivace.sql import And, Node, bool_guard
from vivace.sql.nodes import Condition

R = TypeVar("R")


class Query(Generic[R]):
    """A lazy query on ``table``. Await it to run it."""

    def __init__(self, table: Any) -> None:
        self.table = table

    # running ----------------------------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, R]:
        return self.run().__await__()

    async def run(self, node: str | None = None, in_pool: bool = True) -> R:
        """Run the query; ``node`` picks one of the engine's ``extra_nodes`` (a replica).

        Without ``node``, an engine with ``read_routing`` picks the node itself.
        """
        engine: Engine = self.table._meta.db
        result: R
        if node is not None:
            engine = self._engine(node)
            result = await self._run(engine)
        elif engine.read_routing is not None:
            result = await engine.read_routing.run(self._run, self._reads_only())
        else:
            result = await self._run(engine)
        if engine.log_responses:
            engine._log_response(result)
        return result

    def run_sync(self, node: str | None = None, timed: bool = False, in_pool: bool = False) -> R:
        """Run the query from synchronous code."""
        return run_sync(self.run(node=node))

    async def _run(self, engine: Engine) -> R:
        raise NotImplementedError

    def _reads_only(self) -> bool:
        """Whether running this query changes nothing (read routing may send it to a
        replica). False unless a query class knows better: unknown means a write."""
        return False

    def _engine(self, node: str | None = None) -> Engine:
        engine: Engine = self.table._meta.db
        if node is not None:
            nodes = getattr(engine, "extra_nodes", {})
            if node not in nodes:
                raise UnknownNodeError(f"the engine has no extra node named {node!r}")
            engine = nodes[node]
        return engine

    # building -------------------------------------------------------------------------------------
    def _copy(self: Any) -> Any:
        # One C-level dict copy: clauses copy the builder on every call.
        new = object.__new__(type(self))
        new.__dict__ = self.__dict__.copy()
        return new

    def _statement(self) -> Node:
        raise NotImplementedError

    def __str__(self) -> str:
        """The SQL with values written in, for reading only (never run it)."""
        return self._engine().dialect.render_inline(self._statement())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def freeze(self) -> FrozenQuery[R]:
        """This query built and compiled once, to run many times (see ``vivace.orm.frozen``).

        Example: ``q = Band.select().where(Band.id == Placeholder("id")).freeze()``,
        then ``await q.run(id=3)``; with no placeholders, ``await q``.
        """
        return FrozenQuery(self)


class WhereMixin:
    """``where()``: conditions ANDed together, across calls too."""

    _where: tuple[Condition, ...]

    def where(self, *conditions: Any) -> Self:
        """Keep rows matching every condition: ``.where(Band.popularity > 100)``."""
        for condition in conditions:
            if not isinstance(condition, Condition):
                _condition(condition)  # raises: a bare bool, or no condition at all
        # The copy inlined (see ``Query._copy``): where() is on nearly every query's path.
        query: Self = object.__new__(type(self))
        query.__dict__ = self.__dict__.copy()
        query._where = self._where + conditions
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


def check_force(query: Any, what: str) -> None:
    """Refuse an update/delete of every row unless asked with ``force=True`` (Piccolo's
    error types and messages)."""
    if query._where or query._force:
        return
    name = query.table.__name__
    if what.startswith("delete"):
        raise DeletionError(
            f"Do you really want to delete all the data from {name}? "
            f"If so, use {name}.delete(force=True). Otherwise, add a where clause."
        )
    raise UpdateError(
        f"Do you really want to update all rows in {name}? If so, use pass `force=True` "
        f"into `{name}.update`. Otherwise, add a where clause."
    )
