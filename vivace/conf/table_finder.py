"""``table_finder``: the Table classes of some modules, filtered by tags.

Example::

    table_finder(["music.tables"], include_tags=["public"], exclude_imported=True)
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from vivace.exceptions import ConfigurationError
from vivace.orm import Table

ALL_TAGS = "__all__"


def table_finder(
    modules: Sequence[str],
    include_tags: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
    exclude_imported: bool = False,
) -> list[type[Table]]:
    """Every Table subclass defined in (or, unless ``exclude_imported``, imported into)
    ``modules``, in name order.

    ``include_tags`` keeps tables with one of those tags (default: every table, spelled
    ``["__all__"]``); ``exclude_tags`` then drops tables with any of those tags.
    Example: ``table_finder(["music.tables"], exclude_tags=["internal"])``.
    """
    if isinstance(modules, str):
        modules = [modules]  # a single path is a common slip; treat it as one module
    include = list(include_tags) if include_tags is not None else [ALL_TAGS]
    exclude = set(exclude_tags or ())
    found: list[type[Table]] = []
    for module_path in modules:
        try:
            module = importlib.import_module(module_path)
        except ModuleNotFoundError as error:
            raise ConfigurationError(f"table_finder: cannot import {module_path!r}") from error
        for name in sorted(vars(module)):
            value = getattr(module, name)
            if not _is_table(value) or value in found:
                continue
            if exclude_imported and value.__module__ != module.__name__:
                continue
            tags = set(value._meta.tags)
            if ALL_TAGS not in include and not tags.intersection(include):
                continue
            if tags.intersection(exclude):
                continue
            found.append(value)
    return found


def _is_table(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Table) and hasattr(value, "_meta")
