"""``EXISTS (subquery)`` conditions.

The subquery may refer to the outer query's table (a correlated subquery): its
columns are always written with their table name, so ``Band.id`` inside it means the
outer row's ``"band"."id"``.

Example::

    Band.select(Band.name).where(Exists(Concert.select().where(Concert.band == Band.id)))
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from vivace.exceptions import QueryError
from vivace.sql.nodes import Condition
from vivace.sql.statements import Select


class Exists(Condition):
    """Whether the subquery returns any row; ``~Exists(...)`` is ``NOT EXISTS``.

    Takes a query builder (``Concert.select()``) or a ``Select`` statement.
    """

    __slots__ = ("subquery",)
    visit_name = "exists"

    def __init__(self, query: Any) -> None:
        as_subquery = getattr(query, "_as_subquery", None)
        statement = as_subquery() if as_subquery is not None else query
        if not isinstance(statement, Select):
            raise QueryError(f"Exists() takes a select query, got {query!r}")
        self.subquery: Select = statement

    def _key(self, values: list[Any]) -> Hashable:
        return ("EXISTS", self.subquery._key(values))
