"""``Coalesce`` (the first non-NULL value; also ``a | b``), ``NullIf``, and ``Case`` /
``When`` (SQL's ``CASE WHEN ... THEN ... ELSE ... END``).

As in Piccolo, ``Coalesce`` keeps the key of its first argument when that is a column;
``Case`` is keyed ``"case"`` unless given ``alias=``.

Example::

    await Band.select(Coalesce(Band.manager.name, "unmanaged"))
    # [{"manager.name": "Guido"}, {"manager.name": "unmanaged"}]
    await Band.select(Case(When(Band.popularity >= 50, then="hot"), default="cold"))
    # [{"case": "cold"}, {"case": "hot"}]
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from vivace.exceptions import QueryError
from vivace.functions.base import Function, argument, column_key
from vivace.sql.nodes import Condition, Expr, Param
from vivace.types import ValueType


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


#: The type of a plain Python value given as a ``Case`` branch (Piccolo's casts on
#: PostgreSQL: ``int`` is a BigInt, ``float`` a DoublePrecision, ...); ``bool`` before
#: ``int`` and ``datetime`` before ``date``, their subclasses.
_PYTHON_TYPES: tuple[tuple[type, ValueType], ...] = (
    (bool, ValueType("boolean")),
    (int, ValueType("bigint")),
    (float, ValueType("double")),
    (decimal.Decimal, ValueType("numeric")),
    (str, ValueType("text")),
    (datetime.datetime, ValueType("timestamp")),
    (datetime.date, ValueType("date")),
    (datetime.time, ValueType("time")),
    (datetime.timedelta, ValueType("interval")),
    (uuid.UUID, ValueType("uuid")),
    (bytes, ValueType("bytea")),
)
_TIMESTAMPTZ = ValueType("timestamptz")


def python_value_type(value: Any) -> ValueType | None:
    """The value type of a plain Python value, or None (unknown: bound as it is).

    Example: ``python_value_type(datetime.datetime.now(datetime.UTC))`` is ``timestamptz``.
    """
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return _TIMESTAMPTZ
    for python_type, vtype in _PYTHON_TYPES:
        if isinstance(value, python_type):
            return vtype
    return None


class When:
    """One branch of a :class:`Case`: ``WHEN condition THEN then``.

    ``condition`` is a where clause (``Band.popularity > 100``, ``a & b``, a
    ``QueryString``); ``then`` is a value (bound as a parameter), None, a column or an
    expression. Only meaningful inside ``Case(...)``.
    """

    __slots__ = ("condition", "then")

    def __init__(self, condition: Condition, then: Any) -> None:
        if not isinstance(condition, Condition):
            raise QueryError("The condition must be a where clause.")  # Piccolo's message
        self.condition, self.then = condition, then

    def __repr__(self) -> str:
        return f"<When then={self.then!r}>"


class Case(Function):
    """``CASE WHEN c1 THEN v1 WHEN c2 THEN v2 ... ELSE default END``: the value of the first
    branch whose condition holds, else ``default`` (NULL when None). Keyed ``"case"``
    unless given ``alias=``; usable in select, where, order_by and update values.

    Values are bound parameters. The result is read as the branches' type: the first
    column's or expression's type that is known, else the first plain value's (an ``int``
    is a bigint, a ``str`` text, a ``datetime`` a timestamp...); plain values are bound as
    their own type.

    The call's arguments are each branch's condition and value in turn, then the default
    when there is one (its option ``"else"``), in the order the SQL names them.

    Example::

        Case(
            When(Band.popularity >= 1000, then="famous"),
            When(Band.popularity >= 100, then="known"),
            default=Band.name,
            alias="label",
        )
    """

    def __init__(
        self, *when_conditions: When, default: Any = None, alias: str | None = None
    ) -> None:
        if not when_conditions:
            raise QueryError("At least one `When` must be passed in.")  # Piccolo's messages
        if not all(isinstance(when, When) for when in when_conditions):
            raise QueryError("Only `When` instances can be passed in.")
        values = [when.then for when in when_conditions]
        if default is not None:
            values.append(default)
        vtype = _branch_type(values)
        args: list[Expr] = []
        for when in when_conditions:
            args += (when.condition, _branch(when.then, vtype))
        options: tuple[str, ...] = ()
        if default is not None:
            args.append(_branch(default, vtype))
            options = ("else",)
        super().__init__("case", args, options, vtype=vtype, alias=alias or "case")


#: Types PostgreSQL brings to one common type in a CASE, by rank: the result is the
#: highest ranked of the branches' types (a date and a timestamp give a timestamp, an int
#: and a float a double precision), so every engine reads each branch as that type.
_DATETIME_RANKS = {"date": 0, "timestamp": 1, "timestamptz": 2}
_NUMBER_RANKS = {
    "smallint": 0,
    "integer": 1,
    "serial": 1,
    "bigint": 2,
    "bigserial": 2,
    "numeric": 3,
    "real": 4,
    "double": 5,
}

_FLOATS = frozenset({"real", "double"})


def _branch_type(values: list[Any]) -> ValueType | None:
    """The type of a CASE's values: the first expression's that is known, else the first
    plain value's; but when the branches mix dates and timestamps, or kinds of numbers,
    the type PostgreSQL gives the whole CASE (``common_type``)."""
    known: list[ValueType] = []
    for value in values:
        if isinstance(value, Expr) and value.value_type is not None:
            known.append(value.value_type)
    for value in values:
        if not isinstance(value, Expr) and value is not None:
            vtype = python_value_type(value)
            if vtype is not None:
                known.append(vtype)
    return common_type(known)


def common_type(types: list[ValueType]) -> ValueType | None:
    """The one type of values of ``types`` together (a CASE's branches), as PostgreSQL
    resolves it: a date, timestamp or timestamptz are the latest of these; integers,
    decimals and floats the widest (a float wins); otherwise the first type.

    Example: ``common_type([ValueType("date"), ValueType("timestamp")])`` is the timestamp.
    """
    if not types:
        return None
    first = types[0]
    for ranks in (_DATETIME_RANKS, _NUMBER_RANKS):
        if first.name in ranks and all(vtype.name in ranks for vtype in types):
            return max(types, key=lambda vtype: ranks[vtype.name])
    return first


def _branch(value: Any, vtype: ValueType | None) -> Expr:
    """A THEN/ELSE value: an expression as it is, a plain value bound as its own type (the
    CASE's when it has no known one; None is a bound NULL of the CASE's type)."""
    if isinstance(value, Expr):
        return value
    own = None if value is None else python_value_type(value)
    if (
        value is not None
        and own is not None
        and vtype is not None
        and vtype.name in _FLOATS
        and own.name in _NUMBER_RANKS
        and own.name not in _FLOATS
    ):
        # An int or Decimal in a CASE of floats: PostgreSQL converts it to a float; so
        # does this, for the engines that would return it as given (SQLite: Decimal text).
        value, own = float(value), vtype
    param = argument(value, own or vtype)
    assert isinstance(param, Param)  # not an expression: bound
    return param
