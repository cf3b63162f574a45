"""``Compiled``: the value-free result of compiling one query shape.

Example::

    compiled = dialect.compile(stmt, values)      # on a cache miss
    params = compiled.bind(values)                # on every run
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Converter = Callable[[Any], Any]


class Compiled:
    """SQL text, one converter per placeholder, and the result columns' keys and converters.

    ``cache`` holds row factories built for this statement by the layers above.
    """

    __slots__ = (
        "sql",
        "converters",
        "result_names",
        "result_converters",
        "is_write",
        "is_small_write",
        "cache",
        "_bind_all",
    )

    def __init__(
        self,
        sql: str,
        converters: Sequence[Converter | None],
        result_names: Sequence[str] = (),
        result_converters: Sequence[Converter | None] = (),
        is_write: bool = False,
        is_small_write: bool = False,
    ) -> None:
        self.sql = sql
        self.converters = tuple(converters)
        self.result_names = tuple(result_names)
        self.result_converters = tuple(result_converters)
        self.is_write = is_write
        #: A write known to touch a few rows (insert of a few rows, update by primary
        #: key): cheap and bounded enough to run without a time budget.
        self.is_small_write = is_small_write
        self.cache: dict[Any, Any] = {}
        # Most statements need no conversion at all: then binding is free.
        self._bind_all = any(c is not None for c in self.converters)

    def bind(self, values: Sequence[Any]) -> Sequence[Any]:
        """The driver parameters for ``values`` (converted where the column type needs it)."""
        if not self._bind_all:
            return values
        return [v if c is None or v is None else c(v) for c, v in zip(self.converters, values)]

    @property
    def has_result_converters(self) -> bool:
        """Whether any result column needs converting when rows are read."""
        return any(c is not None for c in self.result_converters)

    def __repr__(self) -> str:
        return f"<Compiled {self.sql!r}>"
