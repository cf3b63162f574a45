"""Piccolo behaviours, pinned: each case runs a Piccolo-style program on SQLite and PostgreSQL
and asserts the exact result Piccolo 1.x gives (checked by running the same program on
Piccolo); the comment on each test names the Piccolo behaviour it pins."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Integer, Varchar
from vivace.engine import Engine
from vivace.exceptions import DeletionError, QueryError, UpdateError


class ParManager(Table, tablename="par_manager"):
    name = Varchar(length=50, db_column_name="mname")


class ParBand(Table, tablename="par_band"):
    name = Varchar(length=50, db_column_name="bname")
    manager = ForeignKey(ParManager, null=True, db_column_name="manager_fk")
    popularity = Integer()


class ParConcert(Table, tablename="par_concert"):
    band_1 = ForeignKey(ParBand)
    band_2 = ForeignKey(ParBand, null=True)


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    await use_tables(db, ParManager, ParBand, ParConcert)
    guido, yuki = ParManager(name="Guido"), ParManager(name="Yukihiro")
    await ParManager.insert(guido, yuki)
    py = ParBand(name="Pythonistas", manager=guido, popularity=1000)
    rb = ParBand(name="Rubyists", manager=yuki, popularity=500)
    solo = ParBand(name="Solo", popularity=1)
    await ParBand.insert(py, rb, solo)
    concert = ParConcert(band_1=py, band_2=rb)
    await concert.save()
    return {"guido": guido, "py": py, "rb": rb, "solo": solo, "concert": concert}


# db_column_name ------------------------------------------------------------------------------
async def test_db_column_name_is_the_result_key(db: Engine, use_tables: UseTables) -> None:
    # Piccolo keys select results by the database column names, joins included.
    await seed(db, use_tables)
    query = ParBand.select().where(ParBand.name == "Pythonistas")
    assert await query == [{"id": 1, "bname": "Pythonistas", "manager_fk": 1, "popularity": 1000}]
    joined = ParBand.select(ParBand.name, ParBand.manager.name, ParBand.manager)
    assert await joined.where(ParBand.manager.name == "Guido") == [
        {"bname": "Pythonistas", "manager_fk.mname": "Guido", "manager_fk": 1}
    ]
    nested = ParBand.select(ParBand.name, ParBand.manager.name).output(nested=True)
    assert await nested.where(ParBand.id == 1) == [
        {"bname": "Pythonistas", "manager_fk": {"mname": "Guido"}}
    ]
    everything = ParBand.select(ParBand.manager.all_columns()).where(ParBand.id == 2)
    assert await everything == [{"manager_fk.id": 2, "manager_fk.mname": "Yukihiro"}]
    assert await ParBand.select(ParBand.name.as_alias("n")).where(ParBand.id == 3) == [
        {"n": "Solo"}
    ]


async def test_db_column_name_in_writes(db: Engine, use_tables: UseTables) -> None:
    # update/insert/delete ... returning give database names; objects and save use attributes.
    s = await seed(db, use_tables)
    changed = ParBand.update({ParBand.name: "Py"}).where(ParBand.name == "Pythonistas")
    assert await changed.returning(ParBand.name) == [{"bname": "Py"}]
    new = ParBand(name="X", manager=s["guido"])
    assert await ParBand.insert(new).returning(ParBand.name) == [{"bname": "X"}]
    assert await ParBand.delete().where(ParBand.name == "X").returning(ParBand.name) == [
        {"bname": "X"}
    ]
    band = await ParBand.objects(ParBand.manager).get(ParBand.name == "Py")
    assert band is not None
    assert band.to_dict() == {
        "id": 1,
        "name": "Py",
        "manager": {"id": 1, "name": "Guido"},
        "popularity": 1000,
    }
    band.manager = s["guido"].id
    band.name = "Py4"
    await band.save()
    await band.save([ParBand.popularity])
    await band.refresh()
    assert band.to_dict() == {"id": 1, "name": "Py4", "manager": 1, "popularity": 1000}
    await band.update_self({ParBand.popularity: ParBand.popularity + 1})
    assert band.popularity == 1001
    manager = await band.get_related(ParBand.manager)
    assert manager is not None and manager.name == "Guido"


# objects().get / get_or_create with prefetch -------------------------------------------------
async def test_get_and_get_or_create_prefetch(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: objects().get(...).prefetch(...) and get_or_create(...).prefetch(...).
    await seed(db, use_tables)
    band = await ParBand.objects().get(ParBand.name == "Pythonistas").prefetch(ParBand.manager)
    assert band is not None and band.manager.name == "Guido"
    found = (
        await ParBand.objects().get_or_create(ParBand.name == "Rubyists").prefetch(ParBand.manager)
    )
    assert (found.manager.name, found._was_created) == ("Yukihiro", False)
    made = (
        await ParBand.objects()
        .get_or_create(ParBand.name == "New", defaults={ParBand.manager: 1, ParBand.popularity: 3})
        .prefetch(ParBand.manager)
    )
    assert (made.manager.name, made._was_created, made.popularity) == ("Guido", True, 3)
    assert made.id == (await ParBand.select(ParBand.id).where(ParBand.name == "New"))[0]["id"]


# refresh ---------------------------------------------------------------------------------------
async def test_refresh_updates_prefetched_rows_at_any_depth(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo's refresh() reloads prefetched related objects too, at any depth.
    await seed(db, use_tables)
    concert = await ParConcert.objects(ParConcert.band_1.manager, ParConcert.band_2).first()
    assert concert is not None
    await ParManager.update({ParManager.name: "G2"}).where(ParManager.name == "Guido")
    await ParBand.update({ParBand.popularity: 7}).where(ParBand.name == "Pythonistas")
    await ParBand.update({ParBand.popularity: 8}).where(ParBand.name == "Rubyists")
    assert await concert.refresh() is concert
    assert concert.band_1.manager.name == "G2"
    assert (concert.band_1.popularity, concert.band_2.popularity) == (7, 8)
    # A prefetched row whose key is now NULL becomes None.
    await ParBand.update({ParBand.manager: None}).where(ParBand.name == "Pythonistas")
    await concert.refresh()
    assert concert.band_1.manager is None
    # Chosen columns only.
    band = await ParBand.objects().get(ParBand.name == "Rubyists")
    assert band is not None
    band.popularity = 0
    await ParBand.update({ParBand.name: "Ruby"}).where(ParBand.id == band.id)
    await band.refresh([ParBand.name])
    assert (band.name, band.popularity) == ("Ruby", 0)


async def test_refresh_errors(db: Engine, use_tables: UseTables) -> None:
    # Piccolo's ValueErrors and messages.
    await seed(db, use_tables)
    with pytest.raises(ValueError, match=re.escape("The instance doesn't exist in the database.")):
        await ParBand(name="unsaved").refresh()
    band = await ParBand.objects().get(ParBand.name == "Solo")
    assert band is not None
    await ParBand.delete().where(ParBand.name == "Solo")
    with pytest.raises(
        ValueError, match=re.escape("The object doesn't exist in the database any more.")
    ):
        await band.refresh()
    with pytest.raises(ValueError, match="We can't currently selectively refresh"):
        band.refresh([ParBand.manager.name])
    band.id = None  # type: ignore[assignment]
    with pytest.raises(
        ValueError, match=re.escape("The instance's primary key value isn't defined.")
    ):
        await band.refresh()


# update().values(), force ----------------------------------------------------------------------
async def test_update_values(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: Band.update().values({...} | **kwargs | {"name": ...}); no values fails at run.
    await seed(db, use_tables)
    where = ParBand.name == "Rubyists"
    assert await ParBand.update().values({ParBand.popularity: 11}).where(where) == []
    await ParBand.update().values(popularity=12).where(where)
    query = ParBand.update().values({"popularity": 13}).where(where)
    assert await query.returning(ParBand.popularity) == [{"popularity": 13}]
    both = ParBand.update({ParBand.popularity: 1}).values(popularity=14, name="Rb")
    assert await both.where(where).returning(ParBand.name, ParBand.popularity) == [
        {"bname": "Rb", "popularity": 14}
    ]
    with pytest.raises(ValueError, match=re.escape("No values were specified to update.")):
        await ParBand.update().where(ParBand.name == "Rb")
    with pytest.raises(
        QueryError, match=re.escape("Related values can't be updated via an update.")
    ):
        ParBand.update().values({ParBand.manager.name: "x"})


async def test_force_errors(db: Engine, use_tables: UseTables) -> None:
    # Piccolo's UpdateError / DeletionError messages for a statement without where().
    await seed(db, use_tables)
    with pytest.raises(UpdateError, match=r"Do you really want to update all rows in ParBand\?"):
        await ParBand.update({ParBand.popularity: 0})
    with pytest.raises(DeletionError, match=r"use ParBand.delete\(force=True\)"):
        await ParBand.delete()
