"""``query.freeze()``: a prepared query, built and compiled once, run many times.

The statement is built and its shape walked once, when ``freeze()`` is called; it is
compiled once per dialect, on its first run, and kept by the frozen query itself (an
LRU eviction never drops it). Each run only puts in the values of its placeholders,
binds, runs, and maps rows as the original query does (output options, callbacks,
``first()``, objects).

Values that change per run are ``Placeholder``s; everything else is fixed::

    from vivace.query import Placeholder

    by_popularity = (
        Band.select(Band.name)
        .where(Band.popularity >= Placeholder("least"))
        .order_by(Band.name)
        .freeze()
    )
    await by_popularity.run(least=100)
    await by_popularity.run(least=500)
    by_popularity.run_sync(least=10)

    names = Band.select(Band.name).freeze()   # Piccolo's plain freeze()
    await names

A placeholder takes its type from what it is compared with (or assigned to), so its
values are converted as that column's are. Placeholders stand for single values
(not the list of an ``is_in``, nor ``limit``/``offset``).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, Generic, TypeVar

from vivace.dialects import Compiled, Dialect
from vivace.engine import Engine, run_sync
from vivace.exceptions import QueryError
from vivace.sql import Node
from vivace.sql.placeholder import Placeholder
from vivace.types.choices import member_value

R = TypeVar("R")

#: The builder methods that make a query's statement; a frozen run answers them with
#: the frozen statement, which the engine wrapper then recognises by identity.
_STATEMENT_METHODS = ("_statement", "_select_statement")


class FrozenQuery(Generic[R]):
    """A query whose SQL is kept compiled: ``await frozen.run(name=value, ...)``."""

    def __init__(self, query: Any) -> None:
        self._query = query
        statement: Node = query._statement()
        template: list[Any] = []
        statement._key(template)
        self._statement = statement
        self._template = template
        self._slots = tuple((i, v.name) for i, v in enumerate(template) if type(v) is Placeholder)
        self._names = frozenset(name for _, name in self._slots)
        self._compiled: dict[Dialect, Compiled] = {}
        self._runner = _runner(query, statement)

    @property
    def placeholders(self) -> frozenset[str]:
        """The names of the values each run takes."""
        return self._names

    # running ------------------------------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, R]:
        return self.run().__await__()

    async def run(self, node: str | None = None, in_pool: bool = True, **values: Any) -> R:
        """Run with these placeholder values: ``await frozen.run(id=3)``."""
        bound = self._values(values)
        routing = self._query.table._meta.db.read_routing if node is None else None
        if routing is not None:

            async def run_on(engine: Engine) -> R:
                result: R = await self._runner._run(_FrozenEngine(engine, self, bound, values))
                return result

            return await routing.run(run_on, self._runner._reads_only())  # type: ignore[no-any-return]
        engine: Engine = self._query._engine(node)
        wrapper = _FrozenEngine(engine, self, bound, values)
        result: R = await self._runner._run(wrapper)
        return result

    def run_sync(
        self, node: str | None = None, timed: bool = False, in_pool: bool = False, **values: Any
    ) -> R:
        """``run()`` from synchronous code."""
        return run_sync(self.run(node=node, **values))

    def _values(self, given: Mapping[str, Any]) -> list[Any]:
        if given.keys() != self._names:
            missing = sorted(self._names - given.keys())
            unknown = sorted(given.keys() - self._names)
            problems = []
            if missing:
                problems.append(f"missing values for {', '.join(missing)}")
            if unknown:
                problems.append(f"no placeholders named {', '.join(unknown)}")
            raise QueryError("frozen query: " + "; ".join(problems))
        if not self._slots:
            return self._template
        values = list(self._template)
        for index, name in self._slots:
            values[index] = _plain(given[name])
        return values

    def _compiled_for(self, engine: Engine) -> Compiled:
        dialect = engine.dialect
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = dialect.compile(self._statement, self._template)
            self._compiled[dialect] = compiled
        return compiled

    def __str__(self) -> str:
        return str(self._query)

    def __repr__(self) -> str:
        return f"<FrozenQuery {self._query!r}>"


class _FrozenEngine:
    """The engine as the frozen query's runner sees it: the frozen statement compiles to
    the kept ``Compiled``; any other statement it runs compiles as usual, with its
    placeholders filled in."""

    def __init__(
        self, engine: Engine, frozen: FrozenQuery[Any], values: list[Any], given: Mapping[str, Any]
    ) -> None:
        self._engine, self._frozen, self._values, self._given = engine, frozen, values, given

    def compile(self, statement: Node) -> tuple[Compiled, Sequence[Any]]:
        frozen = self._frozen
        if statement is frozen._statement:
            return frozen._compiled_for(self._engine), self._values
        compiled, values = self._engine.compile(statement)
        given = self._given
        return compiled, [_plain(given[v.name]) if type(v) is Placeholder else v for v in values]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def _runner(query: Any, statement: Node) -> Any:
    """A copy of ``query`` (and of the query it wraps, for ``first()``/``get()``) whose
    statement methods hand out the frozen statement instead of building a new one."""

    def frozen_statement(*args: Any, **kwargs: Any) -> Node:
        return statement

    runner = query._copy()
    targets = [runner]
    inner = runner.__dict__.get("_objects")
    if hasattr(inner, "_copy"):
        inner = inner._copy()  # never change the query the frozen one was made from
        runner.__dict__["_objects"] = inner
        targets.append(inner)
    for target in targets:
        for name in _STATEMENT_METHODS:
            if hasattr(target, name):
                target.__dict__[name] = frozen_statement
    return runner


def _plain(value: Any) -> Any:
    return member_value(value)
