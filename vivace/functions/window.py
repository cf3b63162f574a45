"""Window functions: ``RowNumber``, ``Rank``, ``DenseRank``, ``Lag``, ``Lead``.

They need ``.over(...)`` (so do aggregates used as window functions)::

    await Band.select(
        Band.name,
        Rank().over(order_by=[Band.popularity], ascending=False),
        Sum(Band.popularity).over(partition_by=[Band.manager], alias="..."),
    )

Result keys: ``"row_number"``, ``"rank"``, ``"dense_rank"``, ``"lag"``, ``"lead"`` (or
``alias``). Numbers are ints; ``Lag``/``Lead`` have their column's type.
"""

from __future__ import annotations

from typing import Any, ClassVar

from vivace.exceptions import QueryError
from vivace.functions.base import BIGINT, Windowed, argument


class _Numbering(Windowed):
    _function: ClassVar[str] = ""

    def __init__(self, alias: str | None = None) -> None:
        name = self._function
        super().__init__(name, (), vtype=BIGINT, alias=alias or name)


class RowNumber(_Numbering):
    """1, 2, 3, ... in window order -> key ``"row_number"``.

    Example: ``await Band.select(Band.name, RowNumber().over(order_by=Band.name))``.
    """

    _function = "row_number"


class Rank(_Numbering):
    """The rank in window order, with gaps after ties (1, 1, 3) -> key ``"rank"``.

    Example: ``Rank().over(order_by=Band.popularity, ascending=False)`` in a select.
    """

    _function = "rank"


class DenseRank(_Numbering):
    """The rank without gaps after ties (1, 1, 2) -> key ``"dense_rank"``.

    Example: ``DenseRank().over(partition_by=Band.manager, order_by=Band.popularity)``.
    """

    _function = "dense_rank"


class _Offset(Windowed):
    _function: ClassVar[str] = ""

    def __init__(
        self, column: Any, offset: int = 1, default: Any = None, alias: str | None = None
    ) -> None:
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise QueryError(f"{type(self).__name__}(offset=...) takes an int >= 0")
        value = argument(column)
        args = [value] if default is None else [value, argument(default, value.value_type)]
        name = self._function
        super().__init__(name, args, (offset,), vtype=value.value_type, alias=alias or name)


class Lag(_Offset):
    """The value ``offset`` rows before in the window (``default`` if none) -> ``"lag"``."""

    _function = "lag"


class Lead(_Offset):
    """The value ``offset`` rows after in the window (``default`` if none) -> ``"lead"``."""

    _function = "lead"
