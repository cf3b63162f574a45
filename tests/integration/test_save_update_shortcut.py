"""``row.save(columns)`` of a stored row through the kept UPDATE (``vivace.orm.save_update``):
the same rows changed as by the general path, whatever the values, on every engine."""

from __future__ import annotations

import datetime
import enum

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Integer, Timestamp, Varchar
from vivace.engine import Engine
from vivace.exceptions import InvalidValue


class SaveManager(Table, tablename="save_manager"):
    name = Varchar(length=20)


class SaveBand(Table, tablename="save_band"):
    name = Varchar(length=20)
    popularity = Integer()
    manager = ForeignKey(SaveManager, null=True)


class SaveStamped(Table, tablename="save_stamped"):
    name = Varchar(length=20)
    edited = Timestamp(auto_update=datetime.datetime.now, null=True)


def _save_entries(db: Engine) -> list[object]:
    entries = db.compiled_cache.entries
    return [key for key in entries if type(key) is tuple and repr(key[0]) == "<save shape>"]


async def _rows(db: Engine) -> list[dict[str, object]]:
    return await SaveBand.select(SaveBand.id, SaveBand.name, SaveBand.popularity).order_by(
        SaveBand.id
    )


async def test_equal_values_never_swap_the_key_and_a_value(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, SaveManager, SaveBand)
    for name in ("a", "b", "c"):
        await SaveBand.insert(SaveBand(name=name, popularity=0))
    first = await SaveBand.objects().get(SaveBand.id == 1)
    assert first is not None
    db.compiled_cache.clear()
    # The key and the value are the same object (1): the order cannot be checked, nothing is kept.
    first.popularity = 1
    await first.save([SaveBand.popularity])
    assert _save_entries(db) == []
    first.popularity = 3  # now told apart: kept
    await first.save([SaveBand.popularity])
    assert len(_save_entries(db)) == 1
    first.popularity = 2  # through the kept statement: row 1 changes, not row 2
    await first.save([SaveBand.popularity])
    assert await _rows(db) == [
        {"id": 1, "name": "a", "popularity": 2},
        {"id": 2, "name": "b", "popularity": 0},
        {"id": 3, "name": "c", "popularity": 0},
    ]


async def test_columns_in_any_order_and_every_column(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, SaveManager, SaveBand)
    await SaveBand.insert(SaveBand(name="a", popularity=0), SaveBand(name="b", popularity=0))
    band = await SaveBand.objects().get(SaveBand.id == 2)
    assert band is not None
    db.compiled_cache.clear()
    for popularity, name in ((10, "x"), (20, "y")):
        band.popularity, band.name = popularity, name
        await band.save([SaveBand.popularity, SaveBand.name])
    band.name = "z"
    band.popularity = 30
    await band.save([SaveBand.name, SaveBand.popularity])
    band.name = "w"
    await band.save()  # every column but the key
    await band.save()
    assert await _rows(db) == [
        {"id": 1, "name": "a", "popularity": 0},
        {"id": 2, "name": "w", "popularity": 30},
    ]
    assert len(_save_entries(db)) == 3


async def test_values_it_does_not_take_go_the_general_way(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, SaveManager, SaveBand)
    manager = SaveManager(name="Guido")
    await manager.save()
    await SaveBand.insert(SaveBand(name="a", popularity=0))
    band = await SaveBand.objects().get(SaveBand.id == 1)
    assert band is not None

    class Level(enum.Enum):
        high = 100

    band.manager = manager  # a row: stored as its key
    band.popularity = Level.high  # type: ignore[assignment]  # an Enum member: its value
    await band.save([SaveBand.manager, "popularity"])
    assert await SaveBand.select(SaveBand.manager, SaveBand.popularity) == [
        {"manager": manager.id, "popularity": 100}
    ]
    band.popularity = "many"  # type: ignore[assignment]
    with pytest.raises(InvalidValue):
        await band.save([SaveBand.popularity])
    assert await SaveBand.select(SaveBand.popularity) == [{"popularity": 100}]


async def test_auto_update_columns_still_set(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, SaveStamped)
    row = SaveStamped(name="a")
    await row.save()
    assert row.edited is not None
    before = row.edited
    row.name = "b"
    await row.save([SaveStamped.name])
    stored = await SaveStamped.select(SaveStamped.name, SaveStamped.edited)
    assert stored[0]["name"] == "b"
    assert stored[0]["edited"] is not None and stored[0]["edited"] >= before
