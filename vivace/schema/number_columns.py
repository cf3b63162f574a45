"""Number columns: the integers and serials, exact decimals, floats.

Example::

    class Ticket(Table):
        seats = SmallInt(default=1)
        price = Numeric(digits=(5, 2))
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any, Unpack, overload

from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import DecimalT, FloatT, IntT, NotNull, Nullable
from vivace.types import ValueType


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
    """Another name for ``Numeric``: ``price = Decimal(digits=(6, 2))`` holds
    ``decimal.Decimal("12.50")``."""

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
    """An 8-byte float, as Piccolo's ``Float`` is (it declares ``FLOAT``, which PostgreSQL
    makes ``DOUBLE PRECISION``): another name for ``DoublePrecision``, not ``Real``, so a
    Piccolo project's ``Float`` columns keep every digit: ``rating = Float(default=0.0)``.
    """

    if TYPE_CHECKING:

        @overload
        def __init__(self: Float[float], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: Float[float | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("double")


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
