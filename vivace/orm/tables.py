"""Working with several tables: create and drop them in dependency order, make classes.

Example::

    await create_db_tables(Manager, Band, if_not_exists=True)
    await drop_db_tables(Manager, Band)
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from vivace.engine import run_sync
from vivace.exceptions import ConfigurationError
from vivace.orm.table import Table


def sort_table_classes(tables: Sequence[type[Table]]) -> list[type[Table]]:
    """Tables ordered so each comes after the tables its foreign keys point at.

    Dependencies through tables not given count too (as in Piccolo): with Concert -> Band
    -> Manager, ``[Concert, Manager]`` sorts to ``[Manager, Concert]``.
    """
    chosen = list(dict.fromkeys(tables))
    placed: list[type[Table]] = []
    done: set[type[Table]] = set()
    visiting: set[type[Table]] = set()

    def visit(table: type[Table]) -> None:
        if table in done:
            return
        if table in visiting:
            raise ConfigurationError(f"foreign keys form a cycle through {table.__name__}")
        visiting.add(table)
        for fk in table._meta.foreign_key_columns:
            target = fk.resolved_references
            if target is not table:
                visit(target)
        visiting.discard(table)
        done.add(table)
        if table in chosen:
            placed.append(table)

    for table in chosen:
        visit(table)
    return placed


async def create_db_tables(*tables: type[Table], if_not_exists: bool = False) -> None:
    """Create tables, referenced ones first: ``await create_db_tables(Band, Manager)``
    creates ``manager`` before ``band`` (``if_not_exists=True`` skips existing ones)."""
    for table in sort_table_classes(tables):
        await table.create_table(if_not_exists=if_not_exists).run()


async def drop_db_tables(*tables: type[Table]) -> None:
    """Drop tables if they exist, referencing ones first: ``await drop_db_tables(Manager, Band)``
    drops ``band`` before ``manager``."""
    for table in reversed(sort_table_classes(tables)):
        await table.alter().drop_table(cascade=True, if_exists=True).run()


def create_db_tables_sync(*tables: type[Table], if_not_exists: bool = False) -> None:
    """``create_db_tables`` from synchronous code: ``create_db_tables_sync(Manager, Band)``."""
    run_sync(create_db_tables(*tables, if_not_exists=if_not_exists))


def create_tables(*tables: type[Table], if_not_exists: bool = False) -> None:
    """Deprecated (as in Piccolo): ``create_db_tables_sync``, with a ``DeprecationWarning``."""
    warnings.warn(
        "`create_tables` is deprecated and will be removed in v1 of Piccolo. "
        "Use `await create_db_tables(...)` or `create_db_tables_sync(...)` instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    create_db_tables_sync(*tables, if_not_exists=if_not_exists)


def drop_db_tables_sync(*tables: type[Table]) -> None:
    """``drop_db_tables`` from synchronous code: ``drop_db_tables_sync(Manager, Band)``."""
    run_sync(drop_db_tables(*tables))


def drop_tables(*tables: type[Table]) -> None:
    """Deprecated (as in Piccolo): ``drop_db_tables_sync``, with a ``DeprecationWarning``.

    Example: ``drop_tables(Band, Manager)``.
    """
    warnings.warn(
        "`drop_tables` is deprecated and will be removed in v1 of Piccolo. "
        "Use `await drop_db_tables(...)` or `drop_db_tables_sync(...)` instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    drop_db_tables_sync(*tables)


def create_table_class(
    class_name: str,
    bases: tuple[type, ...] = (Table,),
    class_kwargs: Mapping[str, Any] | None = None,
    class_members: Mapping[str, Any] | None = None,
) -> type[Table]:
    """A Table class made at run time: ``create_table_class("Band", class_members={...})``."""
    members = dict(class_members or {})
    table = types.new_class(
        class_name, bases, dict(class_kwargs or {}), lambda ns: ns.update(members)
    )
    return table
