"""Concrete column types (``vivace.columns``).

Example::

    class Ticket(Table):
        price = Numeric(digits=(5, 2))
        tags = Array(base_column=Varchar())
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import TYPE_CHECKING, Any, TypeVar, Unpack, overload

from vivace.exceptions import QueryError
from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import (
    UUIDT,
    BoolT,
    BytesT,
    DateT,
    DatetimeT,
    DecimalT,
    FloatT,
    IntT,
    ListT,
    NotNull,
    Nullable,
    StrT,
    TimedeltaT,
    TimeT,
)
from vivace.schema.defaults import (
    UUID4,
    DateNow,
    IntervalCustom,
    TimeNow,
    TimestampNow,
    TimestamptzNow,
)
from vivace.sql.arrays import ArrayCondition, ArrayIndex
from vivace.sql.calls import Call
from vivace.sql.json_paths import JSONGet
from vivace.sql.nodes import Condition, Expr, to_expr
from vivace.types import ValueType

V = TypeVar("V")  # the element type of an Array


class Varchar(Column[StrT]):
    """Text with a maximum length: ``Varchar(length=100)``."""

    python_type = str
    _default_default = ""

    @overload
    def __init__(
        self: Varchar[str], length: int | None = ..., default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Varchar[str | None],
        length: int | None = ...,
        default: Any = ...,
        **kwargs: Unpack[Nullable],
    ) -> None: ...
    def __init__(
        self, length: int | None = 255, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        if length is not None and (not isinstance(length, int) or length <= 0):
            raise ValueError(f"Varchar length must be a positive int or None, got {length!r}")
        self.length = length
        self._vtype = ValueType("varchar", (length,))
        super().__init__(default=default, **kwargs)


class Char(Varchar[StrT]):
    """Fixed-length, blank-padded text on PostgreSQL: ``Char(length=2)``."""

    @overload
    def __init__(
        self: Char[str], length: int = ..., default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Char[str | None], length: int = ..., default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(
        self, length: int = 1, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        # The parent's overloads fix its value type; this class's own overloads chose it.
        super().__init__(length=length, default=default, **kwargs)  # type: ignore[misc]
        self._vtype = ValueType("char", (length,))


class Email(Varchar[StrT]):
    """An email address (a Varchar; serialisers validate it): ``Email(unique=True)``."""

    if TYPE_CHECKING:

        @overload
        def __init__(
            self: Email[str],
            length: int | None = ...,
            default: Any = ...,
            **kwargs: Unpack[NotNull],
        ) -> None: ...
        @overload
        def __init__(
            self: Email[str | None],
            length: int | None = ...,
            default: Any = ...,
            **kwargs: Unpack[Nullable],
        ) -> None: ...
        def __init__(
            self, length: int | None = ..., default: Any = ..., **kwargs: Unpack[ColumnKwargs]
        ) -> None: ...


class Secret(Varchar[StrT]):
    """A Varchar left out of ``select(exclude_secrets=True)``: ``Secret()``."""

    @overload
    def __init__(
        self: Secret[str], length: int | None = ..., default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Secret[str | None],
        length: int | None = ...,
        default: Any = ...,
        **kwargs: Unpack[Nullable],
    ) -> None: ...
    def __init__(
        self, length: int | None = 255, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        kwargs.setdefault("secret", True)
        super().__init__(length=length, default=default, **kwargs)  # type: ignore[misc]


class Text(Column[StrT]):
    """Text of any length: ``Text()``."""

    python_type = str
    _default_default = ""
    _vtype = ValueType("text")

    @overload
    def __init__(self: Text[str], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Text[str | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)


class Integer(Column[IntT]):
    """A 32-bit integer: ``Integer(default=0)``."""

    python_type = int
    _default_default: Any = 0
    _vtype = ValueType("integer")

    @overload
    def __init__(self: Integer[int], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Integer[int | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)


class BigInt(Integer[IntT]):
    """A 64-bit integer: ``BigInt()``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: BigInt[int], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: BigInt[int | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("bigint")


class SmallInt(Integer[IntT]):
    """A 16-bit integer: ``SmallInt()``."""

    if TYPE_CHECKING:

        @overload
        def __init__(
            self: SmallInt[int], default: Any = ..., **kwargs: Unpack[NotNull]
        ) -> None: ...
        @overload
        def __init__(
            self: SmallInt[int | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("smallint")


class Serial(Integer[IntT]):
    """An auto-incrementing integer, usually the primary key: ``Serial(primary_key=True)``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: Serial[int], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: Serial[int | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _default_default = None
    _vtype = ValueType("serial")


class BigSerial(Serial[IntT]):
    """A 64-bit auto-incrementing integer: ``BigSerial(primary_key=True)``."""

    if TYPE_CHECKING:

        @overload
        def __init__(
            self: BigSerial[int], default: Any = ..., **kwargs: Unpack[NotNull]
        ) -> None: ...
        @overload
        def __init__(
            self: BigSerial[int | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("bigserial")


class Boolean(Column[BoolT]):
    """True or false: ``Boolean(default=False)``."""

    python_type = bool
    _default_default = False
    _vtype = ValueType("boolean")

    @overload
    def __init__(self: Boolean[bool], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Boolean[bool | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)

    def eq(self, value: bool) -> Condition:
        """``col == value`` for linters that dislike ``== True``."""
        return self == value

    def ne(self, value: bool) -> Condition:
        """``col != value`` for linters that dislike ``!= True``."""
        return self != value


class Numeric(Column[DecimalT]):
    """An exact decimal: ``Numeric(digits=(10, 2))``. SQLite stores it as exact text."""

    python_type = decimal.Decimal
    _default_default = decimal.Decimal(0)

    @overload
    def __init__(
        self: Numeric[decimal.Decimal],
        digits: tuple[int, int] | None = ...,
        default: Any = ...,
        **kwargs: Unpack[NotNull],
    ) -> None: ...
    @overload
    def __init__(
        self: Numeric[decimal.Decimal | None],
        digits: tuple[int, int] | None = ...,
        default: Any = ...,
        **kwargs: Unpack[Nullable],
    ) -> None: ...
    def __init__(
        self,
        digits: tuple[int, int] | None = None,
        default: Any = UNSET,
        **kwargs: Unpack[ColumnKwargs],
    ) -> None:
        if digits is not None:
            if len(digits) != 2 or not all(isinstance(d, int) for d in digits):
                raise ValueError(f"digits must be (precision, scale), got {digits!r}")
            if not 0 <= digits[1] <= digits[0]:
                raise ValueError(f"digits must have 0 <= scale <= precision, got {digits!r}")
        self.digits = digits
        self._vtype = ValueType("numeric", digits or ())
        super().__init__(default=default, **kwargs)


class Decimal(Numeric[DecimalT]):
    """Another name for ``Numeric``."""

    if TYPE_CHECKING:

        @overload
        def __init__(
            self: Decimal[decimal.Decimal],
            digits: tuple[int, int] | None = ...,
            default: Any = ...,
            **kwargs: Unpack[NotNull],
        ) -> None: ...
        @overload
        def __init__(
            self: Decimal[decimal.Decimal | None],
            digits: tuple[int, int] | None = ...,
            default: Any = ...,
            **kwargs: Unpack[Nullable],
        ) -> None: ...
        def __init__(
            self,
            digits: tuple[int, int] | None = ...,
            default: Any = ...,
            **kwargs: Unpack[ColumnKwargs],
        ) -> None: ...


class Real(Column[FloatT]):
    """A 4-byte float: ``Real()``."""

    python_type = float
    _default_default = 0.0
    _vtype = ValueType("real")

    @overload
    def __init__(self: Real[float], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Real[float | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)


class Float(Real[FloatT]):
    """Another name for ``Real``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: Float[float], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: Float[float | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...


class DoublePrecision(Real[FloatT]):
    """An 8-byte float: ``DoublePrecision()``."""

    if TYPE_CHECKING:

        @overload
        def __init__(
            self: DoublePrecision[float], default: Any = ..., **kwargs: Unpack[NotNull]
        ) -> None: ...
        @overload
        def __init__(
            self: DoublePrecision[float | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("double")


class Timestamp(Column[DatetimeT]):
    """A naive date and time: ``Timestamp(default=TimestampNow())``. Aware values are refused."""

    python_type = datetime.datetime
    _vtype = ValueType("timestamp")

    @overload
    def __init__(
        self: Timestamp[datetime.datetime], default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Timestamp[datetime.datetime | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = None if kwargs.get("null") else TimestampNow()
        super().__init__(default=default, **kwargs)


class Timestamptz(Column[DatetimeT]):
    """An aware moment, returned in UTC: ``Timestamptz()``. Naive values are refused."""

    python_type = datetime.datetime
    _vtype = ValueType("timestamptz")

    @overload
    def __init__(
        self: Timestamptz[datetime.datetime], default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Timestamptz[datetime.datetime | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = None if kwargs.get("null") else TimestamptzNow()
        super().__init__(default=default, **kwargs)


class Date(Column[DateT]):
    """A calendar date: ``Date(default=DateNow())``."""

    python_type = datetime.date
    _vtype = ValueType("date")

    @overload
    def __init__(
        self: Date[datetime.date], default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Date[datetime.date | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = None if kwargs.get("null") else DateNow()
        super().__init__(default=default, **kwargs)


class Time(Column[TimeT]):
    """A time of day: ``Time(default=TimeNow())``."""

    python_type = datetime.time
    _vtype = ValueType("time")

    @overload
    def __init__(
        self: Time[datetime.time], default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Time[datetime.time | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = None if kwargs.get("null") else TimeNow()
        super().__init__(default=default, **kwargs)


class Interval(Column[TimedeltaT]):
    """A duration: ``Interval(default=IntervalCustom(hours=1))``."""

    python_type = datetime.timedelta
    _vtype = ValueType("interval")

    @overload
    def __init__(
        self: Interval[datetime.timedelta], default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Interval[datetime.timedelta | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = None if kwargs.get("null") else IntervalCustom()
        super().__init__(default=default, **kwargs)


class UUID(Column[UUIDT]):
    """A UUID, random by default: ``UUID(primary_key=True)``."""

    python_type = uuid.UUID
    _vtype = ValueType("uuid")

    @overload
    def __init__(self: UUID[uuid.UUID], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: UUID[uuid.UUID | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = None if kwargs.get("null") else UUID4()
        super().__init__(default=default, **kwargs)


class JSON(Column[StrT]):
    """JSON, stored as text; give a str, dict or list. Reads return text unless ``load_json``.

    A dict or list default is kept as its JSON text (as Piccolo does): new rows hold text.
    """

    python_type = str
    _default_default = "{}"
    _vtype = ValueType("json")

    @overload
    def __init__(self: JSON[str], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: JSON[str | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if isinstance(default, dict | list):
            default = json.dumps(default)
        super().__init__(default=default, **kwargs)

    def arrow(self, key: str | int) -> JSONGet:
        """The value under ``key`` (or at index ``key``), as JSON: ``Band.facts.arrow("a")``,
        also ``Band.facts["a"]``; keyed as the column in results."""
        return JSONGet(self, key)

    def __getitem__(self, key: str | int) -> JSONGet:
        return JSONGet(self, key)

    __iter__ = None  # indexing is no iteration

    def from_path(self, path: list[str | int]) -> JSONGet:
        """The value at a path of keys and indexes: ``Band.facts.from_path(["a", 0])``."""
        return JSONGet(self, path, path=True)


class JSONB(JSON[StrT]):
    """Binary JSON on PostgreSQL (JSON text on SQLite): ``JSONB()``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: JSONB[str], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: JSONB[str | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("jsonb")


class Bytea(Column[BytesT]):
    """Binary data: ``Bytea()``."""

    python_type = bytes
    _default_default = b""
    _vtype = ValueType("bytea")

    @overload
    def __init__(self: Bytea[bytes], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Bytea[bytes | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)


class Blob(Bytea[BytesT]):
    """Another name for ``Bytea``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: Blob[bytes], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: Blob[bytes | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...


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
            default = None if kwargs.get("null") else list
        super().__init__(default=default, **kwargs)

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
        return to_expr(value, self._vtype.element)

    def any(self, value: Any) -> ArrayCondition:
        """Rows whose array holds ``value``: ``.where(Band.tags.any("rock"))``."""
        return ArrayCondition("any", self, self._element(value))

    def all(self, value: Any) -> ArrayCondition:
        """Rows whose every element equals ``value`` (PostgreSQL)."""
        table = self._meta.table
        if table is not None and not table._meta.db.dialect.supports_native_arrays:
            raise QueryError("Unsupported by SQLite")
        return ArrayCondition("all", self, self._element(value))

    def not_any(self, value: Any) -> ArrayCondition:
        """Rows whose array does not hold ``value``."""
        return ArrayCondition("not_any", self, self._element(value))

    def overlap(self, values: list[Any]) -> ArrayCondition:
        """Rows whose array shares an element with ``values`` (PostgreSQL)."""
        self._require_native("array overlap")
        return ArrayCondition("overlap", self, to_expr(list(values), self._vtype))

    def _call(self, fn: str, *args: Expr) -> Call:
        self._require_native(_ARRAY_WORK[fn])
        return Call(fn, args, vtype=self._vtype, alias=fn)

    def cat(self, value: Any) -> Call:
        """The array followed by ``value`` (a list, or one item), key ``"array_cat"``;
        also ``Band.tags + [...]`` (PostgreSQL). Example:
        ``Band.update({Band.tags: Band.tags.cat(["jazz"])})``."""
        values = value if isinstance(value, list | Expr) else [value]
        return self._call("array_cat", self, to_expr(values, self._vtype))

    def __add__(self, value: Any) -> Call:  # type: ignore[override]
        return self.cat(value)

    def __radd__(self, value: Any) -> Call:  # type: ignore[override]
        values = value if isinstance(value, list | Expr) else [value]
        return self._call("array_cat", to_expr(values, self._vtype), self)

    def append(self, value: Any) -> Call:
        """The array with ``value`` added at the end, key ``"array_append"`` (PostgreSQL)."""
        return self._call("array_append", self, self._element(value))

    def prepend(self, value: Any) -> Call:
        """The array with ``value`` added first, key ``"array_prepend"`` (PostgreSQL)."""
        return self._call("array_prepend", self._element(value), self)

    def remove(self, value: Any) -> Call:
        """The array without the elements equal to ``value``, key ``"array_remove"``."""
        return self._call("array_remove", self, self._element(value))

    def replace(self, old: Any, new: Any) -> Call:
        """Elements equal to ``old`` replaced by ``new``, key ``"array_replace"``."""
        return self._call("array_replace", self, self._element(old), self._element(new))
