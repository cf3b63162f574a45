"""Values at the edges of what a column holds: a NUMERIC wider than Python's default decimal
context, and bytes inside arrays (SQLite keeps arrays as JSON)."""

from __future__ import annotations

import decimal

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Array, Bytea, Char, Float, Numeric
from vivace.engine import Engine
from vivace.exceptions import NotSupportedError


class WideNumber(Table, tablename="wide_number"):
    amount = Numeric(digits=(30, 2))


class BytesList(Table, tablename="bytes_list"):
    chunks = Array(Bytea())


async def test_a_numeric_of_29_digits_round_trips(db: Engine, use_tables: UseTables) -> None:
    # SQLite's converter rounded it in a 28-digit context: a raw decimal.InvalidOperation.
    await use_tables(db, WideNumber)
    value = decimal.Decimal("123456789012345678901234567.89")
    await WideNumber.insert(WideNumber(amount=value), WideNumber(amount=decimal.Decimal("-1.5")))
    rows = await WideNumber.select(WideNumber.amount).order_by(WideNumber.id)
    assert rows == [{"amount": value}, {"amount": decimal.Decimal("-1.50")}]


async def test_bytes_in_an_array_are_refused_on_sqlite(sqlite_db: Engine) -> None:
    BytesList._meta.db = sqlite_db
    with pytest.raises(NotSupportedError, match=r"Array\(Bytea\(\)\) is not supported on SQLite"):
        await BytesList.create_table()
    assert not await BytesList.table_exists()
    # A table made elsewhere: the value is refused before anything is sent.
    await sqlite_db.run_ddl("CREATE TABLE bytes_list (id INTEGER PRIMARY KEY, chunks TEXT)")
    try:
        with pytest.raises(NotSupportedError):
            await BytesList.insert(BytesList(chunks=[b"ab"]))
        assert await sqlite_db.fetch_sql("SELECT COUNT(*) AS n FROM bytes_list") == [{"n": 0}]
    finally:
        await sqlite_db.run_ddl("DROP TABLE bytes_list")


async def test_bytes_in_an_array_on_postgres(postgres_db: Engine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, BytesList)
    await BytesList.insert(BytesList(chunks=[b"ab", b"\x00\xff"]))
    assert await BytesList.select(BytesList.chunks) == [{"chunks": [b"ab", b"\x00\xff"]}]


class Reading(Table, tablename="float_reading"):
    value = Float()


async def test_a_float_keeps_every_digit(db: Engine, use_tables: UseTables) -> None:
    # Piccolo's Float is FLOAT (PostgreSQL: DOUBLE PRECISION). Vivace's was a 4-byte REAL:
    # 0.1 came back as 0.10000000149011612, also from a Piccolo project's own FLOAT column.
    await use_tables(db, Reading)
    await Reading.insert(Reading(value=0.1), Reading(value=1e300))
    await Reading.update({Reading.value: Reading.value + 0.2}).where(Reading.value < 1)
    rows = await Reading.select(Reading.value).order_by(Reading.value)
    assert rows == [{"value": 0.1 + 0.2}, {"value": 1e300}]


class Code(Table, tablename="char_code"):
    code = Char()


async def test_a_char_holds_255_characters_unless_told(db: Engine, use_tables: UseTables) -> None:
    # Piccolo's Char() is CHAR(255) (its Varchar's length); Vivace's was CHAR(1), which
    # refused every longer value a Piccolo project's own column holds.
    await use_tables(db, Code)
    assert Code.code.column_type.replace(" ", "") in ("CHAR(255)", "CHARACTER(255)")
    await Code.insert(Code(code="GB-ENG"), Code(code="x" * 255))
    rows = await Code.select(Code.code).order_by(Code.id)
    assert [row["code"].rstrip() for row in rows] == ["GB-ENG", "x" * 255]
