"""The SQL text of a ``Check`` condition, written the same for every database.

A spec must hold the condition as data, so the condition is rendered once, here, with
quoted column names (unqualified) and the values written as literals. Only what a CHECK
can hold is accepted: comparisons, ``AND``/``OR``/``NOT``, ``IS NULL``, ``IN`` lists,
arithmetic, plain function calls and raw SQL fragments.

Example::

    check_sql(Band.popularity >= 0)             # '"popularity" >= 0'
    check_sql((Band.a != 1) & (Band.b != "x"))  # '("a" <> 1 AND "b" <> \\'x\\')'
"""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import uuid
from typing import Any

from vivace.exceptions import QueryError
from vivace.schema.column import Column
from vivace.sql.nodes import (
    And,
    Arithmetic,
    Comparison,
    FunctionCall,
    InList,
    Not,
    Or,
    Param,
    PostfixOp,
    Raw,
)
from vivace.types.choices import member_value


def quote_identifier(name: str) -> str:
    """``"name"`` with inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def literal_sql(value: Any) -> str:
    """A Python value as a SQL literal every supported database reads the same way.

    Example: ``literal_sql("it's")`` is ``"'it''s'"``.
    """
    if value is None:
        return "NULL"
    if isinstance(value, enum.Enum):
        value = member_value(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, datetime.date | datetime.time | uuid.UUID | float | decimal.Decimal):
        value = str(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise QueryError("text containing NUL cannot be written as a SQL literal")
        return "'" + value.replace("'", "''") + "'"
    raise QueryError(f"{value!r} cannot be written into a CHECK constraint")


def check_sql(node: Any) -> str:
    """The condition's SQL text (see the module docstring): ``check_sql(Band.pop >= 0)``."""
    if isinstance(node, Column):
        if node._meta.call_chain:
            raise QueryError(f"a CHECK cannot reach another table's column: {node!r}")
        return quote_identifier(node._meta.db_column_name)
    if isinstance(node, Param):
        return literal_sql(node.value)
    if isinstance(node, Comparison):
        return f"{check_sql(node.left)} {node.op} {check_sql(node.right)}"
    if isinstance(node, Arithmetic):
        return f"({check_sql(node.left)} {node.op} {check_sql(node.right)})"
    if isinstance(node, PostfixOp):
        return f"{check_sql(node.operand)} {node.op}"
    if isinstance(node, And | Or):
        word = " AND " if isinstance(node, And) else " OR "
        if len(node.conditions) == 1:
            return check_sql(node.conditions[0])
        return "(" + word.join(check_sql(c) for c in node.conditions) + ")"
    if isinstance(node, Not):
        return f"NOT ({check_sql(node.condition)})"
    if isinstance(node, InList) and node.subquery is None:
        keyword = "NOT IN" if node.negate else "IN"
        values = ", ".join(literal_sql(v) for v in node.values)
        return f"{check_sql(node.operand)} {keyword} ({values})"
    if isinstance(node, FunctionCall):
        return f"{node.name}({', '.join(check_sql(a) for a in node.args)})"
    if isinstance(node, Raw):
        pieces = [node.parts[0]]
        for arg, part in zip(node.args, node.parts[1:]):
            pieces.append(check_sql(arg))
            pieces.append(part)
        return "".join(pieces)
    raise QueryError(f"{type(node).__name__} cannot be written into a CHECK constraint")
