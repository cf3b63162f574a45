"""The safety check: schema changes that lock or rewrite a live table for long.

On a database where other sessions keep working during a migration (PostgreSQL:
``Dialect.warns_about_schema_locks``), some statements hold a lock that blocks them for
as long as the table takes to scan or rewrite. Each warning names the table, says what
happens and what to do instead: where a safe form exists, the option that asks for it
(``index_concurrently=True``, ``validate_separately=True``; see ``MigrationManager``), and
an operation that uses it gets no warning. Tables the same migration creates are empty: no
warning.

Example::

    for warning in safety_warnings(plan, engine.dialect):
        print(warning)
    # band.fame: changing the type from Integer to BigInt rewrites the table ...
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vivace.dialects.ddl import adds_foreign_key
from vivace.dialects.staged_ddl import LockOptions
from vivace.migrations.operations import (
    AddColumn,
    AddConstraint,
    AddTable,
    AlterColumn,
    Operation,
)
from vivace.migrations.runner import Plan
from vivace.schema.spec import ColumnSpec, SchemaSpec

_INDEX_ADVICE = (
    "write index_concurrently=True in this {call}(...) to build it with CREATE INDEX "
    "CONCURRENTLY after the migration's transaction"
)
_FK_ADVICE = (
    "write validate_separately=True in this {call}(...) to add it NOT VALID, then VALIDATE "
    "CONSTRAINT after the migration's transaction (writes go on meanwhile)"
)

#: Type changes PostgreSQL makes without rewriting the table (old class, new class).
_NO_REWRITE = {("Varchar", "Text"), ("Email", "Text"), ("Char", "Text"), ("Varchar", "Varchar")}


def safety_warnings(plan: Plan, dialect: Any) -> list[str]:
    """Warnings for the steps of a forwards plan (none where the dialect has no such locks)."""
    if plan.backwards or not getattr(dialect, "warns_about_schema_locks", False):
        return []
    created = {
        s.operation.table_class_name for s in plan.steps if isinstance(s.operation, AddTable)
    }
    warnings: list[str] = []
    state = plan.before
    for step in plan.steps:
        op = step.operation
        if op.table_class_name not in created:
            if isinstance(op, AddColumn):
                warnings.extend(_added(op.tablename, op.column, op.options))
            elif isinstance(op, AlterColumn):
                old = op.table(state).column(op.column_name)
                warnings.extend(_altered(op.tablename, old, op.new, op.options))
            elif isinstance(op, AddConstraint):
                warnings.extend(_constraint(op))
        state = op.apply(state)
    return warnings


def _added(tablename: str, column: ColumnSpec, options: LockOptions) -> list[str]:
    where = f"{tablename}.{column.db_column_name}"
    warnings = []
    if (column.index or column.unique) and not options.index_concurrently:
        what = "a unique index" if column.unique else "an index"
        warnings.append(
            f"{where}: building {what} blocks writes to {tablename} until it is built: "
            + _INDEX_ADVICE.format(call="add_column")
        )
    if column.references is not None and not options.validate_separately:
        warnings.append(
            f"{where}: a new foreign key checks every row of {tablename} while it blocks "
            f"writes to it and to {column.references.tablename}: "
            + _FK_ADVICE.format(call="add_column")
        )
    return warnings


def _altered(tablename: str, old: ColumnSpec, new: ColumnSpec, options: LockOptions) -> list[str]:
    where = f"{tablename}.{new.db_column_name}"
    warnings = []
    if _rewrites(old, new):
        warnings.append(
            f"{where}: changing the type from {old.column_class} to {new.column_class} rewrites "
            f"{tablename} under an ACCESS EXCLUSIVE lock (no reads or writes meanwhile): on a "
            "big table add a new column, copy the values in batches, then swap the columns"
        )
    if old.null and not new.null and not options.validate_separately:
        warnings.append(
            f"{where}: SET NOT NULL scans all of {tablename} under an ACCESS EXCLUSIVE lock: "
            "write validate_separately=True in this alter_column(...) to add CHECK "
            f"({new.db_column_name} IS NOT NULL) NOT VALID, VALIDATE it after the migration's "
            "transaction, then SET NOT NULL without a scan (PostgreSQL 12+)"
        )
    indexed = (new.index and not old.index) or (new.unique and not old.unique)
    if indexed and not options.index_concurrently:
        what = "a unique index" if new.unique and not old.unique else "an index"
        warnings.append(
            f"{where}: building {what} blocks writes to {tablename} until it is built: "
            + _INDEX_ADVICE.format(call="alter_column")
        )
    if adds_foreign_key(old, new) and not options.validate_separately:
        warnings.append(
            f"{where}: a new foreign key checks every row of {tablename} while it blocks "
            "writes: " + _FK_ADVICE.format(call="alter_column")
        )
    return warnings


def _rewrites(old: ColumnSpec, new: ColumnSpec) -> bool:
    if old.column_class == new.column_class:
        if old.param("length") is not None and new.param("length") is not None:
            return bool(new.param("length") < old.param("length"))  # shorter: every row checked
        digits_old, digits_new = old.param("digits"), new.param("digits")
        if digits_old != digits_new:
            return not _numeric_widens(digits_old, digits_new)
        return old.type_only() != new.type_only()
    return (old.column_class, new.column_class) not in _NO_REWRITE


def _numeric_widens(old: Any, new: Any) -> bool:
    """True when a NUMERIC(p, s) change keeps every stored value as it is: PostgreSQL
    (9.2+) then changes the type without rewriting the table. A scale change or a smaller
    precision rewrites it; so does putting a limit on an unconstrained NUMERIC."""
    if new is None:
        return True
    if old is None:
        return False
    return bool(new[1] == old[1] and new[0] >= old[0])


def _constraint(op: AddConstraint) -> list[str]:
    constraint = op.constraint
    where = f"{op.tablename}.{constraint.name}"
    if constraint.kind == "unique":
        if op.options.index_concurrently:
            return []
        return [
            f"{where}: a unique constraint builds an index and blocks writes to "
            f"{op.tablename} meanwhile: write index_concurrently=True in this "
            "add_constraint(...) to build a unique index CONCURRENTLY after the migration's "
            "transaction, then ADD CONSTRAINT ... UNIQUE USING INDEX"
        ]
    if op.options.validate_separately:
        return []
    return [
        f"{where}: a CHECK constraint scans all of {op.tablename} under an ACCESS EXCLUSIVE "
        "lock: write validate_separately=True in this add_constraint(...) to add it NOT "
        "VALID, then VALIDATE CONSTRAINT after the migration's transaction"
    ]


def with_safe_forms(operations: list[Operation], before: SchemaSpec) -> list[Operation]:
    """``operations`` (from ``before``) with the safe forms asked for wherever they apply
    to a table that already exists (``migrations new --auto --safe``).

    Example: ``with_safe_forms(diff_schemas(history, target), history)``.
    """
    created = {op.table_class_name for op in operations if isinstance(op, AddTable)}
    safe: list[Operation] = []
    state = before
    for op in operations:
        if op.table_class_name not in created:
            if isinstance(op, AddColumn):
                op = dataclasses.replace(op, options=_needed(None, op.column))
            elif isinstance(op, AlterColumn):
                old = op.table(state).column(op.column_name)
                op = dataclasses.replace(op, options=_needed(old, op.new))
            elif isinstance(op, AddConstraint):
                unique = op.constraint.kind == "unique"
                op = dataclasses.replace(op, options=LockOptions(unique, not unique))
        safe.append(op)
        state = op.apply(state)
    return safe


def _needed(old: ColumnSpec | None, new: ColumnSpec) -> LockOptions:
    """The safe forms a column change can use (none that would change nothing)."""
    before = old or ColumnSpec(new.name, new.column_class)
    indexed = (new.index and not before.index) or (new.unique and not before.unique)
    keyed = adds_foreign_key(before, new)
    not_null = old is not None and old.null and not new.null
    return LockOptions(indexed, keyed or not_null)
