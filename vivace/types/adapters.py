"""Exact converters between Python values and what a driver stores.

Each function is small and total: it either returns the exact value or raises
``ValueError``/``TypeError`` with a clear message, never a silently changed value.

Example::

    >>> decimal_to_text(Decimal("1.10"))
    '1.10'
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from collections.abc import Callable
from typing import Any

from vivace.types.choices import member_value as member_value  # re-exported
from vivace.types.encoding import JSONDict
from vivace.types.encoding import load_json as parse_json

Converter = Callable[[Any], Any]

_UTC = datetime.UTC


def decimal_to_text(value: Any) -> Any:
    """Store a Decimal as its exact text (SQLite has no exact numeric type)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # A float is already inexact; keep its shortest repr rather than binary noise.
        return repr(value)
    return value


#: Rounding to a scale exactly, however many digits the value has (the default context's
#: 28 digits refused a 29-digit value that NUMERIC(30, 2) holds: ``InvalidOperation``).
_UNBOUNDED = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def decimal_to_text_scaled(scale: int) -> Converter:
    """Like :func:`decimal_to_text`, rounded to ``scale`` places as a NUMERIC(p, s) column would."""
    quantum = decimal.Decimal(1).scaleb(-scale)

    def convert(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = decimal.Decimal(repr(value) if isinstance(value, float) else value)
        if isinstance(value, decimal.Decimal):
            if value.is_finite():
                value = value.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=_UNBOUNDED)
            return str(value)
        return value

    return convert


def text_to_decimal(value: Any) -> Any:
    """Read back what :func:`decimal_to_text` stored."""
    if value is None or isinstance(value, decimal.Decimal):
        return value
    return decimal.Decimal(value if isinstance(value, str) else repr(value))


def require_aware(value: Any) -> Any:
    """Refuse a naive datetime for a ``Timestamptz`` column; convert aware ones to UTC."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"Timestamptz needs a timezone-aware datetime, got naive {value!r}; "
                "use datetime.now(tz=timezone.utc)"
            )
        try:
            return value.astimezone(_UTC)
        except OverflowError:
            raise ValueError(
                f"{value!r} is outside the years 1 to 9999 in UTC: it cannot be stored"
            ) from None
    return value


def require_naive(value: Any) -> Any:
    """Refuse an aware datetime for a ``Timestamp`` column (naive and aware never mix)."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        raise ValueError(
            f"Timestamp stores naive datetimes, got aware {value!r}; "
            "use a Timestamptz column or drop the tzinfo yourself"
        )
    return value


def aware_to_text(value: Any) -> Any:
    """A UTC ISO-8601 text that sorts in time order (SQLite storage of Timestamptz)."""
    value = require_aware(value)
    if isinstance(value, datetime.datetime):
        # isoformat, not strftime: "%Y" does not zero-pad years before 1000 on every platform.
        return value.replace(tzinfo=None).isoformat(" ", "microseconds") + "+00:00"
    return value


def naive_to_text(value: Any) -> Any:
    """ISO-8601 text with a space separator and fixed microseconds, so text order is time order."""
    value = require_naive(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ", "microseconds")
    return value


def text_to_aware(value: Any) -> Any:
    """Parse stored text back into an aware UTC datetime."""
    if isinstance(value, str):
        parsed = datetime.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=_UTC)
        return parsed.astimezone(_UTC)
    return value


def text_to_naive(value: Any) -> Any:
    """Parse stored text back into a naive datetime."""
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


def date_to_text(value: Any) -> Any:
    """A date as ISO text; a datetime is refused so no time part is dropped silently."""
    if isinstance(value, datetime.datetime):
        raise ValueError(f"Date stores dates, got a datetime {value!r}; call .date() first")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def text_to_date(value: Any) -> Any:
    """Parse ISO text into a date."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def time_to_text(value: Any) -> Any:
    """A time as ISO text with fixed microseconds."""
    value = require_naive_time(value)
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="microseconds")
    return value


def require_naive_time(value: Any) -> Any:
    """Refuse a time with a tzinfo for a ``Time`` column (PostgreSQL would drop the zone)."""
    if isinstance(value, datetime.time) and value.tzinfo is not None:
        raise ValueError(
            f"Time stores a time of day without a zone, got {value!r}; "
            "drop the tzinfo yourself, or store a Timestamptz"
        )
    return value


def refuse_nan(value: Any) -> Any:
    """Refuse NaN where the database cannot store it (SQLite would store NULL)."""
    if isinstance(value, float) and value != value:
        raise ValueError("SQLite cannot store NaN (it would read back as NULL)")
    return value


def text_to_time(value: Any) -> Any:
    """Parse ISO text into a time."""
    if isinstance(value, str):
        return datetime.time.fromisoformat(value)
    return value


def timedelta_to_microseconds(value: Any) -> Any:
    """An interval as an exact integer count of microseconds."""
    if isinstance(value, datetime.timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    return value


def microseconds_to_timedelta(value: Any) -> Any:
    """Read back what :func:`timedelta_to_microseconds` stored."""
    if isinstance(value, int):
        return datetime.timedelta(microseconds=value)
    if isinstance(value, float):
        return datetime.timedelta(microseconds=round(value))
    return value


def uuid_to_text(value: Any) -> Any:
    """A UUID as its canonical text."""
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def text_to_uuid(value: Any) -> Any:
    """Parse canonical text into a UUID."""
    if isinstance(value, str):
        return uuid.UUID(value)
    return value


def exact_uuid(value: Any) -> Any:
    """A driver's UUID subclass (asyncpg's) as ``uuid.UUID``: serialisers check the exact type."""
    if type(value) is uuid.UUID or not isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(bytes=value.bytes)


def to_uuid(value: Any) -> Any:
    """Accept a UUID given as text (asyncpg needs a UUID object or text it can parse)."""
    if isinstance(value, str):
        return uuid.UUID(value)
    return value


def dump_json(value: Any) -> Any:
    """Serialise a dict/list/number as JSON text; a str is taken as JSON text already.

    Spaced as ``json.dumps`` writes it (``{"a": 1}``), the text Piccolo stores (and
    PostgreSQL's ``jsonb`` gives back), so JSON read as text is the same."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def load_json(value: Any) -> Any:
    """Parse JSON text (used by ``output(load_json=True)``); an object at the top is a
    ``JSONDict``, as Piccolo gives it (told apart from a nested related row)."""
    if isinstance(value, str | bytes):
        return parse_json(value)
    return JSONDict(value) if type(value) is dict else value  # a driver's decoded JSON


def int_to_bool(value: Any) -> Any:
    """SQLite stores booleans as 0/1."""
    if value is None:
        return None
    return bool(value)


def member_values(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """``values`` with every Enum member as its value, in nested lists too: what an Array
    column stores, as a scalar column stores a member's value (``str()`` of a ``str``
    member is ``"Genre.rock"``, not ``"rock"``).

    Example: ``member_values([Genre.rock, [Genre.jazz]])`` is ``["rock", ["jazz"]]``.
    """
    return [member_values(v) if isinstance(v, list | tuple) else member_value(v) for v in values]


def _json_member(value: Any) -> Any:
    """``json.dumps``'s fallback for what it cannot write: an Enum member as its value
    (members that are also a ``str`` or ``int`` never get here: json writes their value)."""
    if isinstance(value, enum.Enum):
        return member_value(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dump_json_list(value: Any) -> Any:
    """SQLite stores arrays as JSON text."""
    if isinstance(value, list | tuple):
        return json.dumps(
            list(value),
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
            default=_json_member,
        )
    return value


def load_json_list(value: Any) -> Any:
    """Read back what :func:`dump_json_list` stored."""
    if isinstance(value, str):
        return json.loads(value)
    return value


def bytes_in(value: Any) -> Any:
    """Accept bytearray/memoryview for a bytes column."""
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    return value


def compose(first: Converter | None, second: Converter | None) -> Converter | None:
    """Apply ``first`` then ``second``; either may be None."""
    if first is None:
        return second
    if second is None:
        return first

    def both(value: Any) -> Any:
        return second(first(value))

    return both


def require_date(value: Any) -> Any:
    """A date column refuses a datetime: its time part would be dropped silently."""
    if isinstance(value, datetime.datetime):
        raise ValueError(f"Date stores dates, got a datetime {value!r}; call .date() first")
    return value


def each(convert: Converter) -> Converter:
    """Apply ``convert`` to every non-None element of a list (array columns)."""

    def convert_list(values: Any) -> Any:
        if isinstance(values, list | tuple):
            return [None if v is None else convert(v) for v in values]
        return values

    return convert_list
