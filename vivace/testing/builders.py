"""``ModelBuilder``: rows filled with random, valid values, for tests.

Values honour each column's type and limits: choices, lengths, decimal digits,
integer ranges, JSON, arrays (of any depth); unique columns get values not handed out
before in this process; the rows a foreign key needs are built (and saved) first.

Example::

    from vivace.testing import ModelBuilder

    band = await ModelBuilder.build(Band, defaults={Band.name: "Pythonistas"})
    band.manager          # the id of a Manager row built and saved for it
    draft = await ModelBuilder.build(Band, persist=False, minimal=True)
"""

from __future__ import annotations

import decimal
import enum
import json
import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from vivace.engine import run_sync
from vivace.exceptions import InvalidValue
from vivace.orm import Table
from vivace.schema import (
    JSON,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Char,
    Column,
    Date,
    DoublePrecision,
    Email,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    Serial,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.schema.foreign_key import key_value
from vivace.testing.random_values import RandomBuilder
from vivace.types.checks import value_check
from vivace.types.choices import member_value

TableT = TypeVar("TableT", bound=Table)

#: Tries to find a value not handed out before, for a unique column, before giving up.
_UNIQUE_TRIES = 100


def _text(length: int | None) -> str:
    return RandomBuilder.next_str(min(length or 16, 32))


#: Significant digits a random decimal holds at most: within the default ``decimal``
#: context (28), so every engine's converter handles it exactly, whatever the column's size.
_DECIMAL_DIGITS = 15

#: Room to put a random decimal at any column scale (quantize needs the digits).
_QUANTIZE = decimal.Context(prec=_DECIMAL_DIGITS + 1000)


def _numeric(column: Numeric[Any]) -> Any:
    precision, scale = column.digits or (8, 2)
    precision, scale = int(precision), int(scale)
    whole = min(precision - scale, _DECIMAL_DIGITS)
    fraction = min(scale, _DECIMAL_DIGITS - whole)
    value = RandomBuilder.next_decimal(whole + fraction, fraction)
    # The column's own scale, so the value reads back with the same exponent.
    return value.quantize(decimal.Decimal(1).scaleb(-scale), context=_QUANTIZE)


def _email(column: Email[Any]) -> str:
    limit = min(column.length or 32, 32)
    if limit >= len("a@example.com"):
        return RandomBuilder.next_email(limit)
    if limit >= len("a@e.com"):  # a short column still gets an address (".com" ending)
        return f"{RandomBuilder.next_str(limit - len('@e.com')).lower()}@e.com"
    return RandomBuilder.next_str(limit)  # too short for any address: plain text fits


#: Random value makers by column type; the first ``isinstance`` match in order wins,
#: so subclasses (``Email``, ``BigInt``, ``DoublePrecision``) come before their bases.
_MAKERS: tuple[tuple[type[Column[Any]], Callable[[Any], Any]], ...] = (
    (Email, _email),
    (Char, lambda c: RandomBuilder.next_str(c.length)),
    (Varchar, lambda c: _text(c.length)),
    (Text, lambda c: _text(32)),
    (Boolean, lambda c: RandomBuilder.next_bool()),
    (SmallInt, lambda c: RandomBuilder.next_int(0, 32767)),
    (BigInt, lambda c: RandomBuilder.next_int(0, 2**63 - 1)),
    (Integer, lambda c: RandomBuilder.next_int()),
    (Numeric, _numeric),
    (DoublePrecision, lambda c: RandomBuilder.next_float(0, 10**6, 3)),
    # REAL is a 32-bit float: quarters up to 1000 are exact in it, so they read back equal.
    (Real, lambda c: RandomBuilder.next_int(0, 4000) / 4),
    (Timestamptz, lambda c: RandomBuilder.next_datetime(tz_aware=True)),
    (Timestamp, lambda c: RandomBuilder.next_datetime()),
    (Date, lambda c: RandomBuilder.next_date()),
    (Time, lambda c: RandomBuilder.next_time()),
    (Interval, lambda c: RandomBuilder.next_timedelta()),
    (UUID, lambda c: RandomBuilder.next_uuid()),
    (JSON, lambda c: json.dumps({"value": RandomBuilder.next_str(8)})),
    (Bytea, lambda c: RandomBuilder.next_bytes(8)),
    (Array, lambda c: [random_value(c.base_column) for _ in range(_ARRAY_LENGTH)]),
)

#: Elements in a generated array (each one valid for the array's base column).
_ARRAY_LENGTH = 2


def _choice_values(column: Column[Any], choices: type[enum.Enum]) -> list[Any]:
    """The values of ``choices`` that ``column`` (an Array: each element) can store.

    Definition only checks a choice's type; its length or digits are checked when a row
    is saved, so a member too long for the column, or ``None``, is never picked.
    """
    vtype = column.value_type
    element = vtype.element if vtype.name == "array" else vtype
    check = value_check(element, store=True)
    fitting: list[Any] = []
    for member in choices:
        value = member_value(member)  # a ``Choice`` member: the value it stores
        if value is None:
            continue
        try:
            if check is not None:
                check(value)
        except InvalidValue:
            continue
        fitting.append(value)
    if not fitting:
        raise ValueError(f"no choice of {choices.__name__} fits {column!r}")
    return fitting


def random_value(column: Column[Any]) -> Any:
    """A random value valid for ``column``: its choices, type and limits, on every engine.

    An ``Array`` with ``choices`` gets a list of choice values; a ``Timestamptz`` an aware
    datetime (UTC); a ``Numeric`` a decimal with the column's scale that fits its digits;
    text fits the column's length.

    Example::

        random_value(Shirt.size)  # "m": the value of one member of its choices
        random_value(Array(Integer(), choices=Size))  # [2, 1]
    """
    choices = column._meta.choices
    if choices is not None:
        values = _choice_values(column, choices)
        if isinstance(column, Array):
            return [random.choice(values) for _ in range(_ARRAY_LENGTH)]
        return random.choice(values)
    for kind, make in _MAKERS:
        if isinstance(column, kind):
            return make(column)
    raise TypeError(f"ModelBuilder cannot make a value for {type(column).__name__} columns")


class ModelBuilder:
    """Builds rows of a table with random values (Piccolo's call shapes).

    ``defaults`` (keys: columns or column names) fixes some values; ``persist=False``
    leaves the row unsaved (its foreign-key parents are not saved either, and the key
    holds the parent row); ``minimal=True`` leaves nullable columns empty.
    """

    #: Values handed out so far to unique columns, per (table, column name).
    _used: dict[tuple[type[Table], str], set[Any]] = {}

    @classmethod
    async def build(
        cls,
        table_class: type[TableT],
        defaults: Mapping[Column[Any] | str, Any] | None = None,
        persist: bool = True,
        minimal: bool = False,
    ) -> TableT:
        """A new row of ``table_class``; saved unless ``persist=False``."""
        given = {
            (key._meta.name if isinstance(key, Column) else key): value
            for key, value in (defaults or {}).items()
        }
        values: dict[str, Any] = {}
        for column in table_class._meta.columns:
            name = column._meta.name
            if name in given:
                values[name] = given.pop(name)
            elif column._meta.primary_key and isinstance(column, Serial):
                continue  # the database numbers it
            elif minimal and column._meta.null and not isinstance(column, Serial):
                values[name] = None  # (a SERIAL is never NULL, even when declared nullable)
            elif isinstance(column, ForeignKey):
                values[name] = await cls._parent(column, persist, minimal)
            else:
                values[name] = cls._value(table_class, column)
        if given:
            raise ValueError(f"{table_class.__name__} has no column(s): {', '.join(sorted(given))}")
        row = table_class(**values)
        if persist:
            await row.save()
        return row

    @classmethod
    def build_sync(
        cls,
        table_class: type[TableT],
        defaults: Mapping[Column[Any] | str, Any] | None = None,
        persist: bool = True,
        minimal: bool = False,
    ) -> TableT:
        """``build`` from synchronous code.

        Example::

            band = ModelBuilder.build_sync(Band)  # saved, with random values (and manager)
            draft = ModelBuilder.build_sync(Band, {Band.name: "a"}, persist=False)  # unsaved
        """
        return run_sync(cls.build(table_class, defaults, persist, minimal))

    @classmethod
    async def _parent(cls, column: ForeignKey[Any], persist: bool, minimal: bool) -> Any:
        reference = column.resolved_references
        if reference is column._meta.table:
            if column._meta.null:
                return None  # a self-reference would recurse for ever; leave it empty
            raise ValueError(f"cannot build {column!r}: a non-nullable key to its own table")
        parent = await cls.build(reference, persist=persist, minimal=minimal)
        return key_value(column, parent) if persist else parent

    @classmethod
    def _value(cls, table_class: type[Table], column: Column[Any]) -> Any:
        if not (column._meta.unique or column._meta.primary_key):
            return random_value(column)
        used = cls._used.setdefault((table_class, column._meta.name), set())
        for _ in range(_UNIQUE_TRIES):
            value = random_value(column)
            marker = json.dumps(value, default=str, sort_keys=True)
            if marker not in used:
                used.add(marker)
                return value
        raise ValueError(f"no unused value left for the unique column {column!r}")
