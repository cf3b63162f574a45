"""Array expressions: membership tests and indexing of ``Array`` columns.

The dialect renders them (``visit_array_condition``, ``visit_array_index``): PostgreSQL
with ``= ANY(...)``, ``= ALL(...)``, ``&&`` and ``col[n]``; SQLite, whose arrays are JSON
text, searches the elements with ``json_each``.

Example::

    ArrayCondition("any", Band.tags, Param("rock", TEXT))     # 'rock' = ANY(tags)
    ArrayIndex(Band.tags, 0)                                 # tags[1] (0-based in Python)
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from vivace.sql.nodes import ColumnNode, Condition, Expr
from vivace.types import ValueType

#: The membership tests: the value is an element ("any"), every element ("all"), no
#: element ("not_any"); "overlap": the arrays share an element.
ARRAY_TESTS = frozenset({"any", "all", "not_any", "overlap"})


class ArrayCondition(Condition):
    """``value = ANY(array)`` and its kin; ``test`` is one of ``ARRAY_TESTS``."""

    __slots__ = ("test", "array", "value")
    visit_name = "array_condition"

    def __init__(self, test: str, array: Expr, value: Expr) -> None:
        assert test in ARRAY_TESTS, test
        self.test, self.array, self.value = test, array, value

    def _key(self, values: list[Any]) -> Hashable:
        # The value's placeholder comes first in the SQL text (``$1 = ANY(col)``), except
        # for overlap (``col && $1``): the key walks in text order.
        if self.test == "overlap":
            return ("ARR", self.test, self.array._key(values), self.value._key(values))
        return ("ARR", self.test, self.value._key(values), self.array._key(values))


class ArrayIndex(Expr):
    """One element of an array column: ``Band.tags[0]`` (0-based, as in Python); its
    result key is the column's (``"tags"``), as in Piccolo."""

    __slots__ = ("array", "index")
    visit_name = "array_index"

    def __init__(self, array: ColumnNode, index: int) -> None:
        self.array, self.index = array, index

    @property
    def value_type(self) -> ValueType | None:
        vtype = self.array.value_type
        return None if vtype is None else vtype.element

    @property
    def result_name(self) -> str:
        return str(self.array._meta.get_default_alias())

    def _key(self, values: list[Any]) -> Hashable:
        return ("AIDX", self.index, self.array._key(values))
