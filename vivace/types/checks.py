"""Checks that a Python value fits a column's type, run before anything is sent.

One check per :class:`ValueType`, shared by every engine, so a value PostgreSQL would
refuse is refused on SQLite too, with the same :class:`InvalidValue`. A check takes a
value that is not None (NULL is the database's business) and returns it, or a losslessly
normalised form of it (an int for a double column as a float, a UUID given as text as a
``uuid.UUID``), or raises :class:`InvalidValue` saying what the column accepts and what
it got. The compiler fuses a check with the dialect's own converter, and
``Compiled.bind`` adds the ``table.column`` to the message.

Two strengths: ``store=True`` for values written into the column (insert, update,
defaults), which must also fit its size (a ``Varchar``'s length, a ``Numeric``'s
digits); ``store=False`` for values compared with it in ``where``, which only need to
be values of its type.

Example::

    >>> check = value_check(ValueType("smallint"), store=True)
    >>> check(7)
    7
    >>> check(70_000)
    Traceback (most recent call last):
    InvalidValue: expects an int from -32768 to 32767, got int 70000
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import math
import struct
import uuid
from collections.abc import Callable
from typing import Any, NoReturn

from vivace.exceptions import InvalidValue
from vivace.types import ValueType
from vivace.types.adapters import member_value

Check = Callable[[Any], Any]

#: The integer range of each integer type (PostgreSQL's; SQLite is given the same).
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "serial": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
    "bigserial": (-(2**63), 2**63 - 1),
}

#: PostgreSQL's NUMERIC limits: digits before and after the decimal point.
NUMERIC_MAX_WHOLE_DIGITS = 131_072
NUMERIC_MAX_FRACTION_DIGITS = 16_383

#: The longest interval every engine can store: SQLite keeps microseconds in 64 bits.
MAX_INTERVAL_MICROSECONDS = 2**63 - 1

_SHORT = 60  # characters of a refused value shown in the message


def describe(value: Any) -> str:
    """The type and a short repr of ``value``, for messages: ``str 'abc'``."""
    text = repr(value)
    if len(text) > _SHORT:
        text = text[: _SHORT - 3] + "..."
    if isinstance(value, str | bytes | list | tuple):
        text += f" (length {len(value)})"
    return f"{type(value).__name__} {text}"


def refuse(value: Any, accepts: str) -> NoReturn:
    """Raise the :class:`InvalidValue` for ``value``; the caller adds ``table.column``."""
    raise InvalidValue(f"expects {accepts}, got {describe(value)}")


# integers and booleans -----------------------------------------------------------------------
def _integer(low: int, high: int) -> Check:
    accepts = f"an int from {low} to {high}"

    def check(value: Any) -> Any:
        if type(value) is int and low <= value <= high:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return int(value)  # an int subclass, as a plain int
        refuse(value, accepts + _hint_for_integer(value))

    return check


def _hint_for_integer(value: Any) -> str:
    if isinstance(value, bool):
        return " (a bool is not stored as a number: pass int(value) yourself)"
    if isinstance(value, float | decimal.Decimal):
        return " (a fractional type is never rounded or truncated: pass int(value) yourself)"
    return ""


def _boolean(value: Any) -> Any:
    if value is True or value is False:
        return value
    refuse(value, "a bool (True or False)")


# floats --------------------------------------------------------------------------------------
def _double(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        if value != value:
            refuse(value, "a float other than NaN (not every engine can store NaN)")
        return value
    if kind is int or (isinstance(value, int) and not isinstance(value, bool)):
        try:
            as_float = float(value)
        except OverflowError:
            refuse(value, "a float, or an int a double holds exactly")
        if as_float != value:
            refuse(value, "a float, or an int a double holds exactly (no silent rounding)")
        return as_float
    if isinstance(value, float):
        return _double(float(value))
    refuse(value, "a float or an int")


_SINGLE = struct.Struct("f")


def _real(value: Any) -> Any:
    """A 4-byte float: every engine returns the value rounded to single precision, as
    PostgreSQL's REAL does, so that both engines read back the same number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        refuse(value, "a float or an int")
    if value != value:
        refuse(value, "a float other than NaN (not every engine can store NaN)")
    try:
        single: float = _SINGLE.unpack(_SINGLE.pack(value))[0]
    except (OverflowError, struct.error):
        single = math.inf
    if single in _INFINITIES and value not in _INFINITIES:
        refuse(value, "a float within the single-precision range (about 3.4e38)")
    return single


_INFINITIES = (math.inf, -math.inf)


# exact decimals ------------------------------------------------------------------------------
def _numeric(digits: tuple[Any, ...], store: bool) -> Check:
    precision = scale = None
    if digits and store:
        precision, scale = int(digits[0]), int(digits[1])
    if precision is not None and scale is not None:
        accepts = (
            f"a Decimal, int or float with at most {precision - scale} digit(s) before "
            f"the point and {scale} after (never rounded: quantize it yourself)"
        )
        quantum = decimal.Decimal(1).scaleb(-scale)
    else:
        accepts = "a finite Decimal, int or float"
        quantum = decimal.Decimal(1)

    def check(value: Any) -> Any:
        if isinstance(value, decimal.Decimal):
            number = value
        elif isinstance(value, int) and not isinstance(value, bool):
            number = decimal.Decimal(int(value))
        elif isinstance(value, float):
            # The float's shortest repr, never its binary expansion: 0.1 is Decimal("0.1").
            number = decimal.Decimal(repr(value))
        else:
            refuse(value, accepts)
        if not number.is_finite():
            refuse(value, accepts + " (NaN and infinity are not stored)")
        whole = 0 if number.is_zero() else max(number.adjusted() + 1, 0)
        fraction = max(-number.as_tuple().exponent, 0)  # type: ignore[operator]
        if whole > NUMERIC_MAX_WHOLE_DIGITS or fraction > NUMERIC_MAX_FRACTION_DIGITS:
            refuse(value, accepts + " within NUMERIC's limits")
        fits = precision is None or scale is None or whole <= precision - scale
        if not fits or (scale is not None and number.quantize(quantum, context=_EXACT) != number):
            refuse(value, accepts)
        return number

    return check


_EXACT = decimal.Context(prec=NUMERIC_MAX_WHOLE_DIGITS + NUMERIC_MAX_FRACTION_DIGITS)


# text and bytes ------------------------------------------------------------------------------
def _text(limit: int | None, pad_to: int | None) -> Check:
    accepts = "a str" if limit is None else f"a str of at most {limit} character(s)"

    def check(value: Any) -> Any:
        if type(value) is not str:
            if not isinstance(value, str):
                refuse(value, accepts)
            value = str(value)
        if limit is not None and len(value) > limit:
            refuse(value, accepts + " (text is never cut short)")
        if "\x00" in value:
            refuse(value, accepts + " without NUL characters (PostgreSQL cannot store them)")
        if not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                refuse(value, accepts + " that is valid Unicode (no lone surrogates)")
        if pad_to is not None and len(value) < pad_to:
            # A Char is blank-padded by PostgreSQL: pad it everywhere, so every engine
            # stores, compares and returns the same text.
            return value.ljust(pad_to)
        return value

    return check


def _bytes(value: Any) -> Any:
    if type(value) is bytes:
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    refuse(value, "bytes")


# dates and times -----------------------------------------------------------------------------
def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value
    if isinstance(value, datetime.datetime):
        refuse(value, "a naive datetime (use a Timestamptz column for aware ones)")
    refuse(value, "a naive datetime")


def _timestamptz(value: Any) -> Any:
    if not isinstance(value, datetime.datetime):
        refuse(value, "a timezone-aware datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        refuse(value, "a timezone-aware datetime, e.g. datetime.now(tz=timezone.utc)")
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        refuse(value, "an aware datetime within the years 1 to 9999 in UTC")


def _date(value: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    refuse(value, "a date (a datetime's time is never dropped: call .date() yourself)")


def _time(value: Any) -> Any:
    if isinstance(value, datetime.time) and value.tzinfo is None:
        return value
    refuse(value, "a time of day without a tzinfo")


def _interval(value: Any) -> Any:
    if isinstance(value, datetime.timedelta):
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        if abs(micros) <= MAX_INTERVAL_MICROSECONDS:
            return value
        refuse(value, "a timedelta of at most about 292,000 years")
    refuse(value, "a timedelta")


# identifiers and documents -------------------------------------------------------------------
def _uuid(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    refuse(value, "a uuid.UUID or its text")


def _json(binary: bool) -> Check:
    accepts = "JSON text (a str) or a value json.dumps accepts (dict, list, number, bool)"

    def check(value: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                refuse(value, accepts + " without NUL characters")
            try:
                json.loads(value)
            except ValueError:
                refuse(value, "valid " + accepts)
            text = value
        else:
            try:
                # Spaced as Piccolo stores it (see adapters.dump_json).
                text = json.dumps(value, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError):
                refuse(value, accepts + " without NaN or infinity")
        if binary and "\\u0000" in text:
            refuse(value, accepts + " without \\u0000 (JSONB cannot store it)")
        return text

    return check


def _array(element: Check | None) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            refuse(value, "a list")
        # An Enum member is stored and checked as its value, as a scalar column's is (the
        # statement unwrapped that one): the text check would take str() of a str member,
        # "Extras.drink". Nested lists unwrap theirs in their own element check.
        if element is None:
            return [member_value(item) for item in value]
        return [None if (plain := member_value(item)) is None else element(plain) for item in value]

    return check


# the table of checks -------------------------------------------------------------------------
_SIMPLE: dict[str, Check] = {
    "boolean": _boolean,
    "real": _real,
    "double": _double,
    "bytea": _bytes,
    "timestamp": _timestamp,
    "timestamptz": _timestamptz,
    "date": _date,
    "time": _time,
    "interval": _interval,
    "uuid": _uuid,
}


@functools.cache
def value_check(vtype: ValueType | None, store: bool) -> Check | None:
    """The check for values of ``vtype``; ``store`` adds the size limits (see the module).

    None when the type is unknown here (values pass as they are).
    Example: ``value_check(ValueType("varchar", (10,)), store=True)("abc")``.
    """
    if vtype is None:
        return None
    name = vtype.name
    if name in INTEGER_RANGES:
        return _integer(*INTEGER_RANGES[name])
    if name in ("varchar", "char"):
        length = vtype.args[0] if vtype.args else None
        assert length is None or isinstance(length, int)
        return _text(length if store else None, length if name == "char" else None)
    if name == "text":
        return _text(None, None)
    if name == "numeric":
        return _numeric(vtype.args, store)
    if name in ("json", "jsonb"):
        return _json(binary=name == "jsonb")
    if name == "array":
        return _array(value_check(vtype.element, store))
    return _SIMPLE.get(name)


# whole columns at once ------------------------------------------------------------------------
QuickCheck = Callable[[list[Any]], bool]
_NONE = type(None)


def _present(values: list[Any], kind: type) -> list[Any] | None:
    """``values`` without its Nones when every other value is exactly of ``kind``, else None."""
    kinds = set(map(type, values))
    if kinds == {kind}:
        return values
    if kinds <= {kind, _NONE}:
        return [v for v in values if v is not None]
    return None


def _quick_integers(low: int, high: int) -> QuickCheck:
    def quick(values: list[Any]) -> bool:
        present = _present(values, int)
        return present is not None and (not present or low <= min(present) <= max(present) <= high)

    return quick


def _quick_text(limit: int | None) -> QuickCheck:
    def quick(values: list[Any]) -> bool:
        present = _present(values, str)
        if present is None or not present:
            return present is not None
        if limit is not None and max(map(len, present)) > limit:
            return False
        joined = "".join(present)
        if "\x00" in joined:
            return False
        if not joined.isascii():
            try:
                joined.encode()
            except UnicodeEncodeError:
                return False
        return True

    return quick


def _quick_booleans(values: list[Any]) -> bool:
    return set(map(type, values)) <= {bool, _NONE}


def _quick_doubles(values: list[Any]) -> bool:
    present = _present(values, float)
    if present is None:
        return False
    total = math.fsum(present) if present else 0.0
    return total == total  # NaN anywhere makes the sum NaN (so may inf - inf: then one by one)


@functools.cache
def quick_check(vtype: ValueType | None, store: bool) -> QuickCheck | None:
    """A check of a whole column of values at once, in C-level loops: True when every value
    would pass :func:`value_check` unchanged; False sends them through it one by one.
    None for types with no such shortcut. Used by multi-row inserts, so a bulk insert pays no
    Python call per value for integer, text, boolean and double columns."""
    if vtype is None:
        return None
    name = vtype.name
    if name in INTEGER_RANGES:
        return _quick_integers(*INTEGER_RANGES[name])
    if name == "varchar":
        limit = vtype.args[0] if vtype.args and store else None
        assert limit is None or isinstance(limit, int)
        return _quick_text(limit)
    if name == "text":
        return _quick_text(None)
    if name == "boolean":
        return _quick_booleans
    if name == "double":
        return _quick_doubles
    return None


def fused(check: Check | None, convert: Check | None) -> Check | None:
    """``check`` then ``convert`` as one function (either may be None)."""
    if check is None:
        return convert
    if convert is None:
        return check

    def check_and_convert(value: Any) -> Any:
        return convert(check(value))

    return check_and_convert


def each_checked(check: Check | None, convert: Check | None) -> Check | None:
    """For a list compared with a column (``is_in``): ``check`` every item, then ``convert``
    the list as a whole."""
    if check is None:
        return convert

    def check_list(values: Any) -> Any:
        checked = [None if v is None else check(v) for v in values]
        return checked if convert is None else convert(checked)

    return check_list


__all__ = [
    "INTEGER_RANGES",
    "Check",
    "describe",
    "each_checked",
    "fused",
    "quick_check",
    "refuse",
    "value_check",
]
