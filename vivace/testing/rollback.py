"""``RollbackScope``: everything an engine does inside it is rolled back at the end.

The scope opens one transaction (the *base*) on the engine. Code under test that opens
its own transaction there gets a savepoint instead, which behaves like the transaction
it asked for: committed (released) on a clean exit, rolled back on an exception or by
``rollback()``, refusing ``allow_nested=False`` only inside another one, and
``run_in_transaction`` works. ``transaction_exists()`` answers as it would without the
scope, unless the scope is ``visible`` (``AsyncTransactionTest``'s, as Piccolo's): then
the scope's transaction is the task's current one, ``transaction_exists()`` is True and
``transaction(allow_nested=False)`` raises ``TransactionError`` (``run_in_transaction``
still runs, in a savepoint). Whatever was committed that way is still undone when the
scope ends, because the base transaction is rolled back. Transaction options (``isolation_level``,
``transaction_type``) do not apply to a savepoint and are ignored inside the scope.

Tasks that do not inherit the scope's context (made before it, or in another thread)
are untouched: they use the engine as usual, and so are other engines.

A statement outside the code's own transactions runs in a savepoint of its own too, so
when it fails (a unique violation the test expects) only it is undone, as without the
scope; otherwise PostgreSQL would refuse every later statement of the test.

Example::

    async with RollbackScope(DB):
        await Band.insert(Band(name="gone soon"))
        async with DB.transaction():      # a savepoint inside the scope
            ...
    # nothing of the above is in the database
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from vivace.engine import Engine, Transaction
from vivace.engine.transaction import CurrentTransaction
from vivace.exceptions import DeadlockDetected, LockTimeout, SerializationFailure

_names = itertools.count(1)
R = TypeVar("R")


class _SavepointTransaction(Transaction):
    """What ``engine.transaction()`` gives at the top of a rollback scope: a savepoint on
    the base transaction's connection that acts like a transaction of its own."""

    def __init__(self, base: Transaction, engine: Any, allow_nested: bool) -> None:
        super().__init__(engine, allow_nested=allow_nested)
        self._base = base
        self._name = f"vivace_test_{next(_names)}"

    async def __aenter__(self) -> Transaction:
        # Made only at the top of the scope: always a savepoint of its own, never a join.
        await self.begin()
        return self

    async def begin(self) -> None:
        base = self._base
        base.check_open()
        # The base's connection, and its lock: statements of both never interleave.
        self.connection, self.lock = base.connection, base.lock
        await self.engine._command(base, f'SAVEPOINT "{self._name}"')
        self._token = self.engine._transaction.set(self)

    async def commit(self) -> None:
        self.check_open()
        try:
            await self.engine._command(self._base, f'RELEASE SAVEPOINT "{self._name}"')
        finally:
            self._finished = True

    async def rollback(self) -> None:
        if self._finished:
            return
        try:
            if not self._poisoned:
                await self.engine._command(self._base, f'ROLLBACK TO SAVEPOINT "{self._name}"')
                await self.engine._command(self._base, f'RELEASE SAVEPOINT "{self._name}"')
        finally:
            self._finished = True

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if self._outer is not None:
            return False
        try:
            if not self._finished:
                if exc is None and not self._poisoned:
                    await self.commit()
                else:
                    await self.rollback()
        finally:
            self._finished = True
            self._forget()
            # What happened to the shared connection matters to the base transaction.
            if self._poisoned:
                self._base.poison()
            if self.needs_reset:
                self._base.needs_reset = True
        return False


class RollbackScope:
    """``async with RollbackScope(engine) as base:`` runs its body in a transaction that
    is always rolled back; see the module docstring.

    ``visible=True`` leaves the scope's transaction in sight of the code under test:
    ``engine.transaction_exists()`` is True and ``engine.current_transaction()`` is
    ``base`` at the top of the scope.

    Example::

        async with RollbackScope(DB, visible=True) as base:
            DB.transaction_exists()  # True (False without visible=True)
            async with DB.transaction():  # still a savepoint of its own
                ...
    """

    def __init__(self, engine: Engine, *, visible: bool = False) -> None:
        self.engine = engine
        self.visible = visible
        self.base: Transaction | None = None
        self._saved: dict[str, Any] = {}
        #: The engine attributes the scope set, undone at its end.
        self._patched: list[str] = []

    async def __aenter__(self) -> Transaction:
        engine = self.engine
        base = engine.transaction()
        await base.__aenter__()
        self.base = base
        # Instance attributes shadow the engine's methods for the scope's duration only.
        for name, patch in self._patches(base).items():
            if name in vars(engine):
                self._saved[name] = vars(engine)[name]
            vars(engine)[name] = patch
            self._patched.append(name)
        return base

    def _patches(self, base: Transaction) -> dict[str, Callable[..., Any]]:
        engine = self.engine
        original_transaction = engine.transaction
        original_exists = engine.transaction_exists
        original_fetch, original_fetch_sql = engine.fetch, engine.fetch_sql
        # Statements at the top of the scope, one at a time with their savepoints.
        statement_lock = asyncio.Lock()
        visible = self.visible

        def transaction(allow_nested: bool = True, **options: Any) -> Transaction:
            if engine._transaction.get() is base and (allow_nested or not visible):
                return _SavepointTransaction(base, engine, allow_nested)
            # Elsewhere, and for allow_nested=False in sight of the base (which refuses).
            return original_transaction(allow_nested=allow_nested, **options)

        def transaction_exists() -> bool:
            return engine._transaction.get() is not base and original_exists()

        original_run_in_transaction = engine.run_in_transaction

        async def run_in_transaction(
            fn: Callable[..., Awaitable[R]], *args: Any, retries: int = 3, **options: Any
        ) -> R:
            """At the top of a visible scope, ``fn`` runs in a savepoint, retried as a
            transaction would be (the scope's own transaction is not the code's)."""
            if engine._transaction.get() is not base:
                return await original_run_in_transaction(fn, *args, retries=retries, **options)
            if retries < 0:
                raise ValueError("retries must be >= 0")
            attempt = 0
            while True:
                try:
                    async with _SavepointTransaction(base, engine, allow_nested=False):
                        return await fn(*args)
                except (SerializationFailure, DeadlockDetected, LockTimeout):
                    if attempt >= retries:
                        raise
                attempt += 1

        async def alone(run: Callable[..., Awaitable[R]], *args: Any) -> R:
            """A statement outside the code's own transactions, in a savepoint: when it
            fails, only it is undone, and the scope's transaction goes on (PostgreSQL
            would otherwise refuse every later statement of the test)."""
            if engine._transaction.get() is not base:
                return await run(*args)
            async with statement_lock:
                name = f"vivace_statement_{next(_names)}"
                await base.engine._command(base, f'SAVEPOINT "{name}"')
                try:
                    result = await run(*args)
                except Exception:
                    if not base._poisoned:
                        await base.engine._command(base, f'ROLLBACK TO SAVEPOINT "{name}"')
                        await base.engine._command(base, f'RELEASE SAVEPOINT "{name}"')
                    raise
                await base.engine._command(base, f'RELEASE SAVEPOINT "{name}"')
                return result

        async def fetch(compiled: Any, values: Sequence[Any]) -> list[Any]:
            return await alone(original_fetch, compiled, values)

        async def fetch_sql(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
            return await alone(original_fetch_sql, sql, params)

        patches: dict[str, Callable[..., Any]] = {
            "transaction": transaction,
            "fetch": fetch,
            "fetch_sql": fetch_sql,
        }
        if visible:
            patches["run_in_transaction"] = run_in_transaction
        else:
            patches["transaction_exists"] = transaction_exists
            patches["current_transaction"] = CurrentTransaction(engine._transaction, hidden=base)
        return patches

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        engine, base = self.engine, self.base
        for name in self._patched:
            if name in self._saved:
                vars(engine)[name] = self._saved.pop(name)
            else:
                vars(engine).pop(name, None)
        self._patched.clear()
        if base is not None:
            self.base = None
            try:
                await base.rollback()
            finally:
                # Rolled back already: exiting only ends it and hands the connection back.
                await base.__aexit__(None, None, None)
        return False
