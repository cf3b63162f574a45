"""Math functions: ``Abs``, ``Ceil``, ``Floor``, ``Round`` (to a whole number).

Result types: a whole-number argument gives itself back (an int); an exact ``Numeric``
gives a Decimal; a float gives a float. ``Round`` rounds halves away from zero on every
database. SQLite emulates ``CEIL``/``FLOOR``.

Example::

    await Ticket.select(Ceil(Ticket.price), Round(Ticket.price, alias="rounded"))
"""

from __future__ import annotations

from typing import Any, ClassVar

from vivace.functions.base import DOUBLE, FLOAT_TYPES, INTEGER_TYPES, NUMERIC, Function, argument
from vivace.types import ValueType


def _rounded_type(vtype: ValueType | None) -> ValueType | None:
    if vtype is None or vtype.name in INTEGER_TYPES:
        return vtype
    if vtype.name in FLOAT_TYPES:
        return DOUBLE
    if vtype.name == "numeric":
        return NUMERIC  # a whole number: no scale to keep
    return vtype


class Abs(Function):
    """``ABS(x)``, of the argument's type -> key ``"abs"``."""

    def __init__(self, identifier: Any, alias: str | None = None) -> None:
        value = argument(identifier)
        super().__init__("abs", (value,), vtype=value.value_type, alias=alias or "abs")


class _Rounding(Function):
    _function: ClassVar[str] = ""

    def __init__(self, identifier: Any, alias: str | None = None) -> None:
        value = argument(identifier)
        name = self._function
        super().__init__(name, (value,), vtype=_rounded_type(value.value_type), alias=alias or name)


class Ceil(_Rounding):
    """The smallest whole number not below the argument -> key ``"ceil"``.

    Example: ``await Ticket.select(Ceil(Ticket.price))`` -> ``[{"ceil": Decimal("13")}]``
    for a price of 12.50.
    """

    _function = "ceil"


class Floor(_Rounding):
    """The largest whole number not above the argument -> key ``"floor"``.

    Example: ``await Ticket.select(Floor(Ticket.price))`` -> ``[{"floor": Decimal("12")}]``
    for a price of 12.50.
    """

    _function = "floor"


class Round(_Rounding):
    """The nearest whole number, halves away from zero -> key ``"round"``.

    Example: ``await Ticket.select(Round(Ticket.price, alias="rounded"))`` ->
    ``[{"rounded": Decimal("13")}]`` for a price of 12.50.
    """

    _function = "round"
