"""Piccolo's ``migration`` table: one row per migration that ran.

Same table, same columns (``id``, ``name``, ``app_name``, ``ran_on``), so a database
that Piccolo migrated carries on under Vivace. ``migration_table(engine)`` gives the
table bound to an engine (no global binding).

Example::

    Migration = migration_table(engine)
    await Migration.select(Migration.name).where(Migration.app_name == "music")
"""

from __future__ import annotations

from typing import Any

from vivace.orm import Table, create_table_class
from vivace.schema.column_types import Timestamp, Varchar
from vivace.schema.defaults import TimestampNow
from vivace.schema.registry import unregister_table


class Migration(Table, tablename="migration"):
    """The ``migration`` table (Piccolo's path: ``vivace.apps.migrations.tables``)."""

    name = Varchar(length=200)
    app_name = Varchar(length=200)
    ran_on = Timestamp(default=TimestampNow())


unregister_table(Migration)  # a project's own "Migration" table keeps its name


def migration_table(engine: Any) -> type[Table]:
    """The ``migration`` table bound to ``engine`` (a new class each time: a cache would
    keep every engine, and all it compiled, alive)."""
    table = create_table_class(
        "Migration", bases=(Migration,), class_kwargs={"db": engine, "tablename": "migration"}
    )
    unregister_table(table)
    return table


async def ran_migration_names(engine: Any, app_name: str | None = None) -> list[str]:
    """The names (IDs) of the migrations that ran, oldest first; none if no table."""
    table: Any = migration_table(engine)
    if not await table.table_exists():
        return []
    query = table.select(table.name).order_by(table.id)
    if app_name is not None:
        query = query.where(table.app_name == app_name)
    return [row["name"] for row in await query]


async def ensure_migration_table(engine: Any) -> None:
    """Create the ``migration`` table if it is missing (asked first: MariaDB answers
    ``CREATE TABLE IF NOT EXISTS`` of an existing table with a warning its driver logs)."""
    table: Any = migration_table(engine)
    if not await table.table_exists():
        await table.create_table(if_not_exists=True)


async def record_ran(engine: Any, app_name: str, name: str) -> None:
    """Record that migration ``name`` of ``app_name`` ran."""
    table: Any = migration_table(engine)
    await table.insert(table(name=name, app_name=app_name))


async def forget_ran(engine: Any, app_name: str, names: list[str]) -> None:
    """Remove the records of migrations ``names`` of ``app_name``."""
    if names:
        table: Any = migration_table(engine)
        await table.delete().where((table.app_name == app_name) & table.name.is_in(names))
