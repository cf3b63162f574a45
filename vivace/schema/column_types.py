"""Concrete column types (``vivace.columns``), gathered from their family's module.

Each family lives in a module of its own: ``text_columns``, ``number_columns``,
``time_columns``, ``json_columns``, ``array_column`` and ``misc_columns``. This module
keeps the one import path for all of them.

Example::

    from vivace.schema.column_types import Array, Numeric, Varchar

    class Ticket(Table):
        price = Numeric(digits=(5, 2))
        tags = Array(base_column=Varchar())
"""

from vivace.schema.array_column import Array
from vivace.schema.json_columns import JSON, JSONB
from vivace.schema.misc_columns import UUID, Blob, Boolean, Bytea
from vivace.schema.number_columns import (
    BigInt,
    BigSerial,
    Decimal,
    DoublePrecision,
    Float,
    Integer,
    Numeric,
    Real,
    Serial,
    SmallInt,
)
from vivace.schema.text_columns import Char, Email, Secret, Text, Varchar
from vivace.schema.time_columns import Date, Interval, Time, Timestamp, Timestamptz

__all__ = [
    "JSON",
    "JSONB",
    "UUID",
    "Array",
    "BigInt",
    "BigSerial",
    "Blob",
    "Boolean",
    "Bytea",
    "Char",
    "Date",
    "Decimal",
    "DoublePrecision",
    "Email",
    "Float",
    "Integer",
    "Interval",
    "Numeric",
    "Real",
    "Secret",
    "Serial",
    "SmallInt",
    "Text",
    "Time",
    "Timestamp",
    "Timestamptz",
    "Varchar",
]
