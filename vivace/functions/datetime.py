"""Date and time functions: ``Extract``, ``Strftime``, ``Year``, ``Month``, ``Day``,
``Hour``, ``Minute``, ``Second``, ``AtTimeZone``.

They work on both databases (Piccolo's ``Extract`` is PostgreSQL-only and its
``Strftime`` SQLite-only): PostgreSQL uses ``EXTRACT``/``TO_CHAR``, SQLite ``strftime``.
Parts are ints (seconds and epoch truncated); parts and formats of a ``Timestamptz``
are taken in UTC. ``AtTimeZone`` needs PostgreSQL.

Example::

    await Concert.select(Year(Concert.starts), Strftime(Concert.starts, "%Y-%m", alias="ym"))
    # [{"year": 2024, "ym": "2024-05"}]
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from typing import Any, ClassVar

from vivace.exceptions import QueryError, UnknownTimeZoneError
from vivace.functions.base import (
    BIGINT,
    INTEGER,
    TEXT,
    Function,
    argument,
    column_key,
    type_name,
)
from vivace.types import ValueType

#: The parts ``Extract`` takes (PostgreSQL's names). SQLite runs year, quarter, month,
#: day, hour, minute, second, dow, isodow, doy and epoch.
EXTRACT_PARTS = frozenset(
    {
        "century",
        "day",
        "decade",
        "dow",
        "doy",
        "epoch",
        "hour",
        "isodow",
        "isoyear",
        "julian",
        "microseconds",
        "millennium",
        "milliseconds",
        "minute",
        "month",
        "quarter",
        "second",
        "timezone",
        "timezone_hour",
        "timezone_minute",
        "week",
        "year",
    }
)


class Extract(Function):
    """One part of a date/time as an int: ``Extract(Concert.starts, "month")`` -> key
    ``"month"`` (or ``alias``)."""

    def __init__(self, identifier: Any, datetime_component: str, alias: str | None = None):
        part = datetime_component.lower() if isinstance(datetime_component, str) else ""
        if part not in EXTRACT_PARTS:
            raise QueryError(
                f"Extract() takes one of {', '.join(sorted(EXTRACT_PARTS))}, "
                f"got {datetime_component!r}"
            )
        vtype = BIGINT if part == "epoch" else INTEGER
        super().__init__("extract", (argument(identifier),), (part,), vtype, alias or part)


class _Part(Extract):
    _part: ClassVar[str] = ""

    def __init__(self, identifier: Any, alias: str | None = None) -> None:
        super().__init__(identifier, self._part, alias)


class Year(_Part):
    """The year, an int -> key ``"year"``.

    Example: ``await Concert.select(Year(Concert.starts))`` -> ``[{"year": 2024}]``.
    """

    _part = "year"


class Month(_Part):
    """The month (1-12) -> key ``"month"``.

    Example: ``await Concert.select().where(Month(Concert.starts) == 12)``.
    """

    _part = "month"


class Day(_Part):
    """The day of the month -> key ``"day"``.

    Example: ``await Concert.select(Day(Concert.starts, alias="day_of_month"))``.
    """

    _part = "day"


class Hour(_Part):
    """The hour (0-23) -> key ``"hour"``.

    Example: ``await Concert.select().where(Hour(Concert.starts) >= 20)``.
    """

    _part = "hour"


class Minute(_Part):
    """The minute -> key ``"minute"``.

    Example: ``await Concert.select(Hour(Concert.starts), Minute(Concert.starts))``.
    """

    _part = "minute"


class Second(_Part):
    """The whole seconds -> key ``"second"``.

    Example: ``await Concert.select(Second(Concert.starts))`` -> ``[{"second": 0}]``.
    """

    _part = "second"


class Strftime(Function):
    """A date/time formatted with strftime codes -> key ``"strftime"``.

    ``%Y %m %d %H %M %S %j %f %%`` work on both databases (``%f`` is ``SS.mmm``); other
    codes only where the database knows them (SQLite's own, or none on PostgreSQL).
    The format is part of the query's shape, written into the SQL as a literal.
    """

    def __init__(self, identifier: Any, datetime_format: str, alias: str | None = None):
        if not isinstance(datetime_format, str):
            raise QueryError(f"Strftime() takes a format string, got {datetime_format!r}")
        super().__init__(
            "strftime", (argument(identifier),), (datetime_format,), TEXT, alias or "strftime"
        )


@functools.cache
def _known_zones() -> frozenset[str]:
    """The time zone names this machine's tz database has (empty when it has none)."""
    return frozenset(zoneinfo.available_timezones())


def _check_zone(name: str) -> None:
    """Refuse a zone name the tz database does not have, when the query is built (as
    Piccolo does, with a ``ZoneInfoNotFoundError``), not when the database runs it. On a
    machine without a tz database, the database is left to judge."""
    known = _known_zones()
    if known and name not in known:
        raise UnknownTimeZoneError(f"No time zone found with key {name}")


class AtTimeZone(Function):
    """``value AT TIME ZONE zone`` (PostgreSQL), keyed as the column (as Piccolo does), else
    ``"at_time_zone"``. ``zone`` is a name (``"EST"``), a ``ZoneInfo`` or a ``timedelta``.

    A ``Timestamptz`` gives the wall-clock time (naive) in ``zone``; a ``Timestamp`` read
    as wall-clock time in ``zone`` gives the moment (aware).
    """

    def __init__(self, identifier: Any, timezone: Any, alias: str | None = None) -> None:
        if isinstance(timezone, zoneinfo.ZoneInfo):
            timezone = timezone.key
        elif isinstance(timezone, str):
            _check_zone(timezone)
        elif isinstance(timezone, datetime.timedelta):
            seconds = timezone.total_seconds()
            sign = "+" if seconds >= 0 else "-"
            timezone = f"{sign}{datetime.timedelta(seconds=abs(seconds))}"
        value = argument(identifier)
        name = type_name(value)
        vtype: ValueType | None = None
        if name == "timestamptz":
            vtype = ValueType("timestamp")
        elif name == "timestamp":
            vtype = ValueType("timestamptz")
        zone = argument(timezone, TEXT)
        super().__init__(
            "at_time_zone",
            (value, zone),
            vtype=vtype,
            alias=alias or column_key(value) or "at_time_zone",
        )
