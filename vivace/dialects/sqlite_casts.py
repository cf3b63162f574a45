"""How a SQLite table rebuild converts a column's values when its type changes.

SQLite's type affinity converts most values by itself as they are copied (5 becomes
'5' in a text column, '12' becomes 12 in an integer one). Where Vivace's way of storing
a type differs, or where PostgreSQL's ``USING "col"::type`` gives another result, the
copy uses an expression instead, so both databases end with the same values:

- decimals and floats to integers are rounded, not truncated (``1.5`` -> ``2``);
- timestamps gain or lose the ``+00:00`` of ``Timestamptz`` (a naive time is read as
  UTC), dates gain a midnight time, timestamps to dates keep the date;
- integers to booleans are ``value <> 0``, booleans to text ``'true'``/``'false'``.

Example::

    sqlite_cast(ValueType("numeric"), ValueType("integer"), '"price"')
    # 'CAST(ROUND("price") AS INTEGER)'
"""

from __future__ import annotations

from vivace.types import ValueType

_INTEGERS = {"integer", "bigint", "smallint", "serial", "bigserial"}
_NUMBERS = {"numeric", "real", "double"}
_TEXTS = {"text", "varchar", "char"}
_MIDNIGHT = " 00:00:00.000000"


def sqlite_cast(old: ValueType, new: ValueType, value: str) -> str | None:
    """The SQL converting ``value`` (an expression over the old column) from ``old`` to
    ``new``; None when copying it as it is does the right thing."""
    source, target = old.name, new.name
    if target in _INTEGERS and source in _NUMBERS:
        return f"CAST(ROUND({value}) AS INTEGER)"
    if target == "timestamp":
        if source == "timestamptz":
            return f"substr({value}, 1, 26)"
        if source == "date":
            return f"{value} || '{_MIDNIGHT}'"
    if target == "timestamptz":
        if source == "timestamp":
            return f"{value} || '+00:00'"
        if source == "date":
            return f"{value} || '{_MIDNIGHT}+00:00'"
    if target == "date" and source in ("timestamp", "timestamptz"):
        return f"substr({value}, 1, 10)"
    if target == "boolean" and source in _INTEGERS:
        return f"({value} <> 0)"
    if target in _TEXTS and source == "boolean":
        return f"CASE {value} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
    return None
