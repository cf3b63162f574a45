"""ModelBuilder's values are valid for every column on every engine: arrays with
``choices`` (a list of choice values), arrays of every element type (``Timestamptz``
elements aware), choices too long for the column or ``None`` never picked, big
``Numeric`` digits, short ``Email`` columns, nullable ``Serial`` columns with
``minimal=True``. Each row is saved and read back equal."""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    UUID,
    Array,
    BigInt,
    Boolean,
    Char,
    Date,
    DoublePrecision,
    Email,
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
from vivace.engine import Engine
from vivace.testing import ModelBuilder
from vivace.testing.builders import random_value

ROWS = 20


class Flavour(enum.Enum):
    sweet = "sw"
    sour = "so"


class Rank(int, enum.Enum):
    first = 1
    second = 2


class Label(enum.Enum):
    short = "ok"
    long = "far too long for two characters"
    longer = "even longer than that, still far too long"
    empty = None


class ValueRow(Table):
    big_numeric = Numeric(digits=(30, 2))
    fraction = Numeric(digits=(4, 4))
    whole = Numeric(digits=(1, 0))
    tiny_email = Email(length=10)
    shortest_email = Email(length=5)
    label = Varchar(length=2, choices=Label)
    counter = Serial(null=True)
    aware = Timestamptz()
    naive = Timestamp()


class ArrayRow(Table):
    flavours = Array(Varchar(), choices=Flavour)
    ranks = Array(Integer(), choices=Rank)
    labels = Array(Varchar(length=2), choices=Label)
    moments = Array(Timestamptz())
    naive_moments = Array(Timestamp())
    prices = Array(Numeric(digits=(30, 2)))
    codes = Array(Varchar(length=3))
    letters = Array(Char(length=2))
    emails = Array(Email(length=10))
    texts = Array(Text())
    flags = Array(Boolean())
    smalls = Array(SmallInt())
    bigs = Array(BigInt())
    ratios = Array(Real())
    doubles = Array(DoublePrecision())
    days = Array(Date())
    times = Array(Time())
    spans = Array(Interval())
    tokens = Array(UUID())
    documents = Array(JSON())
    grid = Array(Array(Timestamptz()))
    maybe = Array(Integer(), null=True)


async def _build_and_compare(table: type[Table], minimal: bool) -> list[dict[str, Any]]:
    built = [await ModelBuilder.build(table, minimal=minimal) for _ in range(ROWS)]
    rows = await table.select().order_by(table._meta.primary_key)
    assert rows == [made.to_dict() for made in built]
    return rows


async def test_scalar_values_fit_their_columns(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, ValueRow)
    for row in await _build_and_compare(ValueRow, minimal=False):
        assert row["big_numeric"].as_tuple().exponent == -2
        assert row["fraction"] < 1 and row["fraction"].as_tuple().exponent == -4
        assert abs(row["whole"]) < 10
        assert len(row["tiny_email"]) <= 10 and row["tiny_email"].endswith(".com")
        assert "@" in row["tiny_email"]
        assert len(row["shortest_email"]) <= 5
        assert row["label"] == "ok"  # the only choice that fits Varchar(length=2)
        assert isinstance(row["counter"], int)
        assert row["aware"].tzinfo is not None and row["naive"].tzinfo is None


async def test_minimal_leaves_nullable_columns_empty_but_not_serials(
    db: Engine, use_tables: UseTables
) -> None:
    class Sparse(Table):
        note = Varchar(null=True)
        counter = Serial(null=True)  # SERIAL: never NULL in the database

    await use_tables(db, Sparse)
    for row in await _build_and_compare(Sparse, minimal=True):
        assert row["note"] is None and isinstance(row["counter"], int)


async def test_array_values_fit_their_elements(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, ArrayRow)
    for row in await _build_and_compare(ArrayRow, minimal=False):
        assert row["flavours"] and set(row["flavours"]) <= {"sw", "so"}
        assert row["ranks"] and set(row["ranks"]) <= {1, 2}
        assert row["labels"] and set(row["labels"]) == {"ok"}
        assert all(m.tzinfo is not None for m in row["moments"])
        assert all(m.tzinfo is None for m in row["naive_moments"])
        assert all(m.tzinfo is not None for line in row["grid"] for m in line)
        assert all(p.as_tuple().exponent == -2 for p in row["prices"])
        assert all(len(code) <= 3 for code in row["codes"])
        assert all(len(email) <= 10 for email in row["emails"])
        assert all(isinstance(day, datetime.date) for day in row["days"])
        assert isinstance(row["maybe"], list)


def test_random_value_shapes() -> None:
    """Without a database: the value types, for the columns the engines run above."""
    for _ in range(50):
        assert set(random_value(ArrayRow.flavours)) <= {"sw", "so"}
        assert isinstance(random_value(ArrayRow.flavours), list)
        assert random_value(ValueRow.aware).tzinfo is datetime.UTC
        assert random_value(ValueRow.label) == "ok"
        value = random_value(ValueRow.big_numeric)
        assert isinstance(value, decimal.Decimal) and value.as_tuple().exponent == -2


def test_choices_that_never_fit_are_refused_clearly() -> None:
    class Size(enum.Enum):
        large = "large"

    class Shirt(Table):
        size = Varchar(length=2, choices=Size)

    with pytest.raises(ValueError, match="no choice of Size fits"):
        random_value(Shirt.size)
