"""``Coalesce`` (the first non-NULL value; also ``a | b``) and ``NullIf``.

As in Piccolo, ``Coalesce`` keeps the key of its first argument when that is a column.

Example::

    await Band.select(Coalesce(Band.manager.name, "unmanaged"))
    # [{"manager.name": "Guido"}, {"manager.name": "unmanaged"}]
"""

from __future__ import annotations

from typing import Any

from vivace.exceptions import QueryError
from vivace.functions.base import Function, argument, column_key


class Coalesce(Function):
    """``COALESCE(a, b, ...)``; values after the first take its type."""

    def __init__(self, *args: Any, alias: str | None = None) -> None:
        if len(args) < 2:
            raise QueryError("Coalesce() takes at least two values")
        first = argument(args[0])
        rest = [argument(a, first.value_type) for a in args[1:]]
        key = alias or column_key(first) or "coalesce"
        super().__init__("coalesce", (first, *rest), vtype=first.value_type, alias=key)


class NullIf(Function):
    """``NULLIF(a, b)``: NULL when ``a`` equals ``b``, else ``a``; keyed as the column ``a``
    (as Piccolo does), else ``"nullif"``."""

    def __init__(self, identifier: Any, value: Any, alias: str | None = None) -> None:
        first = argument(identifier)
        second = argument(value, first.value_type)
        super().__init__(
            "nullif",
            (first, second),
            vtype=first.value_type,
            alias=alias or column_key(first) or "nullif",
        )
