"""A bounded cache of compiled statements, one per engine.

Eviction approximates least-recently-used with a second chance (CLOCK): a hit only sets
the entry's ``recent`` flag, where a true LRU would reorder the entry (hashing the whole
shape key a second time on every hit); when the cache is full, the oldest entry is
evicted unless it was used since it was last looked at, in which case it is moved to
the end with its flag cleared and the next oldest is looked at.

Example::

    cache = CompiledCache(maxsize=2)
    compiled, values = cache.compile(dialect, statement)
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable
from typing import Any

from vivace.dialects import Compiled, Dialect
from vivace.schema.table import NAME_CHANGE_HOOKS
from vivace.sql.nodes import Node

#: Every live cache, so a table renamed at run time is forgotten by all engines.
_CACHES: weakref.WeakSet[CompiledCache] = weakref.WeakSet()


class CompiledCache:
    """Maps a statement's shape key to its ``Compiled`` (see the module docstring)."""

    __slots__ = ("entries", "maxsize", "hits", "misses", "__weakref__")

    def __init__(self, maxsize: int = 512) -> None:
        #: Shape key -> compiled statement, oldest first. ``Engine.compile`` reads it.
        self.entries: dict[Hashable, Compiled] = {}
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        _CACHES.add(self)

    def compile(self, dialect: Dialect, statement: Node) -> tuple[Compiled, list[Any]]:
        """The compiled form of ``statement`` and its parameter values, in placeholder order."""
        values: list[Any] = []
        key = statement._key(values)
        compiled = self.entries.get(key)
        if compiled is not None:
            self.hits += 1
            compiled.recent = True
            return compiled, values
        return self.add(dialect, statement, key, values), values

    def add(self, dialect: Dialect, statement: Node, key: Hashable, values: list[Any]) -> Compiled:
        """Compile ``statement`` (a miss) and keep it under ``key``."""
        self.misses += 1
        compiled = dialect.compile(statement, values)
        entries = self.entries
        while len(entries) >= self.maxsize > 0:
            oldest = next(iter(entries))
            kept = entries.pop(oldest)
            if kept.recent:  # used since last looked at: a second chance, at the end
                kept.recent = False
                entries[oldest] = kept
        if self.maxsize > 0:
            entries[key] = compiled
        return compiled

    def __len__(self) -> int:
        return len(self.entries)

    def clear(self) -> None:
        """Forget every compiled statement."""
        self.entries.clear()


def _forget_renamed(table: Any) -> None:
    """A table's name or schema changed: drop every compiled statement, in every engine
    (they hold the old name in their SQL; renames are rare, so all entries go)."""
    for cache in list(_CACHES):
        cache.entries.clear()


NAME_CHANGE_HOOKS.append(_forget_renamed)
