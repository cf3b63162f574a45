"""A bounded LRU of compiled statements, one per engine.

Example::

    cache = CompiledCache(maxsize=2)
    compiled, values = cache.compile(dialect, statement)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from vivace.dialects import Compiled, Dialect
from vivace.sql.nodes import Node


class CompiledCache:
    """Maps a statement's shape key to its ``Compiled``; evicts the least recently used."""

    __slots__ = ("_entries", "maxsize", "hits", "misses")

    def __init__(self, maxsize: int = 512) -> None:
        self._entries: OrderedDict[Hashable, Compiled] = OrderedDict()
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0

    def compile(self, dialect: Dialect, statement: Node) -> tuple[Compiled, list[Any]]:
        """The compiled form of ``statement`` and its parameter values, in placeholder order."""
        values: list[Any] = []
        key = statement._key(values)
        entries = self._entries
        compiled = entries.get(key)
        if compiled is not None:
            self.hits += 1
            entries.move_to_end(key)
            return compiled, values
        self.misses += 1
        compiled = dialect.compile(statement, values)
        entries[key] = compiled
        if len(entries) > self.maxsize:
            entries.popitem(last=False)
        return compiled, values

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every compiled statement."""
        self._entries.clear()
