"""``Cast(value, Integer())``: a value converted to a column type's SQL type.

The result is read back as that type (``Cast(x, Numeric())`` gives a Decimal). As in
Piccolo, casting a column keeps the column's key. On SQLite, dates, times, decimals,
UUIDs and JSON are cast to text (the way they are stored).

Example::

    await Band.select(Cast(Band.popularity, Varchar()))     # [{"popularity": "1000"}]
    Cast(0, Integer(), alias="depth")                       # a typed constant
"""

from __future__ import annotations

from typing import Any

from vivace.exceptions import QueryError
from vivace.functions.base import Function, argument, column_key
from vivace.sql.nodes import ColumnNode


class Cast(Function):
    """``CAST(value AS type)``; ``as_type`` is a column instance such as ``Integer()``."""

    def __init__(self, identifier: Any, as_type: Any, alias: str | None = None) -> None:
        if not isinstance(as_type, ColumnNode):
            raise QueryError(f"Cast() takes a column instance such as Integer(), got {as_type!r}")
        vtype = as_type.value_type
        value = argument(identifier)
        key = alias or column_key(value) or "cast"
        super().__init__("cast", (value,), (vtype,), vtype=vtype, alias=key)
