"""After DDL run through Vivace, no statement is sent with what the old schema said.

asyncpg keeps each statement prepared with the parameter types it first saw; a table made
again with other column types (as test suites do, one table name per file) or a column
whose type was altered must not get the old types (PostgreSQL refused the INSERT).
"""

from __future__ import annotations

import datetime

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Integer, Time, Timestamp, Varchar
from vivace.engine import Engine


class ClockAsTime(Table, tablename="cache_clock"):
    at = Time()


class ClockAsTimestamp(Table, tablename="cache_clock"):
    at = Timestamp()


class Counter(Table, tablename="cache_counter"):
    value = Integer()


class CounterAsText(Table, tablename="cache_counter"):
    value = Varchar(length=10)


async def test_a_table_made_again_with_other_types(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, ClockAsTime)
    await ClockAsTime.insert(ClockAsTime(at=datetime.time(9, 30)))
    assert await ClockAsTime.select(ClockAsTime.at) == [{"at": datetime.time(9, 30)}]
    await ClockAsTime.alter().drop_table()
    await use_tables(db, ClockAsTimestamp)
    noon = datetime.datetime(2026, 12, 2, 12, 0)
    await ClockAsTimestamp.insert(ClockAsTimestamp(at=noon))
    assert await ClockAsTimestamp.select(ClockAsTimestamp.at) == [{"at": noon}]


async def test_a_column_whose_type_was_altered(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Counter)
    await Counter.insert(Counter(value=1))
    await Counter.alter().set_column_type(Counter.value, Varchar(length=10))
    CounterAsText._meta.db = db  # the same table, as its new class reads it
    await CounterAsText.insert(CounterAsText(value="ab"))
    rows = await CounterAsText.select(CounterAsText.value).order_by(CounterAsText.id)
    assert rows == [{"value": "1"}, {"value": "ab"}]


class Renamed(Table, tablename="cache_renamed_a"):
    name = Varchar(length=10)


async def test_a_table_renamed_at_run_time(db: Engine, use_tables: UseTables) -> None:
    # Piccolo's tests set _meta.tablename / _meta.schema on a table already used: the
    # statements compiled with the old name must not run again.
    await use_tables(db, Renamed)
    await Renamed.insert(Renamed(name="first"))
    assert await Renamed.select(Renamed.name) == [{"name": "first"}]
    await Renamed.alter().drop_table()
    Renamed._meta.tablename = "cache_renamed_b"
    try:
        await Renamed.create_table()
        await Renamed.insert(Renamed(name="second"))
        assert await Renamed.select(Renamed.name) == [{"name": "second"}]
        assert await Renamed.count() == 1
    finally:
        await Renamed.alter().drop_table(if_exists=True)
        Renamed._meta.tablename = "cache_renamed_a"
