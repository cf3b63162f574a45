"""Engine classes by the names the command line uses (``--engine=sqlite|postgres|mysql``).

Example::

    >>> engine_class("sqlite").__name__
    'SQLiteEngine'
"""

from __future__ import annotations

from typing import Any

import vivace.engine
from vivace.exceptions import ConfigurationError

ENGINE_CLASS_NAMES = {
    "sqlite": "SQLiteEngine",
    "postgres": "PostgresEngine",
    "mysql": "MySQLEngine",
}
ENGINE_NAMES = tuple(ENGINE_CLASS_NAMES)


def engine_class(name: str) -> Any:
    """The engine class called ``name`` on the command line; ``ConfigurationError`` if absent."""
    found = getattr(vivace.engine, ENGINE_CLASS_NAMES[name], None)
    if found is None:
        raise ConfigurationError(f"this Vivace has no {name} engine yet; use sqlite or postgres")
    return found
