"""Column defaults that are computed when a row is made (``vivace.columns.defaults``).

Each default gives the Python value (``python()``) and, where the database can compute
the same thing itself, the SQL text for the column's ``DEFAULT`` (``postgres``/``sqlite``).

Example::

    class Concert(Table):
        starts = Timestamptz(default=TimestamptzOffset(days=1))
"""

from __future__ import annotations

import datetime
import decimal
import math
import os
import time
import uuid
from typing import Any, ClassVar, Self

# The types under other names: the properties named ``datetime``, ``date``, ``time`` and
# ``timedelta`` (Piccolo's) would hide the module in their own class's annotations.
_DateTime = datetime.datetime
_Date = datetime.date
_Time = datetime.time
_TimeDelta = datetime.timedelta

_UTC = datetime.UTC


class Default:
    """Base of computed defaults: ``python()`` is the value used for a new row."""

    #: SQL for the column's DEFAULT clause, or None when only Python computes it.
    postgres: str | None = None
    sqlite: str | None = None
    #: A fixed value (``python()`` gives the same each time): the column's DEFAULT is its
    #: literal on every database, so rows inserted outside the ORM get it too.
    constant: ClassVar[bool] = False

    def python(self) -> Any:
        """The value for a new row: ``TimestampNow().python()`` -> the current time."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(vars(self).items()))))


class TimestampNow(Default):
    """The current local time, naive. Example: ``Timestamp(default=TimestampNow())``."""

    postgres = "current_timestamp"

    def python(self) -> datetime.datetime:
        """``TimestampNow().python()`` -> ``datetime.datetime(2026, 12, 1, 9, 30, 0, 123456)``."""
        return datetime.datetime.now()


class TimestampOffset(Default):
    """Now plus an offset. Example: ``TimestampOffset(days=1, hours=2)``."""

    def __init__(self, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0) -> None:
        self.days, self.hours, self.minutes, self.seconds = days, hours, minutes, seconds

    def _delta(self) -> datetime.timedelta:
        return datetime.timedelta(
            days=self.days, hours=self.hours, minutes=self.minutes, seconds=self.seconds
        )

    def python(self) -> datetime.datetime:
        """``TimestampOffset(days=1).python()`` -> this time tomorrow (local, naive)."""
        return datetime.datetime.now() + self._delta()

    @property
    def postgres(self) -> str:  # type: ignore[override]
        """``current_timestamp`` moved by the offset, as the column's DEFAULT.

        Example: ``TimestampOffset(days=1).postgres`` is
        ``"current_timestamp + interval '1 days 0 seconds'"``.
        """
        return f"current_timestamp + interval '{_span(self._delta())}'"


class TimestampCustom(Default):
    """A fixed moment. Example: ``TimestampCustom(year=2020, month=1, day=1)``."""

    constant = True

    def __init__(
        self,
        year: int = 2000,
        month: int = 1,
        day: int = 1,
        hour: int = 0,
        second: int = 0,
        microsecond: int = 0,
        minute: int = 0,
    ) -> None:
        self.year, self.month, self.day = year, month, day
        self.hour, self.minute, self.second, self.microsecond = hour, minute, second, microsecond

    def python(self) -> datetime.datetime:
        """``TimestampCustom(year=2020, month=1, day=1).python()`` ->
        ``datetime.datetime(2020, 1, 1, 0, 0)``."""
        return datetime.datetime(
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond
        )

    @classmethod
    def from_datetime(cls, instance: datetime.datetime) -> Self:
        """The default for a given moment: ``TimestampCustom.from_datetime(datetime(...))``;
        an aware moment is taken in UTC."""
        if instance.tzinfo is not None:
            instance = instance.astimezone(_UTC)
        return cls(
            year=instance.year,
            month=instance.month,
            day=instance.day,
            hour=instance.hour,
            minute=instance.minute,
            second=instance.second,
            microsecond=instance.microsecond,
        )

    # Last in the class: the name would hide the ``datetime`` module in annotations below it.
    @property
    def datetime(self) -> _DateTime:
        """The moment (Piccolo's attribute): ``TimestampCustom(year=2020).datetime`` is
        ``datetime.datetime(2020, 1, 1, 0, 0)``; aware in UTC for ``TimestamptzCustom``."""
        return self.python()


class DatetimeDefault:
    """Piccolo's old spelling of "now" for a timestamp default, kept for old code:
    ``DatetimeDefault.now`` is a ``TimestampNow()``.

    Example: ``Timestamp(default=DatetimeDefault.now)``.
    """

    now = TimestampNow()


class TimestamptzNow(TimestampNow):
    """The current time, aware, in UTC. Example: ``Timestamptz(default=TimestamptzNow())``."""

    def python(self) -> datetime.datetime:
        """``TimestamptzNow().python()`` -> now, aware: ``tzinfo`` is ``datetime.UTC``."""
        return datetime.datetime.now(tz=_UTC)


class TimestamptzOffset(TimestampOffset):
    """Now (UTC) plus an offset. Example: ``TimestamptzOffset(hours=1)``."""

    def python(self) -> datetime.datetime:
        """``TimestamptzOffset(hours=1).python()`` -> an hour from now, in UTC."""
        return datetime.datetime.now(tz=_UTC) + self._delta()


class TimestamptzCustom(TimestampCustom):
    """A fixed moment in UTC. Example: ``TimestamptzCustom(year=2020)``."""

    def python(self) -> datetime.datetime:
        """``TimestamptzCustom(year=2020).python()`` ->
        ``datetime.datetime(2020, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)``."""
        return super().python().replace(tzinfo=_UTC)


class DateNow(Default):
    """Today. Example: ``Date(default=DateNow())``."""

    postgres = "current_date"

    def python(self) -> datetime.date:
        """``DateNow().python()`` -> ``datetime.date.today()``."""
        return datetime.date.today()


class DateOffset(Default):
    """Today plus some days. Example: ``DateOffset(days=7)``."""

    def __init__(self, days: int = 0) -> None:
        self.days = days

    def python(self) -> datetime.date:
        """``DateOffset(days=7).python()`` -> the date a week from today."""
        return datetime.date.today() + datetime.timedelta(days=self.days)

    @property
    def postgres(self) -> str:  # type: ignore[override]
        """``current_date`` moved by the days, as the column's DEFAULT.

        Example: ``DateOffset(days=7).postgres`` is ``"current_date + 7"``.
        """
        return f"current_date + {int(self.days)}"


class DateCustom(Default):
    """A fixed date. Example: ``DateCustom(year=2021, month=12, day=25)``."""

    constant = True

    def __init__(self, year: int = 2000, month: int = 1, day: int = 1) -> None:
        self.year, self.month, self.day = year, month, day

    def python(self) -> datetime.date:
        """``DateCustom(year=2021, month=12, day=25).python()`` -> ``date(2021, 12, 25)``."""
        return datetime.date(self.year, self.month, self.day)

    @classmethod
    def from_date(cls, instance: datetime.date) -> Self:
        """The default for a given date: ``DateCustom.from_date(date(2024, 5, 1))``."""
        return cls(year=instance.year, month=instance.month, day=instance.day)

    @property
    def date(self) -> _Date:
        """The date (Piccolo's attribute): ``DateCustom(year=2021).date`` is
        ``datetime.date(2021, 1, 1)``."""
        return self.python()


class TimeNow(Default):
    """The current local time of day. Example: ``Time(default=TimeNow())``."""

    postgres = "current_time"  # as Piccolo writes it; a TIME column drops the zone

    def python(self) -> datetime.time:
        """``TimeNow().python()`` -> the local time of day: ``time(9, 30, 0, 123456)``."""
        return datetime.datetime.now().time()


class TimeOffset(Default):
    """The time of day an offset from now. Example: ``TimeOffset(hours=1)``."""

    def __init__(self, hours: int = 0, minutes: int = 0, seconds: int = 0) -> None:
        self.hours, self.minutes, self.seconds = hours, minutes, seconds

    def python(self) -> datetime.time:
        """``TimeOffset(hours=1).python()`` -> the time of day an hour from now."""
        return (datetime.datetime.now() + self._delta()).time()

    def _delta(self) -> datetime.timedelta:
        return datetime.timedelta(hours=self.hours, minutes=self.minutes, seconds=self.seconds)

    @property
    def postgres(self) -> str:  # type: ignore[override]
        """``localtime`` (the time of day, no zone) moved by the offset, as the DEFAULT.

        Example: ``TimeOffset(hours=1).postgres`` is
        ``"localtime + interval '0 days 3600 seconds'"``.
        """
        return f"localtime + interval '{_span(self._delta())}'"


class TimeCustom(Default):
    """A fixed time of day. Example: ``TimeCustom(hour=9, minute=30)``."""

    constant = True

    def __init__(self, hour: int = 0, minute: int = 0, second: int = 0) -> None:
        self.hour, self.minute, self.second = hour, minute, second

    def python(self) -> datetime.time:
        """``TimeCustom(hour=9, minute=30).python()`` -> ``datetime.time(9, 30)``."""
        return datetime.time(self.hour, self.minute, self.second)

    @classmethod
    def from_time(cls, instance: datetime.time) -> Self:
        """The default for a given time: ``TimeCustom.from_time(time(9, 30))``."""
        return cls(hour=instance.hour, minute=instance.minute, second=instance.second)

    @property
    def time(self) -> _Time:
        """The time of day (Piccolo's attribute): ``TimeCustom(hour=9).time`` is
        ``datetime.time(9, 0)``."""
        return self.python()


class IntervalCustom(Default):
    """A fixed duration. Example: ``Interval(default=IntervalCustom(hours=1))``."""

    constant = True

    def __init__(
        self,
        weeks: int = 0,
        days: int = 0,
        hours: int = 0,
        minutes: int = 0,
        seconds: int = 0,
        milliseconds: int = 0,
        microseconds: int = 0,
    ) -> None:
        self.weeks, self.days, self.hours, self.minutes = weeks, days, hours, minutes
        self.seconds, self.milliseconds, self.microseconds = seconds, milliseconds, microseconds

    def python(self) -> datetime.timedelta:
        """``IntervalCustom(hours=1).python()`` -> ``datetime.timedelta(seconds=3600)``."""
        return datetime.timedelta(
            weeks=self.weeks,
            days=self.days,
            hours=self.hours,
            minutes=self.minutes,
            seconds=self.seconds,
            milliseconds=self.milliseconds,
            microseconds=self.microseconds,
        )

    @classmethod
    def from_timedelta(cls, instance: datetime.timedelta) -> Self:
        """The default for a duration: ``IntervalCustom.from_timedelta(timedelta(hours=1))``."""
        return cls(days=instance.days, seconds=instance.seconds, microseconds=instance.microseconds)

    @property
    def timedelta(self) -> _TimeDelta:
        """The duration (Piccolo's attribute): ``IntervalCustom(hours=1).timedelta`` is
        ``datetime.timedelta(seconds=3600)``."""
        return self.python()


class InfinityFloat(Default):
    """Positive infinity (``math.inf``) for a ``Real`` or ``DoublePrecision`` column;
    PostgreSQL declares it as the column's ``DEFAULT 'Infinity'``. MariaDB stores no
    infinity: a row given it is refused there.

    Example: ``Real(default=InfinityFloat())``.
    """

    postgres = "'Infinity'"

    def python(self) -> float:
        """``InfinityFloat().python()`` -> ``inf``."""
        return math.inf


class NegativeInfinityFloat(Default):
    """Negative infinity (``-math.inf``) for a ``Real`` or ``DoublePrecision`` column.

    Example: ``Real(default=NegativeInfinityFloat())``.
    """

    postgres = "'-Infinity'"

    def python(self) -> float:
        """``NegativeInfinityFloat().python()`` -> ``-inf``."""
        return -math.inf


class InfinityDecimal(Default):
    """``Decimal("Infinity")``, Piccolo's ``Numeric`` default. Vivace's ``Numeric``
    stores finite values only (exact on every engine), so a ``Numeric`` column refuses it
    when made (``ValueError``); the name exists for imports (docs/piccolo.md).

    Example: ``InfinityDecimal().python()`` -> ``Decimal('Infinity')``.
    """

    postgres = "'Infinity'"

    def python(self) -> decimal.Decimal:
        """``InfinityDecimal().python()`` -> ``Decimal('Infinity')``."""
        return decimal.Decimal("Infinity")


class NegativeInfinityDecimal(Default):
    """``Decimal("-Infinity")``: as ``InfinityDecimal``, refused by a ``Numeric`` column.

    Example: ``NegativeInfinityDecimal().python()`` -> ``Decimal('-Infinity')``.
    """

    postgres = "'-Infinity'"

    def python(self) -> decimal.Decimal:
        """``NegativeInfinityDecimal().python()`` -> ``Decimal('-Infinity')``."""
        return decimal.Decimal("-Infinity")


class UUID4(Default):
    """A random UUID. Example: ``UUID(default=UUID4())``."""

    postgres = "gen_random_uuid()"

    def python(self) -> uuid.UUID:
        """``UUID4().python()`` -> a new random ``uuid.UUID`` (version 4)."""
        return uuid.uuid4()


class UUID7(Default):
    """A time-ordered UUID (RFC 9562 version 7), made in Python on every version.

    Example: ``UUID(primary_key=True, default=UUID7())``.
    """

    def python(self) -> uuid.UUID:
        """``UUID7().python().version`` -> ``7``; later calls give greater UUIDs
        (from one millisecond to the next)."""
        millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
        rand = int.from_bytes(os.urandom(10), "big")
        rand_a = rand & 0xFFF  # 12 random bits after the version
        rand_b = (rand >> 12) & ((1 << 62) - 1)  # 62 random bits after the variant
        value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        return uuid.UUID(int=value)


def _span(delta: datetime.timedelta) -> str:
    """An offset as PostgreSQL interval text: ``'1 days 7200 seconds'`` (whole numbers only:
    the offsets take whole days, hours, minutes and seconds)."""
    return f"{delta.days} days {delta.seconds} seconds"


__all__ = [
    "UUID4",
    "UUID7",
    "DateCustom",
    "DateNow",
    "DateOffset",
    "DatetimeDefault",
    "Default",
    "InfinityDecimal",
    "InfinityFloat",
    "IntervalCustom",
    "NegativeInfinityDecimal",
    "NegativeInfinityFloat",
    "TimeCustom",
    "TimeNow",
    "TimeOffset",
    "TimestampCustom",
    "TimestampNow",
    "TimestampOffset",
    "TimestamptzCustom",
    "TimestamptzNow",
    "TimestamptzOffset",
]
