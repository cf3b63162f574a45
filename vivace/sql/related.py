"""``RelatedRows``: each outer row's related rows, gathered into one list value.

The node is a correlated subquery over a *step*: a join-on column (``Manager.id`` joined
to ``Band.manager``) whose far side is the related table. Its columns are reached through
that step, so the compiler aliases them on its own, apart from the outer query's joins.
Databases that can aggregate rows (PostgreSQL) render it in place; the ORM fetches the
rows with one extra ``IN`` query elsewhere (``Dialect.supports_row_aggregation``).

Example::

    node = Manager.bands(Band.name, as_list=True)   # a RelatedRows named "bands"
    values: list[object] = []
    node._key(values)   # structure only: the step, the columns' shapes, the order
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from vivace.sql.nodes import ColumnNode, Condition, Expr, OrderItem
from vivace.types import ValueType


class RelatedRows(Expr):
    """The list of rows related to each outer row, under the result key ``name``.

    ``step`` is the join-on column from the outer row to the related table; ``columns`` and
    ``order_by`` are reached through it; ``where`` filters the related rows. ``vtype`` is a
    ``ValueType("rows", (as_list, names, field types, load_json))`` telling the dialect how
    to read the list back. ``spec`` is what the ORM needs to fetch the same rows with a
    second query; it is no part of the shape (everything in it follows from the rest).
    """

    __slots__ = ("step", "columns", "order_by", "where", "name", "vtype", "spec")
    visit_name = "related_rows"

    def __init__(
        self,
        step: ColumnNode,
        columns: Sequence[ColumnNode],
        order_by: Sequence[OrderItem],
        where: Condition | None,
        name: str,
        vtype: ValueType,
        spec: Any = None,
    ) -> None:
        self.step, self.columns, self.order_by = step, tuple(columns), tuple(order_by)
        self.where, self.name, self.vtype, self.spec = where, name, vtype, spec

    @property
    def value_type(self) -> ValueType:
        return self.vtype

    @property
    def as_list(self) -> bool:
        """Whether each item is a bare value (one column) rather than a dict."""
        return bool(self.vtype.args[0])

    @property
    def names(self) -> tuple[str, ...]:
        """The keys of each item's dict (the related columns' dotted names)."""
        names = self.vtype.args[1]
        assert isinstance(names, tuple)
        return names

    def as_alias(self, name: str) -> RelatedRows:  # type: ignore[override]
        """The same rows under another result key: ``Manager.bands().as_alias("acts")``."""
        return RelatedRows(
            self.step, self.columns, self.order_by, self.where, name, self.vtype, self.spec
        )

    def _key(self, values: list[Any]) -> Hashable:
        # Placeholder order when rendered: columns, ORDER BY, joins (no values), WHERE.
        columns = tuple(c._shape for c in self.columns)
        order = tuple(o._key(values) for o in self.order_by)
        where = None if self.where is None else self.where._key(values)
        return ("REL", self.name, self.vtype, self.step._shape, columns, order, where)
