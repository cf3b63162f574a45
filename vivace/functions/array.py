"""Array functions (PostgreSQL; on SQLite they raise ``QueryError`` when compiled).

Usable in select, where and as update values::

    await Band.update({Band.tags: ArrayAppend(Band.tags, "jazz")}).where(Band.id == 1)
    await Band.select(ArrayCat(Band.tags, ["x", "y"], alias="all_tags"))
"""

from __future__ import annotations

from typing import Any

from vivace.functions.base import Function, argument
from vivace.schema.column_types import Array
from vivace.sql.arrays import ArrayCall, ArrayCondition, overlap_operand
from vivace.sql.nodes import Expr, Param
from vivace.types import ValueType
from vivace.types.adapters import member_values


def _array_type(*values: Any) -> ValueType | None:
    for value in values:
        vtype = getattr(value, "value_type", None)
        if isinstance(vtype, ValueType) and vtype.name == "array":
            return vtype
    return None


def _element(vtype: ValueType | None) -> ValueType | None:
    return None if vtype is None else vtype.element


def _array(value: Any, vtype: ValueType | None) -> Expr:
    if isinstance(value, list | tuple):
        # Enum members as their values, as a column stores them (nothing checks this list).
        return Param(member_values(value), vtype)
    return argument(value, vtype)


def _require_native(what: str, *values: Any) -> None:
    """Refuse at once, as Piccolo does, an array function on a table whose database has
    no native arrays (SQLite): ``Only Postgres and Cockroach support ...``."""
    for value in values:
        if isinstance(value, Array):
            value._require_native(what)


class _ArrayFunction(Function, ArrayCall):
    """An array function's value is an array: ``+`` concatenates it (``ArrayCat(a, b) +
    [c]`` is ``array_cat(array_cat(a, b), c)``), as on an ``Array`` column, in Piccolo."""


class ArrayCat(_ArrayFunction):
    """``array_1`` followed by ``array_2`` -> key ``"array_cat"``.

    Example: ``await Band.select(ArrayCat(Band.tags, ["live", "studio"]))``.
    """

    def __init__(self, array_1: Any, array_2: Any, alias: str | None = None) -> None:
        _require_native("array concatenation", array_1, array_2)
        vtype = _array_type(array_1, array_2)
        args = (_array(array_1, vtype), _array(array_2, vtype))
        super().__init__("array_cat", args, vtype=vtype, alias=alias or "array_cat")


class ArrayAppend(_ArrayFunction):
    """The array with ``value`` added at the end -> key ``"array_append"``.

    Example: ``await Band.update({Band.tags: ArrayAppend(Band.tags, "jazz")}, force=True)``.
    """

    def __init__(self, array: Any, value: Any, alias: str | None = None) -> None:
        _require_native("array appending", array)
        vtype = _array_type(array)
        args = (_array(array, vtype), argument(value, _element(vtype)))
        super().__init__("array_append", args, vtype=vtype, alias=alias or "array_append")


class ArrayPrepend(_ArrayFunction):
    """The array with ``value`` added at the start -> key ``"array_prepend"``.

    Example: ``await Band.select(ArrayPrepend(Band.tags, "new"))``.
    """

    def __init__(self, array: Any, value: Any, alias: str | None = None) -> None:
        _require_native("array prepending", array)
        vtype = _array_type(array)
        # PostgreSQL's argument order: array_prepend(value, array).
        args = (argument(value, _element(vtype)), _array(array, vtype))
        super().__init__("array_prepend", args, vtype=vtype, alias=alias or "array_prepend")


class ArrayRemove(_ArrayFunction):
    """The array without any element equal to ``value`` -> key ``"array_remove"``.

    Example: ``await Band.update({Band.tags: ArrayRemove(Band.tags, "jazz")}, force=True)``.
    """

    def __init__(self, array: Any, value: Any, alias: str | None = None) -> None:
        _require_native("array removing", array)
        vtype = _array_type(array)
        args = (_array(array, vtype), argument(value, _element(vtype)))
        super().__init__("array_remove", args, vtype=vtype, alias=alias or "array_remove")


class ArrayReplace(_ArrayFunction):
    """Every element equal to ``old_value`` replaced by ``new_value`` ->
    key ``"array_replace"``.

    Example: ``await Band.select(ArrayReplace(Band.tags, "rock", "metal"))``.
    """

    def __init__(
        self, array: Any, old_value: Any, new_value: Any, alias: str | None = None
    ) -> None:
        _require_native("array substitution", array)
        vtype = _array_type(array)
        element = _element(vtype)
        args = (_array(array, vtype), argument(old_value, element), argument(new_value, element))
        super().__init__("array_replace", args, vtype=vtype, alias=alias or "array_replace")


class ArrayOverlap(ArrayCondition):
    """A condition: the two arrays share an element (PostgreSQL's ``&&``, which a GIN index
    serves). Either side is an array column, a list or an expression, as in Piccolo.

    Example: ``await Band.select(Band.name).where(ArrayOverlap(Band.tags, ["rock", "jazz"]))``.
    """

    __slots__ = ()

    def __init__(self, array_1: Any, array_2: Any) -> None:
        _require_native("array overlap", array_1, array_2)
        vtype = _array_type(array_1, array_2)
        super().__init__(
            "overlap", overlap_operand(array_1, vtype), overlap_operand(array_2, vtype)
        )
