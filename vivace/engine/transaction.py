"""Transactions carried by a context variable, savepoints, and ``atomic()``.

Example::

    async with DB.transaction() as t:
        await Band.insert(Band(name="a"))     # joins t without being told
        sp = await t.savepoint()
        await Band.delete().where(Band.name == "a")
        await sp.rollback_to()
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable, Generator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Protocol, TypeVar

from vivace.engine.sync import run_sync
from vivace.exceptions import (
    DatabaseError,
    DeadlockDetected,
    LockTimeout,
    SerializationFailure,
    TransactionError,
)
from vivace.schema.column import check_plain_name

R = TypeVar("R")

_INTERRUPTED = (
    "a statement of this transaction was interrupted (cancelled, timed out or cut off): "
    "its outcome is unknown, so the transaction cannot go on and is rolled back"
)


class TransactionHost(Protocol):
    """What a transaction needs from its engine."""

    _transaction: Any
    dialect: Any

    async def _begin(self, transaction: Transaction) -> Any: ...

    async def _command(self, transaction: Transaction, sql: str) -> None: ...

    async def _end(self, transaction: Transaction, discard: bool) -> None: ...


class CurrentTransaction:
    """An engine's current transaction (``DB.current_transaction``): call it, or ``get()``
    it as Piccolo's context variable. Each task sees its own.

    Example: ``DB.current_transaction()`` or ``DB.current_transaction.get()`` -> the
    ``Transaction`` the task's queries join, or None.
    """

    __slots__ = ("_var", "_hidden")

    def __init__(
        self, var: ContextVar[Transaction | None], hidden: Transaction | None = None
    ) -> None:
        self._var = var
        #: A transaction reported as None (``vivace.testing``'s rollback scope hides its own).
        self._hidden = hidden

    def __call__(self) -> Transaction | None:
        current = self._var.get()
        return None if current is self._hidden else current

    def get(self) -> Transaction | None:
        """The current transaction, or None (Piccolo's ``ContextVar.get()``)."""
        return self()


class Transaction:
    """One database transaction on one connection; nested ones join it.

    ``async with`` commits on a clean exit and rolls back on an exception. A task
    cancelled inside it never leaves the connection half-way: it is rolled back, or
    discarded when its state is unknown.

    Example::

        async with DB.transaction():
            await Band.insert(Band(name="Pythonistas"))
            await Band.update({Band.popularity: 1000}).where(Band.name == "Pythonistas")
    """

    def __init__(self, engine: TransactionHost, allow_nested: bool = True, begin: str = "BEGIN"):
        self.engine = engine
        self.allow_nested = allow_nested
        self.begin_sql = begin
        self.connection: Any = None
        #: Serialises statements of tasks that share the transaction's connection.
        self.lock = asyncio.Lock()
        self._outer: Transaction | None = None
        self._token: Any = None
        self._finished = False
        #: Raw SQL ran in it: the session may have changed, reset it before reuse.
        self.needs_reset = False
        self._poisoned = False
        self._savepoints = itertools.count(1)

    async def __aenter__(self) -> Transaction:
        outer: Transaction | None = self.engine._transaction.get()
        if outer is not None:
            if not self.allow_nested:
                raise TransactionError(
                    "A transaction is already active - nested transactions aren't allowed."
                )
            self._outer = outer
            return outer
        await self.begin()
        return self

    async def begin(self) -> None:
        """Start the transaction (``async with`` does this for you).

        Example::

            async with DB.transaction() as t:  # entering runs await t.begin()
                await Band.insert(Band(name="Pythonistas"))
        """
        self.connection = await self.engine._begin(self)
        self._token = self.engine._transaction.set(self)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if self._outer is not None:
            return False
        discard = self._poisoned
        try:
            if not self._finished:
                if discard:
                    # Never commit after an interrupted statement; the server rolls
                    # back when the connection is discarded.
                    if exc is None:
                        raise TransactionError(_INTERRUPTED)
                elif exc is None:
                    await self.commit()
                elif isinstance(exc, Exception) and (
                    isinstance(exc, DatabaseError) or not self.lock.locked()
                ):
                    await self.rollback()
                else:
                    # Cancelled (or worse) possibly mid-statement: the connection's state is
                    # unknown, so it is thrown away; the server rolls back on disconnect.
                    discard = True
        except BaseException:
            discard = True
            raise
        finally:
            self._finished = True
            self._forget()
            await self.engine._end(self, discard)
        return False

    def _forget(self) -> None:
        try:
            self.engine._transaction.reset(self._token)
        except ValueError:
            # Exited from another context than it was entered in.
            self.engine._transaction.set(None)

    def check_open(self) -> None:
        """Raise if the transaction has ended (a task that outlived it tries to use it).

        Example: after ``async with DB.transaction() as t: ...``, ``t.check_open()``
        raises ``TransactionError``.
        """
        if self._finished:
            raise TransactionError("this transaction has already been committed or rolled back")
        if self._poisoned:
            raise TransactionError(_INTERRUPTED)

    def poison(self) -> None:
        """Mark that a statement was interrupted mid-way: refuse every further use.

        Engines call this; the connection is then discarded, never committed on.

        Example: after ``t.poison()``, ``t.check_open()`` raises ``TransactionError`` and
        leaving the ``async with`` block raises it too instead of committing.
        """
        self._poisoned = True

    async def commit(self) -> None:
        """Commit now; the ``async with`` block then only closes it.

        Example::

            async with DB.transaction() as t:
                await Band.insert(Band(name="Pythonistas"))
                await t.commit()
        """
        self.check_open()
        try:
            await self.engine._command(self, "COMMIT")
        finally:
            self._finished = True

    async def rollback(self) -> None:
        """Roll back now; the ``async with`` block then only closes it.

        Example::

            async with DB.transaction() as t:
                await Band.delete(force=True)
                await t.rollback()  # every band is still there
        """
        if self._poisoned and not self._finished:
            self._finished = True  # the connection is discarded on exit: nothing to send
            return
        self.check_open()
        try:
            await self.engine._command(self, "ROLLBACK")
        finally:
            self._finished = True

    async def savepoint(self, name: str | None = None) -> Savepoint:
        """Mark a point to roll back to: ``sp = await t.savepoint()``."""
        self.check_open()
        name = check_plain_name(name or f"savepoint_{next(self._savepoints)}", "savepoint name")
        await self.engine._command(self, self.engine.dialect.savepoint_sql(name))
        return Savepoint(self, name)

    async def rollback_to(self, savepoint_name: str) -> None:
        """Undo everything since the savepoint of this name: ``await t.rollback_to("one")``."""
        await Savepoint(self, check_plain_name(savepoint_name, "savepoint name")).rollback_to()

    def get_savepoint_id(self) -> int:
        """The number the next unnamed savepoint gets.

        Example: in a new transaction ``t.get_savepoint_id()`` -> ``1``; the next unnamed
        ``await t.savepoint()`` is then called ``savepoint_2``.
        """
        return next(self._savepoints)


class Savepoint:
    """A savepoint inside a transaction: ``await sp.rollback_to()`` or ``await sp.release()``."""

    def __init__(self, transaction: Transaction, name: str) -> None:
        self.transaction, self.name = transaction, name

    async def rollback_to(self) -> None:
        """Undo everything since the savepoint; the transaction goes on.

        Example::

            sp = await t.savepoint()
            await Band.delete().where(Band.name == "Pythonistas")
            await sp.rollback_to()  # the band is back
        """
        self.transaction.check_open()
        engine = self.transaction.engine
        await engine._command(self.transaction, engine.dialect.rollback_to_savepoint_sql(self.name))

    async def release(self) -> None:
        """Keep the changes and forget the savepoint.

        Example: ``sp = await t.savepoint("before_import")``, then ``await sp.release()``.
        """
        self.transaction.check_open()
        engine = self.transaction.engine
        await engine._command(self.transaction, engine.dialect.release_savepoint_sql(self.name))


async def run_in_transaction(
    engine: Any,
    fn: Callable[..., Awaitable[R]],
    *args: Any,
    retries: int = 3,
    **options: Any,
) -> R:
    """Run ``await fn(*args)`` in a transaction; re-run it when the database rolled it back.

    Only ``SerializationFailure``, ``DeadlockDetected`` and ``LockTimeout`` are retried:
    the database reports them instead of committing, so the attempt is known not to have
    committed (also when the error comes from COMMIT itself). Anything else, including a
    lost connection whose COMMIT may or may not have happened, propagates at once. ``fn``
    must do all its work through the engine: effects outside the database are not
    undone between attempts.
    """
    if retries < 0:
        raise ValueError("retries must be >= 0")
    if engine.transaction_exists():
        raise TransactionError(
            "run_in_transaction() cannot retry inside an open transaction: "
            "the outer transaction was rolled back as a whole"
        )
    attempt = 0
    while True:
        try:
            async with engine.transaction(allow_nested=False, **options):
                return await fn(*args)
        except (SerializationFailure, DeadlockDetected, LockTimeout):
            if attempt >= retries:
                raise
        attempt += 1
        # Back off a little, randomly, so that the transactions that collided part ways.
        await asyncio.sleep(random.uniform(0, min(0.01 * 2**attempt, 0.5)))


class _Runnable(Protocol):
    def run(self) -> Awaitable[Any]: ...


class Atomic:
    """Queries run together in one transaction.

    Example: ``a = DB.atomic(); a.add(q1, q2); await a.run()``.
    """

    def __init__(self, engine: Any, **options: Any) -> None:
        self.engine = engine
        self.options = options
        self.queries: list[_Runnable] = []

    def add(self, *queries: _Runnable) -> None:
        """Queue queries to run, in order.

        Example: ``a.add(Band.insert(Band(name="a")), Band.delete().where(Band.name == "b"))``.
        """
        self.queries.extend(queries)

    async def run(self) -> None:
        """Run every queued query in one transaction (joining the current one, if any).

        Example: ``a = DB.atomic(); a.add(q1, q2); await a.run()``.
        """
        async with self.engine.transaction(**self.options):
            for query in self.queries:
                await query.run()

    def run_sync(self) -> None:
        """``run()`` from synchronous code."""
        run_sync(self.run())

    def __await__(self) -> Generator[Any, None, None]:
        return self.run().__await__()
