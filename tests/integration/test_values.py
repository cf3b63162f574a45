"""Issue 11: values are checked against their column before anything is sent, alike on
every engine. What PostgreSQL refuses, SQLite refuses too (``InvalidValue``, naming
``table.column``, the value's type and what the column accepts), and a refused write
leaves no row; what PostgreSQL stores, SQLite stores and returns equal.
"""

from __future__ import annotations

import datetime
import enum
import math
import uuid
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb, use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Char,
    Date,
    DoublePrecision,
    Integer,
    Interval,
    Numeric,
    Real,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import DataError, InvalidValue

UTC = datetime.UTC


class ValueRow(Table, tablename="values_row"):
    small = SmallInt(null=True)
    number = Integer(null=True)
    big = BigInt(null=True)
    flag = Boolean(null=True)
    name = Varchar(length=5, null=True)
    code = Char(length=3, null=True)
    body = Text(null=True)
    price = Numeric(digits=(5, 2), null=True)
    exact = Numeric(null=True)
    ratio = Real(null=True)
    double = DoublePrecision(null=True)
    local = Timestamp(null=True)
    moment = Timestamptz(null=True)
    day = Date(null=True)
    at = Time(null=True)
    span = Interval(null=True)
    ref = UUID(null=True)
    doc = JSON(null=True)
    docb = JSONB(null=True)
    raw = Bytea(null=True)


class ArrayValueRow(Table, tablename="values_array_row"):
    """Arrays apart, so that every other value is checked on MariaDB too (it has none)."""

    counts = Array(base_column=SmallInt(), null=True)
    names = Array(base_column=Varchar(length=2), null=True)


async def _table_for(db: Engine, use_tables: UseTables, column: str) -> type[Table]:
    """The table holding ``column``, created on ``db`` (arrays: refused on MariaDB, skipped)."""
    if column in ("counts", "names"):
        await use_array_tables(db, use_tables, ArrayValueRow)
        return ArrayValueRow
    await use_tables(db, ValueRow)
    return ValueRow


AWARE = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NAIVE = datetime.datetime(2024, 5, 1, 12, 0)

# (column, value, words the message must contain besides "<table>.<column>")
REFUSED: list[tuple[str, Any, str]] = [
    ("number", "12", "got str '12'"),
    ("number", 3.7, "never rounded or truncated"),
    ("number", 3.0, "got float 3.0"),
    ("number", True, "a bool is not stored as a number"),
    ("number", Decimal("1"), "got Decimal"),
    ("number", 2**31, "from -2147483648 to 2147483647"),
    ("small", -(2**15) - 1, "from -32768 to 32767"),
    ("big", 2**63, "to 9223372036854775807"),
    ("flag", "false", "a bool (True or False)"),
    ("flag", 1, "a bool"),
    ("name", "abcdef", "at most 5 character(s)"),
    ("name", 12345, "got int"),
    ("code", "abcd", "at most 3"),
    ("body", "nul\x00inside", "without NUL"),
    ("body", b"bytes", "a str"),
    ("price", Decimal("1.005"), "2 after"),
    ("price", Decimal("1000"), "3 digit(s) before"),
    ("price", 0.125, "never rounded"),
    ("price", "1.5", "got str"),
    ("exact", Decimal("NaN"), "NaN and infinity"),
    ("exact", Decimal("-Infinity"), "NaN and infinity"),
    ("ratio", math.nan, "other than NaN"),
    ("ratio", 1e39, "single-precision range"),
    ("ratio", "1.5", "a float or an int"),
    ("double", math.nan, "other than NaN"),
    ("double", 2**53 + 1, "holds exactly"),
    ("double", Decimal("0.1"), "a float or an int"),
    ("local", AWARE, "a naive datetime"),
    ("local", datetime.date(2024, 5, 1), "a naive datetime"),
    ("moment", NAIVE, "timezone-aware"),
    ("moment", "2024-05-01T12:00:00+00:00", "timezone-aware"),
    ("day", NAIVE, "call .date() yourself"),
    ("at", datetime.time(9, 30, tzinfo=UTC), "without a tzinfo"),
    ("span", datetime.timedelta(days=999_999_999), "at most about 292,000 years"),
    ("span", 60, "a timedelta"),
    ("ref", "not-a-uuid", "a uuid.UUID or its text"),
    ("doc", "{not json", "valid JSON"),
    ("doc", {"x": math.nan}, "without NaN"),
    ("docb", '{"a": "\\u0000"}', "JSONB cannot store"),
    ("raw", "text", "bytes"),
    ("counts", [1, 2**15], "from -32768 to 32767"),
    ("counts", "1,2", "a list"),
    ("names", ["ok", "long"], "at most 2"),
]


def _case_id(case: tuple[str, Any, str]) -> str:
    return f"{case[0]}-{type(case[1]).__name__}"


@pytest.mark.parametrize(("column", "value", "words"), REFUSED, ids=map(_case_id, REFUSED))
async def test_refused_on_insert_and_update_alike(
    db: Engine, use_tables: UseTables, column: str, value: Any, words: str
) -> None:
    table = await _table_for(db, use_tables, column)
    name = table._meta.tablename
    with pytest.raises(InvalidValue) as caught:
        await table.insert(table(**{column: value}))
    message = str(caught.value)
    assert f"{name}.{column} expects" in message
    assert words in message, message
    assert isinstance(caught.value, DataError) and isinstance(caught.value, ValueError)
    assert caught.value.__cause__ is None  # refused before the driver saw it
    assert await table.count() == 0

    kept = table()  # the types' defaults (as stored: Char padded, Numeric scaled)
    await kept.save()
    before = await table.select().where(table.id == kept.id)
    with pytest.raises(InvalidValue, match=f"{name}\\.{column} expects"):
        await table.update({column: value}).where(table.id == kept.id)
    assert await table.select().where(table.id == kept.id) == before


# (column, value written, value read back on every engine)
STORED: list[tuple[str, Any, Any]] = [
    ("number", 2**31 - 1, 2**31 - 1),
    ("small", -(2**15), -(2**15)),
    ("big", -(2**63), -(2**63)),
    ("name", "héllo", "héllo"),
    ("code", "ab", "ab "),  # a Char is blank-padded on every engine, as PostgreSQL does
    ("price", Decimal("1.5"), Decimal("1.50")),
    ("price", Decimal("999.99"), Decimal("999.99")),
    ("price", 7, Decimal("7.00")),
    ("price", 0.1, Decimal("0.10")),  # a float as its shortest decimal, never 0.1000000000000000055
    ("exact", Decimal("1E+5"), Decimal("100000")),
    ("exact", 0.1, Decimal("0.1")),
    ("ratio", 0.1, 0.10000000149011612),  # single precision on every engine
    ("ratio", 16_777_217, 16_777_216.0),
    ("ratio", math.inf, math.inf),
    ("double", 2**53, float(2**53)),  # an int a double holds exactly, as a float
    ("double", -math.inf, -math.inf),
    (
        "moment",
        datetime.datetime(2024, 5, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        AWARE,
    ),
    (
        "ref",
        "12345678-1234-5678-1234-56781234567A",
        uuid.UUID("12345678-1234-5678-1234-56781234567a"),
    ),
    ("raw", bytearray(b"\x00a"), b"\x00a"),
    ("counts", (1, None, -3), [1, None, -3]),
]


@pytest.mark.parametrize(("column", "value", "expected"), STORED, ids=map(_case_id, STORED))
async def test_stored_and_returned_equal(
    db: Engine, use_tables: UseTables, column: str, value: Any, expected: Any
) -> None:
    table = await _table_for(db, use_tables, column)
    if on_mariadb(db) and isinstance(value, float) and math.isinf(value):
        # MariaDB's DOUBLE stores no infinity: refused before sending, naming the column.
        pattern = f"values_row\\.{column} expects a finite float .* got float {value}"
        with pytest.raises(InvalidValue, match=pattern):
            await table.insert(table(**{column: value}))
        assert await table.count() == 0
        return
    row = table(**{column: value})
    await table.insert(row)
    (back,) = await table.select(getattr(table, column)).where(table.id == row.id)
    assert back[column] == expected
    assert type(back[column]) is type(expected)
    await table.update({column: value}).where(table.id == row.id)
    (again,) = await table.select(getattr(table, column)).where(table.id == row.id)
    assert again[column] == expected


async def test_where_values_are_checked_against_the_column(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, ValueRow)
    await ValueRow.insert(ValueRow(number=5, name="abc", code="ab", price=Decimal("1.25")))
    with pytest.raises(InvalidValue, match=r"values_row\.number expects an int .* got str 'abc'"):
        await ValueRow.select().where(ValueRow.number == "abc")
    with pytest.raises(InvalidValue, match=r"values_row\.number .* got float 2.5"):
        await ValueRow.select().where(ValueRow.number > 2.5)
    with pytest.raises(InvalidValue, match=r"values_row\.number .* got str"):
        await ValueRow.select().where(ValueRow.number.is_in([1, "2"]))
    with pytest.raises(InvalidValue, match=r"values_row\.flag"):
        await ValueRow.delete().where(ValueRow.flag == "true")
    with pytest.raises(InvalidValue, match=r"values_row\.moment"):
        await ValueRow.count().where(ValueRow.moment < NAIVE)
    assert await ValueRow.count() == 1
    # A compared value needs the column's type, not its size: a longer text finds nothing.
    assert await ValueRow.select().where(ValueRow.name == "abcdefgh") == []
    assert await ValueRow.count().where(ValueRow.price < Decimal("1.255")) == 1
    # A Char compares as PostgreSQL compares it: trailing blanks do not count.
    assert await ValueRow.count().where(ValueRow.code == "ab") == 1
    assert await ValueRow.count().where(ValueRow.number.is_in([5, 6])) == 1
    # str(query) is for reading: it never refuses.
    assert "'abc'" in str(ValueRow.select().where(ValueRow.number == "abc"))


async def test_values_in_arithmetic_are_checked_against_the_column(
    db: Engine, use_tables: UseTables
) -> None:
    """``column + value`` checks the value as a compared one: SQLite stored 1 for
    ``number + "abc"`` and 2.5 in an Integer for ``number + 1.5``, MariaDB 2, PostgreSQL
    refused with the driver's error."""
    await use_tables(db, ValueRow)
    row = ValueRow(number=1, name="ab", price=Decimal("1.25"), local=datetime.datetime(2024, 1, 1))
    await ValueRow.insert(row)
    refused = [
        ({ValueRow.number: ValueRow.number + "abc"}, r"values_row\.number .* got str 'abc'"),
        ({ValueRow.number: ValueRow.number + 1.5}, r"values_row\.number .* got float 1.5"),
        ({ValueRow.number: 2 * ValueRow.number * 0.5}, r"values_row\.number .* got float 0.5"),
        ({ValueRow.name: ValueRow.name + 5}, r"values_row\.name expects a str.* got int 5"),
        ({ValueRow.price: ValueRow.price * "2"}, r"values_row\.price .* got str '2'"),
    ]
    for values, message in refused:
        with pytest.raises(InvalidValue, match=message):
            await ValueRow.update(values).where(ValueRow.id == row.id)
    with pytest.raises(InvalidValue, match=r"values_row\.number .* got str 'x'"):
        await ValueRow.select().where(ValueRow.number - "x" > 0)
    assert await ValueRow.select(ValueRow.number, ValueRow.name) == [{"number": 1, "name": "ab"}]
    # Values of the column's type still work, on either side of the operator.
    await ValueRow.update(
        {
            ValueRow.number: 10 - ValueRow.number * 2,
            ValueRow.name: "<" + ValueRow.name + "!",
            ValueRow.price: ValueRow.price + Decimal("1.25"),
        }
    ).where(ValueRow.id == row.id)
    assert await ValueRow.select(ValueRow.number, ValueRow.name, ValueRow.price) == [
        {"number": 8, "name": "<ab!", "price": Decimal("2.50")}
    ]


async def test_a_computed_numeric_is_stored_at_the_column_scale(
    db: Engine, use_tables: UseTables
) -> None:
    """``price / 3`` into a Numeric(5, 2): PostgreSQL and MariaDB store 3.33; SQLite, which
    computes decimals as doubles, stored 3.33333333333333 (and 30.0 for ``price * 3``)."""
    await use_tables(db, ValueRow)
    row, empty = ValueRow(price=Decimal("10.00")), ValueRow(price=None)
    await ValueRow.insert(row, empty)
    await ValueRow.update({ValueRow.price: ValueRow.price / 3}).where(ValueRow.id == row.id)
    assert await ValueRow.select(ValueRow.price).where(ValueRow.id == row.id) == [
        {"price": Decimal("3.33")}
    ]
    await ValueRow.update({ValueRow.price: ValueRow.price * 3}, force=True)
    rows = await ValueRow.select(ValueRow.price).order_by(ValueRow.id)
    assert rows == [{"price": Decimal("9.99")}, {"price": None}]  # NULL stays NULL
    assert str(rows[0]["price"]) == "9.99"
    assert await ValueRow.count().where(ValueRow.price == Decimal("9.99")) == 1


def test_a_default_that_does_not_fit_is_refused_when_the_table_is_defined() -> None:
    with pytest.raises(ValueError, match=r"default of the Integer column does not fit"):

        class BadDefault(Table, tablename="bad_default"):
            number = Integer(default="0")

    with pytest.raises(ValueError, match=r"Varchar column .* at most 2"):

        class BadLength(Table, tablename="bad_length"):
            name = Varchar(length=2, default="abc")

    class Size(str, enum.Enum):
        small = "s"
        large = "l"

    class GoodDefault(Table, tablename="good_default"):
        size = Varchar(length=1, choices=Size, default=Size.large)
        created = Timestamptz()  # a computed default is checked when it is used

    assert GoodDefault.size._meta.default is Size.large


def test_choices_of_the_wrong_type_are_refused_as_piccolo_does() -> None:
    class Number(int, enum.Enum):
        one = 1

    with pytest.raises(ValueError) as caught:

        class WrongChoices(Table, tablename="wrong_choices"):
            tags = Array(Varchar(), choices=Number)

    assert str(caught.value) == "one doesn't have the correct type"


async def test_values_outside_choices_are_stored_as_piccolo_stores_them(
    db: Engine, use_tables: UseTables
) -> None:
    class Size(str, enum.Enum):
        small = "s"

    class Shirt(Table, tablename="values_shirt"):
        size = Varchar(length=1, choices=Size)

    await use_tables(db, Shirt)
    await Shirt.insert(Shirt(size=Size.small), Shirt(size="x"))
    assert await Shirt.select(Shirt.size).order_by(Shirt.id).output(as_list=True) == ["s", "x"]


async def test_a_refused_row_in_a_batch_inserts_none(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, ValueRow)
    rows = [ValueRow(number=i) for i in range(5)] + [ValueRow(number="six")]
    with pytest.raises(InvalidValue, match=r"values_row\.number .* got str 'six'"):
        await ValueRow.insert(*rows)
    assert await ValueRow.count() == 0


async def test_a_multi_row_insert_checks_and_returns_as_single_rows_do(
    db: Engine, use_tables: UseTables
) -> None:
    """Many rows are checked a whole column at a time: the outcome is the same as row by row."""
    await use_tables(db, ValueRow)
    given = [
        {"number": 1, "name": "abc", "code": "a", "double": 0.5, "flag": True},
        {"number": None, "name": None, "code": None, "double": None, "flag": None},
        {"number": -5, "name": "日本", "code": "xyz", "double": 7, "flag": False},
    ]
    await ValueRow.insert(*[ValueRow(**row, price=Decimal("1.5")) for row in given])
    columns = [ValueRow.number, ValueRow.name, ValueRow.code, ValueRow.double, ValueRow.flag]
    rows = await ValueRow.select(*columns, ValueRow.price).order_by(ValueRow.id)
    assert [r["code"] for r in rows] == ["a  ", None, "xyz"]
    assert [r["double"] for r in rows] == [0.5, None, 7.0]
    assert type(rows[2]["double"]) is float
    assert [r["price"] for r in rows] == [Decimal("1.50")] * 3
    assert [r["name"] for r in rows] == ["abc", None, "日本"]
    for column, bad in [("name", "toolong"), ("number", 2**40), ("double", math.nan)]:
        rows_in = [ValueRow(**{column: None}), ValueRow(**{column: bad})]
        with pytest.raises(InvalidValue, match=f"values_row\\.{column} expects"):
            await ValueRow.insert(*rows_in)
    assert await ValueRow.count() == 3


async def test_a_refused_value_leaves_the_transaction_usable(
    db: Engine, use_tables: UseTables
) -> None:
    """Nothing was sent, so the transaction goes on (a value PostgreSQL itself refused would
    have aborted it)."""
    await use_tables(db, ValueRow)
    async with db.transaction():
        await ValueRow.insert(ValueRow(number=1))
        with pytest.raises(InvalidValue):
            await ValueRow.insert(ValueRow(number="two"))
        await ValueRow.insert(ValueRow(number=3))
    assert await ValueRow.select(ValueRow.number).order_by(ValueRow.id).output(as_list=True) == [
        1,
        3,
    ]
