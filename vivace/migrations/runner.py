"""Running one migration forwards or backwards on a database.

The statements come from the schema *before* the migration (replayed from the earlier
files, not read from the database) and the dialect's DDL compiler. Each migration runs
in one transaction together with its ``migration`` table row: a failure leaves the
database as it was and raises ``MigrationError`` naming the migration and the operation.

MariaDB/MySQL commit each DDL statement (``dialect.transactional_ddl`` is False): there
the transaction only keeps the ``migration`` row from being written when a statement
fails, and the statements that ran before it stay. ``MigrationError`` then lists them, so
they can be undone (or the rest run) by hand.

The second steps of the safe forms (``index_concurrently``, ``validate_separately``:
``CREATE INDEX CONCURRENTLY``, ``VALIDATE CONSTRAINT``...) cannot run in that transaction:
they run after it has committed, each on its own, in order (``Plan.later``). If one fails,
the migration stays recorded as run and ``MigrationError`` lists the statements still to
run (a failed concurrent build's INVALID index is dropped by the first of them).

Example::

    plan = plan_migration(manager, state_before, engine.dialect.ddl)
    await run_plan(engine, plan)               # forwards
    await run_plan(engine, plan.reversed())    # backwards
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from vivace.dialects.ddl import DDLCompiler
from vivace.dialects.staged_ddl import StagedDDL
from vivace.exceptions import MigrationError, VivaceError
from vivace.migrations.manager import MigrationManager
from vivace.migrations.operations import Operation
from vivace.migrations.table import ensure_migration_table, forget_ran, record_ran
from vivace.schema.spec import SchemaSpec


@dataclass
class Step:
    """One operation and the SQL that performs it."""

    operation: Operation
    statements: list[str]
    #: Statements to run after the migration's transaction commits (safe forms).
    later: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What running a migration does: its steps, raw functions and the schema after."""

    manager: MigrationManager
    backwards: bool
    steps: list[Step] = field(default_factory=list)
    raw: list[Callable[[], Any]] = field(default_factory=list)
    before: SchemaSpec = field(default_factory=SchemaSpec)
    after: SchemaSpec = field(default_factory=SchemaSpec)
    #: The IDs a squashed migration stands for (forgotten with it when it is undone).
    replaces: list[str] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return "backwards" if self.backwards else "forwards"

    @property
    def statements(self) -> list[str]:
        """Every SQL statement run in the migration's transaction, in order."""
        return [sql for step in self.steps for sql in step.statements]

    @property
    def later(self) -> list[str]:
        """The statements that run after the transaction has committed, in order."""
        return [sql for step in self.steps for sql in step.later]


def plan_migration(
    manager: MigrationManager, before: SchemaSpec, ddl: DDLCompiler, backwards: bool = False
) -> Plan:
    """The steps of ``manager`` applied to ``before`` (or undone, from the schema it made)."""
    operations = manager.operations(before)
    states = [before]
    for operation in operations:
        states.append(_apply(manager, operation, states[-1]))
    if not backwards:
        plan = Plan(manager, False, raw=list(manager.raw), before=before, after=states[-1])
        for operation, state in zip(operations, states):
            staged = _staged(manager, operation, state, ddl)
            plan.steps.append(Step(operation, staged.now, staged.later))
        return plan
    plan = Plan(manager, True, raw=list(manager.raw_backwards), before=states[-1], after=before)
    current = states[-1]
    for operation, state in zip(reversed(operations), reversed(states[:-1])):
        for inverse in operation.inverse(state):
            plan.steps.append(Step(inverse, _ddl(manager, inverse, current, ddl)))
            current = _apply(manager, inverse, current)
    return plan


def _apply(manager: MigrationManager, operation: Operation, state: SchemaSpec) -> SchemaSpec:
    try:
        return operation.apply(state)
    except MigrationError as error:
        raise _failure(manager, operation, error) from error


def _ddl(
    manager: MigrationManager, operation: Operation, state: SchemaSpec, ddl: DDLCompiler
) -> list[str]:
    try:
        return operation.ddl(state, ddl)
    except VivaceError as error:
        raise _failure(manager, operation, error) from error


def _staged(
    manager: MigrationManager, operation: Operation, state: SchemaSpec, ddl: DDLCompiler
) -> StagedDDL:
    try:
        return operation.staged_ddl(state, ddl)
    except VivaceError as error:
        raise _failure(manager, operation, error) from error


def _failure(
    manager: MigrationManager, operation: Operation | None, error: Exception, kept: str = ""
) -> MigrationError:
    where = f" at {operation.describe()}" if operation is not None else ""
    return MigrationError(
        f"migration {manager.migration_id} of {manager.app_name} failed{where}: {error}{kept}"
    )


def kept_statements(engine: Any, manager: MigrationManager, ran: list[str]) -> str:
    """What a failed migration leaves behind when no rollback undoes it (DDL that commits
    each statement, as on MariaDB, or ``wrap_in_transaction=False``): the text listing the
    statements that ran; empty when the rollback undid them, or none ran.

    Example: ``kept_statements(mariadb_engine, manager, ["ALTER TABLE ..."])``.
    """
    dialect = engine.dialect
    if not ran:
        return ""
    if not manager.wrap_in_transaction:
        why = "it runs outside a transaction (wrap_in_transaction=False)"
    elif not dialect.transactional_ddl:
        why = f"{dialect.title}'s DDL is not transactional (each statement commits)"
    else:
        return ""
    listing = ";\n".join(ran)
    return (
        f"\n{why}: the {len(ran)} statement(s) below ran before the failure and stay, and "
        "the migration is not recorded as run. Undo them by hand before running it again "
        f"(or run the rest by hand and record it with --fake):\n{listing};"
    )


def schema_transaction(engine: Any, wrap: bool = True) -> AbstractAsyncContextManager[Any]:
    """The engine's transaction for schema changes (SQLite: with foreign keys off, so a
    table rebuild keeps the rows that point at it); none when ``wrap`` is False."""
    if not wrap:
        return contextlib.nullcontext()
    make = getattr(engine, "schema_transaction", None)
    return make() if make is not None else engine.transaction()  # type: ignore[no-any-return]


async def run_plan(engine: Any, plan: Plan, fake: bool = False) -> None:
    """Run a plan in one transaction, with its ``migration`` table row (added forwards,
    removed backwards). ``fake`` only records it."""
    manager = plan.manager
    await ensure_migration_table(engine)
    current: Operation | None = None
    ran: list[str] = []  # the statements run so far (they stay where DDL commits)
    try:
        async with schema_transaction(engine, manager.wrap_in_transaction):
            if not (fake or manager.fake):
                for raw in plan.raw:
                    result = raw()
                    if inspect.isawaitable(result):
                        await result
                for step in plan.steps:
                    current = step.operation
                    for sql in step.statements:
                        await engine.execute_ddl([sql])
                        ran.append(sql)
                current = None
            if plan.backwards:
                forgotten = [manager.migration_id, *plan.replaces]
                await forget_ran(engine, manager.app_name, forgotten)
            else:
                await record_ran(engine, manager.app_name, manager.migration_id)
    except MigrationError:
        raise
    except Exception as error:
        raise _failure(manager, current, error, kept_statements(engine, manager, ran)) from error
    if not (fake or manager.fake):
        await run_later(engine, plan)


async def run_later(engine: Any, plan: Plan) -> None:
    """Run the plan's ``later`` statements, each in a transaction of its own (none is
    open: ``CONCURRENTLY`` refuses one); a failure lists what is still to run, from the
    start of the failed step (running them again is harmless)."""
    for number, step in enumerate(plan.steps):
        for sql in step.later:
            try:
                await engine.execute_ddl([sql])
            except Exception as error:
                remaining = [s for later in plan.steps[number:] for s in later.later]
                raise _later_failure(plan.manager, step.operation, error, remaining) from error


def _later_failure(
    manager: MigrationManager, operation: Operation, error: Exception, remaining: list[str]
) -> MigrationError:
    listing = ";\n".join(remaining)
    return MigrationError(
        f"migration {manager.migration_id} of {manager.app_name} ran and is recorded, but "
        f"the second step of {operation.describe()} (run after its transaction) failed: "
        f"{error}\nFix the cause, then run these statements (a concurrent index build "
        f"that failed left an INVALID index: the first of them drops it):\n{listing};"
    )
