"""Piccolo's import path ``piccolo.custom_types``: the names user code annotates with.

- ``Combinable``: a condition ``where()`` takes (Piccolo's ``Where | WhereRaw | And | Or``;
  in Vivace every one of them is a ``Condition``).
- ``CustomIterable``: any iterable of values (``Iterable[Any]``); ``Iterable`` itself too.
- ``TableInstance``: a TypeVar bound to ``Table``, for functions generic over tables.
- ``QueryResponseType``: a TypeVar for what a query returns.
- ``BasicTypes``: the value types a database is sent.
- ``DatetimeDefault``: kept for old code, as in Piccolo (``DatetimeDefault.now``).

Example::

    from vivace.custom_types import Combinable, TableInstance

    def active(condition: Combinable) -> Combinable:
        return condition & (Band.active == True)

    async def first(table: type[TableInstance]) -> TableInstance | None:
        return await table.objects().first()
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from vivace.schema.defaults import DatetimeDefault
from vivace.sql.nodes import Condition

if TYPE_CHECKING:  # pragma: no cover
    from vivace.table import Table

#: A condition ``where()`` takes: a comparison, ``WhereRaw``, ``And``, ``Or``.
#: Example: ``condition: Combinable = (Band.popularity > 100) | (Band.name == "Pythonistas")``.
Combinable: TypeAlias = Condition

#: Any iterable of values. Example: ``def names(values: CustomIterable) -> list[str]: ...``.
CustomIterable: TypeAlias = Iterable[Any]

#: A Table subclass's instance, for functions generic over tables.
#: Example: ``def copy_row(row: TableInstance) -> TableInstance: ...``.
TableInstance = TypeVar("TableInstance", bound="Table")

#: What a query returns, for generic query wrappers.
#: Example: ``class Cached(Generic[QueryResponseType]): ...``.
QueryResponseType = TypeVar("QueryResponseType", bound=Any)

#: The value types a database is sent.
#: Example: ``def param(value: BasicTypes) -> BasicTypes: return value``.
BasicTypes: TypeAlias = (
    bytes
    | datetime.date
    | datetime.datetime
    | datetime.time
    | datetime.timedelta
    | decimal.Decimal
    | dict[Any, Any]
    | float
    | int
    | list[Any]
    | str
    | uuid.UUID
)

__all__ = [
    "BasicTypes",
    "Combinable",
    "CustomIterable",
    "DatetimeDefault",
    "Iterable",
    "QueryResponseType",
    "TableInstance",
]
