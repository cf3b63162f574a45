"""The safety check: schema changes that lock or rewrite a live table for long.

On a database where other sessions keep working during a migration (PostgreSQL:
``Dialect.warns_about_schema_locks``), some statements hold a lock that blocks them for
as long as the table takes to scan or rewrite. Each warning names the table, says what
happens and what to do instead. Tables the same migration creates are empty: no warning.

Example::

    for warning in safety_warnings(plan, engine.dialect):
        print(warning)
    # band.fame: changing the type from Integer to BigInt rewrites the table ...
"""

from __future__ import annotations

from typing import Any

from vivace.migrations.operations import AddColumn, AddConstraint, AddTable, AlterColumn
from vivace.migrations.runner import Plan
from vivace.schema.spec import ColumnSpec

_INDEX_ADVICE = (
    "build it with CREATE INDEX CONCURRENTLY in a migration made with "
    "MigrationManager(wrap_in_transaction=False) (add_raw), then declare it"
)
_FK_ADVICE = (
    "add the constraint with NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a "
    "later migration (it then takes a lighter lock)"
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
                warnings.extend(_added(op.tablename, op.column))
            elif isinstance(op, AlterColumn):
                old = op.table(state).column(op.column_name)
                warnings.extend(_altered(op.tablename, old, op.new))
            elif isinstance(op, AddConstraint):
                warnings.extend(_constraint(op))
        state = op.apply(state)
    return warnings


def _added(tablename: str, column: ColumnSpec) -> list[str]:
    where = f"{tablename}.{column.db_column_name}"
    warnings = []
    if column.index or column.unique:
        what = "a unique index" if column.unique else "an index"
        warnings.append(
            f"{where}: building {what} blocks writes to {tablename} until it is built: "
            + _INDEX_ADVICE
        )
    if column.references is not None:
        warnings.append(
            f"{where}: a new foreign key checks every row of {tablename} while it blocks "
            f"writes to it and to {column.references.tablename}: " + _FK_ADVICE
        )
    return warnings


def _altered(tablename: str, old: ColumnSpec, new: ColumnSpec) -> list[str]:
    where = f"{tablename}.{new.db_column_name}"
    warnings = []
    if _rewrites(old, new):
        warnings.append(
            f"{where}: changing the type from {old.column_class} to {new.column_class} rewrites "
            f"{tablename} under an ACCESS EXCLUSIVE lock (no reads or writes meanwhile): on a "
            "big table add a new column, copy the values in batches, then swap the columns"
        )
    if old.null and not new.null:
        warnings.append(
            f"{where}: SET NOT NULL scans all of {tablename} under an ACCESS EXCLUSIVE lock: "
            f"add CHECK ({new.db_column_name} IS NOT NULL) NOT VALID, VALIDATE it, then set "
            "NOT NULL (PostgreSQL 12+ then skips the scan)"
        )
    if (new.index and not old.index) or (new.unique and not old.unique):
        what = "a unique index" if new.unique and not old.unique else "an index"
        warnings.append(
            f"{where}: building {what} blocks writes to {tablename} until it is built: "
            + _INDEX_ADVICE
        )
    if new.references is not None and new.references != old.references:
        warnings.append(
            f"{where}: a new foreign key checks every row of {tablename} while it blocks "
            "writes: " + _FK_ADVICE
        )
    return warnings


def _rewrites(old: ColumnSpec, new: ColumnSpec) -> bool:
    if old.column_class == new.column_class:
        if old.param("length") is not None and new.param("length") is not None:
            return bool(new.param("length") < old.param("length"))  # shorter: every row checked
        digits_old, digits_new = old.param("digits"), new.param("digits")
        if digits_old != digits_new:
            return True
        return old.type_only() != new.type_only()
    return (old.column_class, new.column_class) not in _NO_REWRITE


def _constraint(op: AddConstraint) -> list[str]:
    constraint = op.constraint
    where = f"{op.tablename}.{constraint.name}"
    if constraint.kind == "unique":
        return [
            f"{where}: a unique constraint builds an index and blocks writes to "
            f"{op.tablename} meanwhile: " + _INDEX_ADVICE
        ]
    return [
        f"{where}: a CHECK constraint scans all of {op.tablename} under an ACCESS EXCLUSIVE "
        "lock: add it NOT VALID, then VALIDATE CONSTRAINT in a later migration"
    ]
