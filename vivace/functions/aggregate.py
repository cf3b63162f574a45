"""Aggregates: ``Count``, ``Avg``, ``Sum``, ``Min``, ``Max``.

Result types: ``Count`` an int; ``Sum``, ``Min`` and ``Max`` the argument's type (the sum
of an ``Integer`` is an int, of a ``Numeric`` a Decimal); ``Avg`` a Decimal for whole
and exact numbers (as PostgreSQL computes it) and a float for floats.

Example::

    await Band.select(Band.manager.name, Count(), Avg(Band.popularity)).group_by(Band.manager.name)
    # [{"manager.name": "Guido", "count": 2, "avg": Decimal("750")}, ...]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vivace.exceptions import QueryError
from vivace.functions.base import (
    BIGINT,
    DOUBLE,
    FLOAT_TYPES,
    INTEGER_TYPES,
    NUMERIC,
    Aggregate,
    argument,
    type_name,
)
from vivace.types import ValueType


class Count(Aggregate):
    """``COUNT(*)``, ``COUNT(column)`` (non-null values) or ``COUNT(DISTINCT ...)``.

    Example: ``Count()``, ``Count(Band.manager)``, ``Count(distinct=[Band.manager])``.
    """

    def __init__(
        self,
        column: Any = None,
        distinct: Sequence[Any] | None = None,
        alias: str = "count",
    ) -> None:
        if column is not None and distinct:
            raise QueryError("Count() takes a column or distinct=[...], not both")
        if distinct:
            super().__init__(
                "count",
                [argument(c) for c in distinct],
                ("distinct",),
                vtype=BIGINT,
                alias=alias,
            )
        else:
            args = () if column is None else (argument(column),)
            super().__init__("count", args, vtype=BIGINT, alias=alias)


class Avg(Aggregate):
    """``AVG(column)``: ``Avg(Band.popularity)`` -> key ``"avg"``."""

    def __init__(self, column: Any, alias: str = "avg") -> None:
        value = argument(column)
        name = type_name(value)
        vtype: ValueType | None
        if name in FLOAT_TYPES:
            vtype = DOUBLE
        elif name in INTEGER_TYPES or name == "numeric":
            vtype = NUMERIC
        else:
            vtype = value.value_type
        super().__init__("avg", (value,), vtype=vtype, alias=alias)


class Sum(Aggregate):
    """``SUM(column)``: ``Sum(Band.popularity)`` -> key ``"sum"``."""

    def __init__(self, column: Any, alias: str = "sum") -> None:
        value = argument(column)
        super().__init__("sum", (value,), vtype=value.value_type, alias=alias)


class Min(Aggregate):
    """``MIN(column)``: ``Min(Band.popularity)`` -> key ``"min"``."""

    def __init__(self, column: Any, alias: str = "min") -> None:
        value = argument(column)
        super().__init__("min", (value,), vtype=value.value_type, alias=alias)


class Max(Aggregate):
    """``MAX(column)``: ``Max(Band.popularity)`` -> key ``"max"``."""

    def __init__(self, column: Any, alias: str = "max") -> None:
        value = argument(column)
        super().__init__("max", (value,), vtype=value.value_type, alias=alias)
