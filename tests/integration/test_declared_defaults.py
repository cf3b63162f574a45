"""A fixed default is declared in the table itself, so a row inserted outside the ORM (raw
SQL, another program) gets the value a new row gets from Python: the ``*Custom`` date,
time and interval defaults (``Interval()``'s zero too) on every engine, and a non-empty
array default where there are arrays (PostgreSQL's array text, SQLite's JSON text)."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb
from vivace import Table
from vivace.columns import Array, Date, Integer, Interval, Time, Timestamp, Timestamptz, Varchar
from vivace.columns.defaults import (
    DateCustom,
    DateOffset,
    IntervalCustom,
    TimeCustom,
    TimeOffset,
    TimestampCustom,
    TimestamptzCustom,
    TimestamptzOffset,
)
from vivace.engine import Engine
from vivace.table import create_table_class


class FixedDefaults(Table, tablename="fixed_defaults"):
    name = Varchar(length=10)
    wait = Interval()
    grace = Interval(default=IntervalCustom(hours=1, minutes=3))
    at = Timestamp(default=TimestampCustom(year=2020, month=2, day=3, microsecond=5))
    at_tz = Timestamptz(default=TimestamptzCustom(year=2021))
    day = Date(default=DateCustom(year=2022, month=12, day=25))
    opens = Time(default=TimeCustom(hour=9, minute=30))


async def test_fixed_defaults_apply_to_raw_inserts(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, FixedDefaults)
    await db.fetch_sql("INSERT INTO fixed_defaults (name) VALUES ('raw')")
    await FixedDefaults(name="orm").save()
    raw, orm = await FixedDefaults.select().order_by(FixedDefaults.id)
    assert raw == {**orm, "id": raw["id"], "name": "raw"}
    assert raw["wait"] == datetime.timedelta(0)
    assert raw["grace"] == datetime.timedelta(hours=1, minutes=3)
    assert raw["at"] == datetime.datetime(2020, 2, 3, 0, 0, 0, 5)
    assert raw["at_tz"] == datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    assert raw["day"] == datetime.date(2022, 12, 25)
    assert raw["opens"] == datetime.time(9, 30)


async def test_array_defaults_apply_to_raw_inserts(db: Engine, use_tables: UseTables) -> None:
    if on_mariadb(db):
        pytest.skip("MariaDB has no arrays (refused when the table is made: tests/differential)")
    table = create_table_class(
        "ArrayDefaults",
        class_kwargs={"tablename": "array_defaults"},
        class_members={
            "name": Varchar(length=10),
            "tags": Array(Varchar(), default=["a", "q\"u\\o'te", None]),
            "numbers": Array(Integer(), default=[1, 2]),
            "grid": Array(Array(Integer()), default=[[1], [2]]),
        },
    )
    await use_tables(db, table)
    await db.fetch_sql("INSERT INTO array_defaults (name) VALUES ('raw')")
    rows = await table.select(table.tags, table.numbers, table.grid)
    assert rows == [{"tags": ["a", "q\"u\\o'te", None], "numbers": [1, 2], "grid": [[1], [2]]}]


async def test_offsets_declared_on_postgres(postgres_db: Engine, use_tables: UseTables) -> None:
    """PostgreSQL computes the offset defaults itself (``current_timestamp + interval``), as
    it does ``TimestampNow()``: a raw insert gets about what the ORM gives."""
    table = create_table_class(
        "OffsetDefaults",
        class_kwargs={"tablename": "offset_defaults"},
        class_members={
            "name": Varchar(length=10),
            "due": Timestamptz(default=TimestamptzOffset(days=1, hours=2)),
            "day": Date(default=DateOffset(days=7)),
            "later": Time(default=TimeOffset(hours=1)),
        },
    )
    await use_tables(postgres_db, table)
    await postgres_db.fetch_sql("INSERT INTO offset_defaults (name) VALUES ('raw')")
    await table(name="orm").save()
    raw, orm = await table.select().order_by(table.id)
    assert abs(raw["due"] - orm["due"]) < datetime.timedelta(minutes=1)
    assert raw["day"] == orm["day"]
    gap = abs(_seconds(raw["later"]) - _seconds(orm["later"])) % 86_400
    assert min(gap, 86_400 - gap) < 60  # the same time of day, around midnight too


def _seconds(moment: datetime.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
