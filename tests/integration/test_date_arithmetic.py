"""Dates and times moved by a ``timedelta`` (Piccolo's ``Concert.starts + timedelta(days=1)``)
in updates, selects and where clauses: the same exact results on every engine, to the
microsecond, as Python's own ``datetime + timedelta`` (a ``Time`` wraps around midnight)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Date, Interval, Time, Timestamp, Timestamptz, Varchar
from vivace.engine import Engine
from vivace.exceptions import InvalidValue, QueryError

UTC = datetime.UTC
STARTS = datetime.datetime(2024, 2, 28, 23, 59, 59, 999_999)
DAY = datetime.date(2024, 2, 28)
AT = datetime.time(23, 30, 0, 5)
LENGTH = datetime.timedelta(hours=2, microseconds=1)
SPANS = [
    datetime.timedelta(days=1),
    datetime.timedelta(microseconds=1),
    datetime.timedelta(hours=25, microseconds=999_999),
    datetime.timedelta(days=-3, seconds=5, microseconds=7),
    datetime.timedelta(days=400, microseconds=500_001),
]


class DConcert(Table, tablename="d_concert"):
    name = Varchar(length=20)
    starts = Timestamp(null=True)
    starts_tz = Timestamptz(null=True)
    day = Date(null=True)
    at = Time(null=True)
    length = Interval(null=True)


async def _concert(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DConcert)
    await DConcert.insert(
        DConcert(
            name="a",
            starts=STARTS,
            starts_tz=STARTS.replace(tzinfo=UTC),
            day=DAY,
            at=AT,
            length=LENGTH,
        ),
        DConcert(name="null", starts=None, starts_tz=None, day=None, at=None, length=None),
    )


def _wrapped(at: datetime.time, span: datetime.timedelta) -> datetime.time:
    """PostgreSQL's time + interval: around the clock."""
    moved = datetime.datetime.combine(datetime.date(2000, 1, 2), at) + span
    return moved.time()


async def _row(name: str) -> dict[str, Any]:
    row = await DConcert.select().where(DConcert.name == name).first()
    assert row is not None
    return row


START = {
    "starts": STARTS,
    "starts_tz": STARTS.replace(tzinfo=UTC),
    "day": DAY,
    "at": AT,
    "length": LENGTH,
}


def _moved(values: dict[str, Any], span: datetime.timedelta) -> dict[str, Any]:
    """What Python makes of each value + span (a date counts the whole days down)."""
    return {k: _wrapped(v, span) if k == "at" else v + span for k, v in values.items()}


@pytest.mark.parametrize("span", SPANS, ids=str)
async def test_update_plus_and_minus_move_every_kind_exactly(
    db: Engine, use_tables: UseTables, span: datetime.timedelta
) -> None:
    await _concert(db, use_tables)
    columns = (DConcert.starts, DConcert.starts_tz, DConcert.day, DConcert.at, DConcert.length)
    await DConcert.update({c: c + span for c in columns}, force=True)
    row = await _row("a")
    expected = _moved(START, span)
    assert {k: row[k] for k in expected} == expected
    assert all(type(row[k]) is type(v) for k, v in expected.items())

    await DConcert.update({c: c - span for c in columns}, force=True)
    await DConcert.update({c: c - span for c in columns}, force=True)
    row = await _row("a")
    expected = _moved(_moved(expected, -span), -span)
    assert {k: row[k] for k in expected} == expected
    # NULL moved is NULL.
    nulls = await _row("null")
    assert [nulls[c._meta.name] for c in columns] == [None] * 5


async def test_update_stores_what_an_insert_stores(db: Engine, use_tables: UseTables) -> None:
    """A moved value compares equal to the same value written by an insert (on SQLite the
    stored text must be identical, or equality and ordering would go wrong)."""
    await _concert(db, use_tables)
    span = datetime.timedelta(seconds=1, microseconds=1)
    await DConcert.update(
        {
            DConcert.starts: DConcert.starts + span,
            DConcert.starts_tz: DConcert.starts_tz + span,
            DConcert.day: DConcert.day + datetime.timedelta(days=1),
            DConcert.at: DConcert.at - span,
        },
        force=True,
    )
    found = await DConcert.select(DConcert.name).where(
        (DConcert.starts == STARTS + span)
        & (DConcert.starts_tz == STARTS.replace(tzinfo=UTC) + span)
        & (DConcert.day == DAY + datetime.timedelta(days=1))
        & (DConcert.at == datetime.time(23, 29, 59, 4))
    )
    assert found == [{"name": "a"}]


async def test_select_with_a_moved_value(db: Engine, use_tables: UseTables) -> None:
    await _concert(db, use_tables)
    span = datetime.timedelta(hours=1, microseconds=3)
    rows = await DConcert.select(
        DConcert.name,
        (DConcert.starts + span).as_alias("later"),
        (DConcert.starts_tz - span).as_alias("earlier_tz"),
        (DConcert.day + datetime.timedelta(days=2)).as_alias("later_day"),
        (DConcert.at + span).as_alias("later_at"),
        (DConcert.starts + DConcert.length).as_alias("ends"),
    ).order_by(DConcert.name)
    assert rows == [
        {
            "name": "a",
            "later": STARTS + span,
            "earlier_tz": STARTS.replace(tzinfo=UTC) - span,
            "later_day": datetime.date(2024, 3, 1),
            "later_at": datetime.time(0, 30, 0, 8),
            "ends": STARTS + LENGTH,
        },
        {
            "name": "null",
            "later": None,
            "earlier_tz": None,
            "later_day": None,
            "later_at": None,
            "ends": None,
        },
    ]


async def test_where_with_a_moved_value(db: Engine, use_tables: UseTables) -> None:
    await _concert(db, use_tables)
    micro = datetime.timedelta(microseconds=1)
    leap_day = datetime.datetime(2024, 2, 29)
    # STARTS is one microsecond before the leap day: exactness decides both answers.
    assert await DConcert.count().where(DConcert.starts + micro == leap_day) == 1
    assert await DConcert.count().where(DConcert.starts + micro > leap_day) == 0
    assert await DConcert.count().where(DConcert.starts - micro < STARTS) == 1
    assert (
        await DConcert.count().where(DConcert.day + datetime.timedelta(days=1) == leap_day.date())
        == 1
    )
    assert await DConcert.count().where(DConcert.at + datetime.timedelta(minutes=30) < AT) == 1


async def test_a_date_counts_whole_days_down_as_python_does(
    db: Engine, use_tables: UseTables
) -> None:
    await _concert(db, use_tables)
    part = datetime.timedelta(hours=-1)
    await DConcert.update({DConcert.day: DConcert.day + part}, force=True)
    assert (await _row("a"))["day"] == DAY + part == datetime.date(2024, 2, 27)


async def test_timedelta_first_and_chained(db: Engine, use_tables: UseTables) -> None:
    await _concert(db, use_tables)
    day = datetime.timedelta(days=1)
    await DConcert.update(
        {DConcert.starts: day + (DConcert.starts + day) - datetime.timedelta(microseconds=5)},
        force=True,
    )
    assert (await _row("a"))["starts"] == STARTS + 2 * day - datetime.timedelta(microseconds=5)


async def test_what_cannot_move_a_date_is_refused(db: Engine, use_tables: UseTables) -> None:
    await _concert(db, use_tables)
    with pytest.raises(QueryError, match="cannot be subtracted from a timedelta"):
        _ = datetime.timedelta(days=1) - DConcert.starts
    with pytest.raises(InvalidValue):
        await DConcert.update({DConcert.starts: DConcert.starts + 5}, force=True)
    with pytest.raises(InvalidValue):
        await DConcert.update({DConcert.day: DConcert.day - "1 day"}, force=True)
    assert (await _row("a"))["starts"] == STARTS
