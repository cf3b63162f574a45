"""Array expressions: membership tests, indexing and the array functions of ``Array`` columns.

The dialect renders them (``visit_array_condition``, ``visit_array_index``): PostgreSQL
with ``= ANY(...)``, ``= ALL(...)``, ``&&`` and ``col[n]``; SQLite, whose arrays are JSON
text, searches the elements with ``json_each`` (and refuses the array functions).

Example::

    ArrayCondition("any", Band.tags, Param("rock", TEXT))     # 'rock' = ANY(tags)
    ArrayIndex(Band.tags, 0)                                 # tags[1] (0-based in Python)
    concatenation(["a"], Band.tags, TAGS) + ["z"]            # array_cat(array_cat(...), ...)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, cast

from vivace.exceptions import QueryError
from vivace.sql.calls import Call
from vivace.sql.nodes import ColumnNode, Comparison, Condition, Expr, Not, Or, Param
from vivace.types import ValueType
from vivace.types.adapters import member_value, member_values

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


class ArrayCall(Call):
    """A call whose value is an array (``array_cat``, ``array_append``...): ``+`` on it
    concatenates again, so ``[3] + Band.tags + [8]`` is ``array_cat(array_cat([3], tags),
    [8])``. Expression arithmetic would write ``+``, which PostgreSQL has no operator for
    on arrays (``integer[] + unknown``)."""

    __slots__ = ()

    def __add__(self, other: object) -> ArrayCall:  # type: ignore[override]
        return concatenation(self, other, self.vtype)

    def __radd__(self, other: object) -> ArrayCall:  # type: ignore[override]
        return concatenation(other, self, self.vtype)


def concatenation(left: object, right: object, vtype: ValueType | None) -> ArrayCall:
    """``array_cat(left, right)`` of type ``vtype`` (the arrays'), keyed ``"array_cat"``
    as in Piccolo. Example: ``concatenation(Band.tags, ["jazz"], Band.tags.value_type)``."""
    args = (array_operand(left, vtype), array_operand(right, vtype))
    return ArrayCall("array_cat", args, vtype=vtype, alias="array_cat")


def array_operand(value: object, vtype: ValueType | None) -> Expr:
    """A side of a concatenation: an expression as it is; a list, or one item as a list of
    it (Piccolo's ``cat("z")``), as a parameter of ``vtype``, Enum members as their values
    (nothing checks it against a column, which would unwrap them).

    Example: ``array_operand("z", TAGS)`` is ``Param(["z"], TAGS)``."""
    if isinstance(value, Expr):
        return value
    return Param(member_values(value if isinstance(value, list) else [value]), vtype)


def overlap_operand(value: object, vtype: ValueType | None) -> Expr:
    """The other side of an overlap (``&&``): an expression (an array column, a
    ``QueryString``, an array function) as it is; a list, tuple or set as one parameter of
    ``vtype``, Enum members as their values (nothing checks it against a column).

    Example: ``overlap_operand(["rock", "jazz"], TAGS)`` is ``Param(["rock", "jazz"], TAGS)``.
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items: Iterable[Any] = cast("Iterable[Any]", value)
        return Param(member_values(list(items)), vtype)
    raise TypeError(
        "overlap() takes a list, an array column or an expression, "
        f"got {type(value).__name__} {value!r}"
    )


def whole_array_in(array: ColumnNode, values: Iterable[Any], negate: bool) -> Condition:
    """``array IN (...)`` for a list of whole arrays: the column equals one of them, each
    one parameter of the column's type (so each is checked as the column's value), joined
    by ``OR`` (``NOT (...)`` for ``not_in``). A list of arrays cannot be one parameter as
    a scalar ``is_in`` binds it: PostgreSQL's ``= ANY`` would compare elements, and its
    arrays of arrays must be rectangular. ``x IN (a, b)`` is ``x = a OR x = b`` in SQL, NULL
    included: a ``None`` in the list matches no row, and makes ``not_in`` match none.

    Example: ``whole_array_in(Ticket.seats, [[1, 2], [3]], negate=False)`` is
    ``"seats" = $1 OR "seats" = $2``.
    """
    if isinstance(values, str | bytes):
        raise QueryError("is_in()/not_in() take a list of values, not a string")
    items = list(values)
    if not items:
        raise QueryError("The `values` list argument must contain at least one value.")
    vtype = array.value_type
    equal: list[Condition] = [
        Comparison(array, "=", Param(_whole_array(item), vtype)) for item in items
    ]
    found = equal[0] if len(equal) == 1 else Or(*equal)
    return Not(found) if negate else found


def _whole_array(value: Any) -> Any:
    """One array of an ``is_in`` list, Enum members as their values (in nested lists too)."""
    if isinstance(value, list | tuple):
        return member_values(value)
    return member_value(value)
