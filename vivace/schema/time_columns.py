"""Date and time columns: ``Timestamp``, ``Timestamptz``, ``Date``, ``Time``, ``Interval``.

Example::

    class Concert(Table):
        starts = Timestamptz()
        duration = Interval(default=IntervalCustom(hours=2))
"""

from __future__ import annotations

import datetime
from typing import Any, Unpack, overload

from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import DateT, DatetimeT, NotNull, Nullable, TimedeltaT, TimeT
from vivace.schema.defaults import DateNow, IntervalCustom, TimeNow, TimestampNow, TimestamptzNow
from vivace.types import ValueType


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
            default = TimestampNow()
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
            default = TimestamptzNow()
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
            default = DateNow()
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
            default = TimeNow()
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
            default = IntervalCustom()
        super().__init__(default=default, **kwargs)
