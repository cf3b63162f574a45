"""Function calls the dialect renders, and window clauses over them.

``Call`` is the node behind ``vivace.functions``: a function named in lower case
(``"upper"``, ``"extract"``, ``"sum"``), its argument expressions, and *options*:
structural arguments written into the SQL text instead of bound (an EXTRACT field,
the target type of a cast, a strftime format). Options are part of the shape key, so
they are plain hashable values, never expressions.

The compiler renders a call with its ``call_<fn>`` method when it has one (that is
where dialects differ: SQLite emulates ``CEIL`` and ``REVERSE``, PostgreSQL formats
dates with ``TO_CHAR``), otherwise as ``FN(args)``.

``Over`` puts a call in a window: ``SUM(x) OVER (PARTITION BY ... ORDER BY ...)``.

Example::

    Call("upper", (Band.name,), vtype=ValueType("text"), alias="upper")
    Over(Call("rank", (), alias="rank"), order_by=(OrderItem(Band.popularity, False),))
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from typing import Any

from vivace.exceptions import QueryError
from vivace.sql.nodes import Expr, OrderItem
from vivace.types import ValueType

#: Functions that only mean something in a window: they need ``.over(...)``.
WINDOW_ONLY = frozenset({"rank", "dense_rank", "row_number", "lag", "lead"})

_FUNCTION_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: A window frame: ``("ROWS", start, end)``; None is unbounded, 0 the current row,
#: a negative number that many rows before it, a positive one that many after.
Frame = tuple[str, int | None, int | None]


class Call(Expr):
    """``fn(args)`` rendered by the dialect; ``alias`` is its result key.

    Example: ``Call("length", (Band.name,), vtype=ValueType("integer"), alias="length")``.
    """

    __slots__ = ("fn", "args", "options", "vtype", "alias")
    visit_name = "call"

    def __init__(
        self,
        fn: str,
        args: Sequence[Expr] = (),
        options: tuple[Hashable, ...] = (),
        vtype: ValueType | None = None,
        alias: str | None = None,
    ) -> None:
        if not _FUNCTION_NAME.match(fn):
            raise QueryError(f"{fn!r} is not a function name")
        self.fn, self.args, self.options = fn, tuple(args), options
        self.vtype, self.alias = vtype, alias

    @property
    def value_type(self) -> ValueType | None:
        return self.vtype

    @property
    def result_name(self) -> str:
        """The key of this call's value in a result row."""
        return self.alias or self.fn

    def _key(self, values: list[Any]) -> Hashable:
        shape = ("CALL", self.fn, self.options, self.alias, self.vtype)
        return (*shape, *(a._key(values) for a in self.args))


class Over(Expr):
    """``call OVER (PARTITION BY ... ORDER BY ... ROWS BETWEEN ...)``.

    The call's arguments come first in the SQL text, so they come first in the key too.
    """

    __slots__ = ("call", "partition_by", "order_by", "frame")
    visit_name = "over"

    def __init__(
        self,
        call: Call,
        partition_by: Sequence[Expr] = (),
        order_by: Sequence[OrderItem] = (),
        frame: Frame | None = None,
    ) -> None:
        self.call, self.partition_by, self.order_by = call, tuple(partition_by), tuple(order_by)
        self.frame = frame

    @property
    def value_type(self) -> ValueType | None:
        return self.call.vtype

    @property
    def result_name(self) -> str:
        return self.call.result_name

    def _key(self, values: list[Any]) -> Hashable:
        call = self.call._key(values)
        partition = tuple(p._key(values) for p in self.partition_by)
        order = tuple(o._key(values) for o in self.order_by)
        return ("OVER", call, partition, order, self.frame)
