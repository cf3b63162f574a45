"""Typing checks (never executed): ``null=True`` makes every column type read ``T | None``.

Negative lines end in ``# type: ignore[code]``: mypy (``warn_unused_ignores``, on in
strict mode) and pyright (``reportUnnecessaryTypeIgnoreComment``) both fail when such a
line stops being an error.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import assert_type

from vivace import Table
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
    Date,
    Decimal,
    DoublePrecision,
    Email,
    Float,
    Integer,
    Interval,
    Numeric,
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
from vivace.sql.nodes import Condition


class Everything(Table):
    varchar = Varchar(length=50)
    varchar_n = Varchar(length=50, null=True)
    char = Char(length=2)
    char_n = Char(length=2, null=True)
    email = Email(unique=True)
    email_n = Email(null=True)
    secret = Secret()
    secret_n = Secret(null=True)
    text = Text()
    text_n = Text(null=True)
    integer = Integer(default=0)
    integer_n = Integer(null=True)
    big = BigInt()
    big_n = BigInt(null=True)
    small = SmallInt()
    small_n = SmallInt(null=True)
    serial = Serial()
    serial_n = Serial(null=True)
    big_serial = BigSerial()
    big_serial_n = BigSerial(null=True)
    boolean = Boolean()
    boolean_n = Boolean(null=True)
    numeric = Numeric(digits=(5, 2))
    numeric_n = Numeric(digits=(5, 2), null=True)
    decimal_ = Decimal()
    decimal_n = Decimal(null=True)
    real = Real()
    real_n = Real(null=True)
    float_ = Float()
    float_n = Float(null=True)
    double = DoublePrecision()
    double_n = DoublePrecision(null=True)
    timestamp = Timestamp()
    timestamp_n = Timestamp(null=True)
    timestamptz = Timestamptz()
    timestamptz_n = Timestamptz(null=True)
    date = Date()
    date_n = Date(null=True)
    time = Time()
    time_n = Time(null=True)
    interval = Interval()
    interval_n = Interval(null=True)
    key = UUID()
    key_n = UUID(null=True)
    json = JSON()
    json_n = JSON(null=True)
    jsonb = JSONB()
    jsonb_n = JSONB(null=True)
    bytea = Bytea()
    bytea_n = Bytea(null=True)
    blob = Blob()
    blob_n = Blob(null=True)
    tags = Array(base_column=Varchar())
    tags_n = Array(base_column=Integer(), null=True)
    explicit = Integer(null=False, index=True)


def check_values(row: Everything) -> None:
    assert_type(row.varchar, str)
    assert_type(row.varchar_n, str | None)
    assert_type(row.char, str)
    assert_type(row.char_n, str | None)
    assert_type(row.email, str)
    assert_type(row.email_n, str | None)
    assert_type(row.secret, str)
    assert_type(row.secret_n, str | None)
    assert_type(row.text, str)
    assert_type(row.text_n, str | None)
    assert_type(row.integer, int)
    assert_type(row.integer_n, int | None)
    assert_type(row.big, int)
    assert_type(row.big_n, int | None)
    assert_type(row.small, int)
    assert_type(row.small_n, int | None)
    assert_type(row.serial, int)
    assert_type(row.serial_n, int | None)
    assert_type(row.big_serial, int)
    assert_type(row.big_serial_n, int | None)
    assert_type(row.boolean, bool)
    assert_type(row.boolean_n, bool | None)
    assert_type(row.numeric, decimal.Decimal)
    assert_type(row.numeric_n, decimal.Decimal | None)
    assert_type(row.decimal_, decimal.Decimal)
    assert_type(row.decimal_n, decimal.Decimal | None)
    assert_type(row.real, float)
    assert_type(row.real_n, float | None)
    assert_type(row.float_, float)
    assert_type(row.float_n, float | None)
    assert_type(row.double, float)
    assert_type(row.double_n, float | None)
    assert_type(row.timestamp, datetime.datetime)
    assert_type(row.timestamp_n, datetime.datetime | None)
    assert_type(row.timestamptz, datetime.datetime)
    assert_type(row.timestamptz_n, datetime.datetime | None)
    assert_type(row.date, datetime.date)
    assert_type(row.date_n, datetime.date | None)
    assert_type(row.time, datetime.time)
    assert_type(row.time_n, datetime.time | None)
    assert_type(row.interval, datetime.timedelta)
    assert_type(row.interval_n, datetime.timedelta | None)
    assert_type(row.key, uuid.UUID)
    assert_type(row.key_n, uuid.UUID | None)
    assert_type(row.json, str)
    assert_type(row.json_n, str | None)
    assert_type(row.jsonb, str)
    assert_type(row.jsonb_n, str | None)
    assert_type(row.bytea, bytes)
    assert_type(row.bytea_n, bytes | None)
    assert_type(row.blob, bytes)
    assert_type(row.blob_n, bytes | None)
    assert_type(row.tags, list[str])
    assert_type(row.tags_n, list[int] | None)
    assert_type(row.explicit, int)
    assert_type(row.id, int)


def check_columns(flag: bool) -> None:
    # The class attribute is the column, its value type in brackets (the default unwritten).
    assert_type(Everything.varchar, Varchar)
    assert_type(Everything.varchar_n, Varchar[str | None])
    assert_type(Everything.big_n, BigInt[int | None])
    assert_type(Everything.tags, Array[list[str]])
    assert_type(Everything.id, Serial)
    # A null known only at run time: the column may hold NULL.
    assert_type(Integer(null=flag), Integer[int | None])


def check_conditions() -> None:
    assert_type(Everything.boolean.eq(True), Condition)
    assert_type(Everything.boolean_n.ne(False), Condition)
    assert_type(Everything.integer_n.is_null(), Condition)


def check_assignment(row: Everything) -> None:
    row.integer_n = None
    row.varchar_n = None
    row.varchar = "x"
    row.integer = None  # type: ignore[assignment]
    row.varchar = 1  # type: ignore[assignment]
    row.timestamp = None  # type: ignore[assignment]


def check_options() -> None:
    Integer(nul=True)  # type: ignore[call-overload]
    Varchar(lenght=5)  # type: ignore[call-overload]
    Boolean(null="yes")  # type: ignore[call-overload]
