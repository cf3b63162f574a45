"""Every Table class defined, by class name, so string references can be resolved.

Example: ``ForeignKey("Manager")`` finds the ``Manager`` table defined anywhere.
"""

from __future__ import annotations

import weakref
from typing import Any

from vivace.exceptions import ConfigurationError

# Weak, so tables made at run time (``create_table_class``) can be collected; a dict's keys,
# so they come back in the order the classes were defined.
_tables: weakref.WeakKeyDictionary[Any, None] = weakref.WeakKeyDictionary()


def register_table(table: Any) -> None:
    """Record a newly defined Table class."""
    _tables[table] = None


def unregister_table(table: Any) -> None:
    """Forget a Table class: string references never find it (tables built from specs).

    Example: ``unregister_table(SnapshotBand)``; ``ForeignKey("Band")`` still finds the user's.
    """
    _tables.pop(table, None)


def find_table(name: str, app_name: str | None, near: Any = None) -> Any:
    """The Table class called ``name``; ``near`` prefers one from the same module."""
    matches = [t for t in _tables if t.__name__ == name or t._meta.tablename == name]
    if app_name is not None:
        matches = [t for t in matches if app_name in (t.__module__.split(".") or [])] or matches
    if near is not None and len(matches) > 1:
        same_module = [t for t in matches if t.__module__ == near.__module__]
        matches = same_module or matches
    if not matches:
        raise ConfigurationError(f"no Table class named {name!r} is defined")
    if len(matches) > 1:
        raise ConfigurationError(
            f"{len(matches)} Table classes are named {name!r}; use a LazyTableReference"
        )
    return matches[0]


def all_tables() -> list[Any]:
    """Every Table class currently defined."""
    return list(_tables)
