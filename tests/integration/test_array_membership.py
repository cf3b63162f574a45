"""``Array.is_in``/``not_in`` compare whole arrays, as Piccolo's ``tags IN (...)`` does.

PostgreSQL refused the list bound as one array parameter ("could not find array type for
data type integer[]": ``= ANY`` of an array of arrays compares elements); each array is now
one parameter of the column's type, checked as the column's value, on PostgreSQL and SQLite
alike. MariaDB has no arrays: the tests assert that it refuses their tables, then skip."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table
from vivace.columns import Array, Integer, Varchar
from vivace.engine import Engine
from vivace.exceptions import InvalidValue, QueryError


class Genre(str, enum.Enum):
    rock = "rock"
    jazz = "jazz"


class AmSeats(Table, tablename="am_seats"):
    label = Varchar(length=10)
    seats = Array(Integer(), null=True)
    grid = Array(Array(Varchar()))
    genres = Array(Varchar(), choices=Genre)


async def labels(where: Any) -> list[str]:
    rows = await AmSeats.select(AmSeats.label).where(where).order_by(AmSeats.label)
    return [row["label"] for row in rows]


async def fill(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, AmSeats)
    await AmSeats.insert(
        AmSeats(label="a", seats=[1, 2], grid=[["x", "y"]], genres=["rock"]),
        AmSeats(label="b", seats=[3], grid=[], genres=["rock", "jazz"]),
        AmSeats(label="c", seats=[2, 1], grid=[["x"], ["y"]], genres=[]),
        AmSeats(label="d", seats=[], grid=[["y", "x"]], genres=["jazz"]),
        AmSeats(label="e", seats=None, grid=[], genres=[]),
    )


async def test_is_in_compares_whole_arrays(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    assert await labels(AmSeats.seats.is_in([[1, 2], [3]])) == ["a", "b"]
    assert await labels(AmSeats.seats.is_in([[1]])) == []  # an element is not the array
    assert await labels(AmSeats.seats.is_in([[]])) == ["d"]
    assert await labels(AmSeats.seats.is_in(([1, 2],))) == ["a"]  # any iterable of arrays
    assert await labels(AmSeats.grid.is_in([[["x", "y"]], [["x"], ["y"]]])) == ["a", "c"]
    assert await labels(AmSeats.genres.is_in([[Genre.rock, Genre.jazz]])) == ["b"]


async def test_not_in_compares_whole_arrays(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    # As SQL's NOT IN: the row holding NULL is in neither answer.
    assert await labels(AmSeats.seats.not_in([[1, 2], [3]])) == ["c", "d"]
    assert await labels(AmSeats.grid.not_in([[]])) == ["a", "c", "d"]
    assert await labels(AmSeats.genres.not_in([["rock"], []])) == ["b", "d"]


async def test_null_in_the_list_follows_sql(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    assert await labels(AmSeats.seats.is_in([None, [3]])) == ["b"]
    assert await labels(AmSeats.seats.not_in([None, [3]])) == []


async def test_is_in_a_select_of_arrays(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    chosen: Any = AmSeats.select(AmSeats.seats).where(AmSeats.label.is_in(["a", "d"]))
    assert await labels(AmSeats.seats.is_in(chosen)) == ["a", "d"]
    assert await labels(AmSeats.seats.not_in(chosen)) == ["b", "c"]


async def test_mistakes_get_the_same_error_everywhere(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    with pytest.raises(QueryError, match="must contain at least one value"):
        AmSeats.seats.is_in([])
    with pytest.raises(QueryError, match="not a string"):
        AmSeats.seats.not_in("12")
    # Elements instead of arrays: refused as values of the column, naming it.
    with pytest.raises(InvalidValue, match=r"am_seats\.seats"):
        await labels(AmSeats.seats.is_in([1, 2]))
    with pytest.raises(InvalidValue, match=r"am_seats\.seats"):
        await labels(AmSeats.seats.is_in([["one"]]))
