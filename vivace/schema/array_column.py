"""The ``Array`` column and Piccolo's array operations.

Example::

    class Band(Table):
        tags = Array(base_column=Varchar())

    Band.select().where(Band.tags.any("rock"))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar, Unpack, overload

from vivace.exceptions import QueryError
from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import ListT, NotNull, Nullable
from vivace.sql.arrays import (
    ArrayCall,
    ArrayCondition,
    ArrayIndex,
    concatenation,
    overlap_operand,
    whole_array_in,
)
from vivace.sql.nodes import Condition, Expr, Param, to_expr
from vivace.types import ValueType
from vivace.types.adapters import member_values

if TYPE_CHECKING:
    from vivace.sql.statements import Select

V = TypeVar("V")  # the element type of an Array


#: Piccolo's words for the array functions, in its "Only Postgres ... support ..." errors.
_ARRAY_WORK = {
    "array_cat": "array concatenation",
    "array_append": "array appending",
    "array_prepend": "array prepending",
    "array_remove": "array removing",
    "array_replace": "array substitution",
}


class Array(Column[ListT]):
    """A list of values of one column type: ``Array(base_column=Integer())``.

    PostgreSQL stores a native array; SQLite stores JSON text.
    """

    python_type = list

    @overload
    def __init__(
        self: Array[list[V]], base_column: Column[V], default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Array[list[V] | None],
        base_column: Column[V],
        default: Any = ...,
        **kwargs: Unpack[Nullable],
    ) -> None: ...
    def __init__(
        self, base_column: Column[Any], default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        if not isinstance(base_column, Column):
            raise TypeError(f"base_column must be a column instance, got {base_column!r}")
        if type(base_column).__name__ in {"ForeignKey", "M2M"}:
            raise TypeError("an Array of foreign keys is not supported")
        self.base_column = base_column
        self._vtype = ValueType("array", (base_column.value_type,))
        if default is UNSET:
            default = list
        super().__init__(default=default, **kwargs)

    def _get_dimensions(self) -> int:
        """How many arrays are nested: ``Array(Array(Integer()))._get_dimensions()`` -> 2."""
        base = self.base_column
        return base._get_dimensions() + 1 if isinstance(base, Array) else 1

    def _get_inner_column(self) -> Column[Any]:
        """The column of the innermost elements:
        ``Array(Array(Varchar()))._get_inner_column()`` -> that ``Varchar()``."""
        base = self.base_column
        return base._get_inner_column() if isinstance(base, Array) else base

    def _get_inner_value_type(self) -> type:
        """The Python type of the innermost elements:
        ``Array(Array(Integer()))._get_inner_value_type()`` -> ``int``."""
        return self._get_inner_column().python_type

    # whole arrays ------------------------------------------------------------------------
    def is_in(self, values: Iterable[Any] | Select) -> Condition:
        """Rows whose whole array equals one of ``values`` (a list of lists), as Piccolo
        compares them (``tags IN (...)``); a select of arrays gives them too.

        Example: ``await Ticket.select().where(Ticket.seats.is_in([[1, 2], [3]]))`` finds
        the rows holding exactly ``[1, 2]`` or ``[3]`` (not ``[2, 1]``, not ``[1]``).
        """
        if isinstance(values, Iterable) and not hasattr(values, "_as_subquery"):
            return whole_array_in(self, values, negate=False)
        return super().is_in(values)

    def not_in(self, values: Iterable[Any] | Select) -> Condition:
        """Rows whose whole array equals none of ``values`` (a list of lists).

        Example: ``await Ticket.select().where(Ticket.seats.not_in([[1, 2]]))``; as SQL's
        ``NOT IN``, a row holding NULL is not among them.
        """
        if isinstance(values, Iterable) and not hasattr(values, "_as_subquery"):
            return whole_array_in(self, values, negate=True)
        return super().not_in(values)

    # Piccolo's array operations (PostgreSQL; SQLite has any/not_any only) ----------------
    __iter__ = None  # indexing is no iteration: list(Band.tags) must not loop forever

    def __getitem__(self, index: int) -> ArrayIndex:
        """One element, 0-based: ``Band.select(Band.tags[0])``, key ``"tags"``."""
        if not isinstance(index, int) or isinstance(index, bool):
            raise ValueError("Only integers can be used for indexing.")
        if index < 0:
            raise ValueError("Only positive integers are allowed.")
        self._require_native("array indexing")
        return ArrayIndex(self, index)

    def _require_native(self, what: str) -> None:
        """Refuse at once, as Piccolo does, what needs native arrays (PostgreSQL)."""
        table = self._meta.table
        if table is not None and not table._meta.db.dialect.supports_native_arrays:
            raise QueryError(f"Only Postgres and Cockroach support {what}.")

    def _element(self, value: Any) -> Expr:
        if isinstance(value, list | tuple):
            # An element of nested arrays: no column check will unwrap its Enum members.
            return Param(member_values(value), self._vtype.element)
        return to_expr(value, self._vtype.element)

    def any(self, value: Any) -> ArrayCondition:
        """Rows whose array holds ``value``: ``.where(Band.tags.any("rock"))``."""
        return ArrayCondition("any", self, self._element(value))

    def all(self, value: Any) -> ArrayCondition:
        """Rows whose every element equals ``value`` (PostgreSQL).

        Example: ``await Band.select(Band.name).where(Band.tags.all("rock"))``.
        """
        table = self._meta.table
        if table is not None and not table._meta.db.dialect.supports_native_arrays:
            raise QueryError("Unsupported by SQLite")
        return ArrayCondition("all", self, self._element(value))

    def not_any(self, value: Any) -> ArrayCondition:
        """Rows whose array does not hold ``value``: ``.where(Band.tags.not_any("jazz"))``."""
        return ArrayCondition("not_any", self, self._element(value))

    def overlap(self, values: Any) -> ArrayCondition:
        """Rows whose array shares an element with ``values``: a list, another array
        column or an expression (a ``QueryString``, an array function), as in Piccolo
        (PostgreSQL).

        Example: ``await Band.select().where(Band.tags.overlap(["rock", "jazz"]))``, or
        ``Band.tags.overlap(Band.old_tags)``.
        """
        self._require_native("array overlap")
        return ArrayCondition("overlap", self, overlap_operand(values, self._vtype))

    def _call(self, fn: str, *args: Expr) -> ArrayCall:
        self._require_native(_ARRAY_WORK[fn])
        return ArrayCall(fn, args, vtype=self._vtype, alias=fn)

    def cat(self, value: Any) -> ArrayCall:
        """The array followed by ``value`` (a list, or one item), key ``"array_cat"``;
        also ``Band.tags + [...]``, chained as ``["a"] + Band.tags + ["z"]`` (PostgreSQL).
        Example: ``Band.update({Band.tags: Band.tags.cat(["jazz"])})``."""
        self._require_native(_ARRAY_WORK["array_cat"])
        return concatenation(self, value, self._vtype)

    def __add__(self, value: Any) -> ArrayCall:  # type: ignore[override]
        return self.cat(value)

    def __radd__(self, value: Any) -> ArrayCall:  # type: ignore[override]
        self._require_native(_ARRAY_WORK["array_cat"])
        return concatenation(value, self, self._vtype)

    def append(self, value: Any) -> ArrayCall:
        """The array with ``value`` added at the end, key ``"array_append"`` (PostgreSQL).

        Example: ``await Band.update({Band.tags: Band.tags.append("jazz")}, force=True)``.
        """
        return self._call("array_append", self, self._element(value))

    def prepend(self, value: Any) -> ArrayCall:
        """The array with ``value`` added first, key ``"array_prepend"`` (PostgreSQL).

        Example: ``await Band.update({Band.tags: Band.tags.prepend("new")}, force=True)``.
        """
        return self._call("array_prepend", self._element(value), self)

    def remove(self, value: Any) -> ArrayCall:
        """The array without the elements equal to ``value``, key ``"array_remove"``.

        Example (PostgreSQL), for tags ``["rock", "jazz"]``::

            await Band.select(Band.tags.remove("rock"))  # [{"array_remove": ["jazz"]}]
        """
        return self._call("array_remove", self, self._element(value))

    def replace(self, old: Any, new: Any) -> ArrayCall:
        """Elements equal to ``old`` replaced by ``new``, key ``"array_replace"``.

        Example (PostgreSQL)::

            await Band.update({Band.tags: Band.tags.replace("rock", "metal")}, force=True)
        """
        return self._call("array_replace", self, self._element(old), self._element(new))
