"""Piccolo's import path ``piccolo.columns.column_types``: every column type, as in
``vivace.columns``.

Example: ``from vivace.columns.column_types import ForeignKey, Varchar``. The defaults
Piccolo's module also exposes (``TimestampNow``, ``UUID4``, ...) are here too.
"""

from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Blob,
    Boolean,
    Bytea,
    Char,
    Column,
    Date,
    Decimal,
    DoublePrecision,
    Email,
    Float,
    ForeignKey,
    Integer,
    Interval,
    LazyTableReference,
    Numeric,
    OnDelete,
    OnUpdate,
    Real,
    Secret,
    Serial,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.columns.defaults.date import DateCustom, DateNow
from vivace.columns.defaults.interval import IntervalCustom
from vivace.columns.defaults.time import TimeCustom, TimeNow
from vivace.columns.defaults.timestamp import TimestampCustom, TimestampNow
from vivace.columns.defaults.timestamptz import TimestamptzCustom, TimestamptzNow
from vivace.columns.defaults.uuid import UUID4

__all__ = [
    "DateCustom",
    "DateNow",
    "IntervalCustom",
    "TimeCustom",
    "TimeNow",
    "TimestampCustom",
    "TimestampNow",
    "TimestamptzCustom",
    "TimestamptzNow",
    "UUID4",
    "Array",
    "BigInt",
    "BigSerial",
    "Blob",
    "Boolean",
    "Bytea",
    "Char",
    "Column",
    "Date",
    "Decimal",
    "DoublePrecision",
    "Email",
    "Float",
    "ForeignKey",
    "Integer",
    "Interval",
    "JSON",
    "JSONB",
    "LazyTableReference",
    "Numeric",
    "OnDelete",
    "OnUpdate",
    "Real",
    "Secret",
    "Serial",
    "SmallInt",
    "Text",
    "Time",
    "Timestamp",
    "Timestamptz",
    "UUID",
    "Varchar",
]
