"""``Engine``: runs compiled statements on a database, owns the pool and transactions.

Subclasses adapt one driver; the ORM only calls the methods defined here.

Example::

    DB = SQLiteEngine(path="app.sqlite")
    async with DB.transaction():
        await Band.insert(Band(name="Pythonistas"))
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from vivace.dialects import Compiled, Dialect
from vivace.engine.cache import CompiledCache
from vivace.engine.cursors import RowCursor
from vivace.engine.routing import ReadRouting
from vivace.engine.transaction import Atomic, Transaction, run_in_transaction
from vivace.schema.spec import SchemaSpec
from vivace.sql.nodes import Node

logger = logging.getLogger("vivace.engine")

R = TypeVar("R")


class Engine:
    """Base class of engines. ``engine_type`` is ``"postgres"``, ``"sqlite"`` or ``"mysql"``."""

    engine_type: ClassVar[str] = "base"
    dialect: Dialect
    #: Automatic read routing to replicas (``vivace.engine.routing``); None: every query
    #: runs on this engine unless ``run(node=...)`` picks an extra node.
    read_routing: ReadRouting | None = None

    def __init__(self, log_queries: bool = False, compiled_cache_size: int = 512) -> None:
        self.log_queries = log_queries
        self.compiled_cache = CompiledCache(compiled_cache_size)
        # The current transaction of this engine, per task (a task copies its creator's).
        self._transaction: ContextVar[Transaction | None] = ContextVar(
            f"vivace_transaction_{id(self)}", default=None
        )

    # compile ----------------------------------------------------------------------------------
    def compile(self, statement: Node) -> tuple[Compiled, list[Any]]:
        """The cached compiled form of ``statement`` and its values in placeholder order."""
        return self.compiled_cache.compile(self.dialect, statement)

    def _log(self, sql: str, params: Sequence[Any]) -> None:
        if self.log_queries or logger.isEnabledFor(logging.DEBUG):
            logger.info("%s %r", sql, list(params))

    # running ------------------------------------------------------------------------------------
    async def fetch(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        """Run a statement and return the driver's rows (indexable by position)."""
        raise NotImplementedError

    async def execute(self, compiled: Compiled, values: Sequence[Any]) -> None:
        """Run a statement whose rows are not needed."""
        await self.fetch(compiled, values)

    async def fetch_sql(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run SQL text written elsewhere (``raw()``, DDL helpers) and return dicts."""
        raise NotImplementedError

    async def execute_ddl(self, statements: Sequence[str]) -> None:
        """Run DDL statements in order (in the current transaction, if any)."""
        raise NotImplementedError

    def schema_transaction(self) -> Transaction:
        """A transaction for schema changes: ``async with DB.schema_transaction(): ...``.

        On SQLite, foreign keys are not enforced inside it (its table rebuilds need that;
        each rebuild checks them itself before it ends); elsewhere a plain transaction.
        """
        return self.transaction()

    async def introspect(
        self, schema_name: str | None = None, tablenames: Sequence[str] | None = None
    ) -> SchemaSpec:
        """The live schema as specs: ``(await DB.introspect()).by_tablename("band")``.

        ``schema_name`` picks a schema (PostgreSQL; the default one when None),
        ``tablenames`` some tables only (foreign keys to others are still described).
        """
        return await self.dialect.introspector.introspect(self.fetch_sql, schema_name, tablenames)

    def placeholder(self, position: int) -> str:
        """The bound-parameter marker at ``position`` (1-based) for SQL built by hand."""
        return self.dialect.compiler_class(self.dialect).placeholder(position)

    # transactions -------------------------------------------------------------------------------
    def transaction(self, allow_nested: bool = True, **options: Any) -> Transaction:
        """A transaction: ``async with DB.transaction() as t: ...`` (commit on exit)."""
        raise NotImplementedError

    async def run_in_transaction(
        self, fn: Callable[..., Awaitable[R]], *args: Any, retries: int = 3, **options: Any
    ) -> R:
        """``await fn(*args)`` in a transaction, re-run up to ``retries`` more times when
        the database rolled it back (serialization failure, deadlock, lock timeout).

        Example: ``await DB.run_in_transaction(transfer, a, b, isolation_level="serializable")``.
        Other keyword arguments go to ``transaction()``.
        """
        return await run_in_transaction(self, fn, *args, retries=retries, **options)

    def atomic(self, **options: Any) -> Atomic:
        """Queries collected with ``add`` and run together in one transaction; ``options``
        go to ``transaction()`` (SQLite: ``atomic(transaction_type=TransactionType.deferred)``)."""
        return Atomic(self, **options)

    def transaction_exists(self) -> bool:
        """Whether the current task is inside a transaction of this engine."""
        return self._transaction.get() is not None

    def current_transaction(self) -> Transaction | None:
        """The transaction the current task's queries join, if any."""
        return self._transaction.get()

    # pool -----------------------------------------------------------------------------------------
    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Open the connections now instead of on first use."""

    async def close_connection_pool(self) -> None:
        """Close every connection."""

    async def get_version(self) -> float:
        """The database server's version as ``major.minor``."""
        raise NotImplementedError

    async def prep_database(self) -> None:
        """Prepare the database for use (extensions). Nothing to do by default."""

    # cursors --------------------------------------------------------------------------------------
    def cursor(self, compiled: Compiled, values: Sequence[Any], batch_size: int) -> RowCursor:
        """The rows of a select in chunks of ``batch_size`` (see ``vivace.engine.cursors``).

        Example: ``async with engine.cursor(compiled, values, 1000) as c: await c.fetch()``.
        """
        raise NotImplementedError
