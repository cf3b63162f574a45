"""``objects()`` and row instances against real databases, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Boolean, ForeignKey, Integer, Text, Timestamp, Varchar
from vivace.engine import Engine
from vivace.exceptions import QueryError

UPDATED = datetime.datetime(2000, 1, 1)


def now() -> datetime.datetime:
    return datetime.datetime.now().replace(microsecond=0)


class OManager(Table, tablename="o_manager"):
    name = Varchar(length=50)


class OBand(Table, tablename="o_band"):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(OManager)
    popularity = Integer()
    genre = Varchar(length=20, default="rock")
    active = Boolean(default=True)
    notes = Text(null=True)
    label = Varchar(length=20, default=lambda: "label-" + "x")
    edited = Integer(default=0, auto_update=1)
    updated_on = Timestamp(default=UPDATED, auto_update=now)


class OConcert(Table, tablename="o_concert"):
    band = ForeignKey(OBand)
    venue = Varchar(length=50)


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    await use_tables(db, OManager, OBand, OConcert)
    guido, graydon = OManager(name="Guido"), OManager(name="Graydon")
    await OManager.insert(guido, graydon)
    bands = {
        "Pythonistas": OBand(name="Pythonistas", manager=guido, popularity=1000),
        "Rustaceans": OBand(name="Rustaceans", manager=graydon, popularity=800),
        "CSharp": OBand(name="CSharp", popularity=10),
    }
    await OBand.insert(*bands.values())
    concert = OConcert(band=bands["Pythonistas"], venue="Arena")
    lonely = OConcert(band=None, venue="Nowhere")
    await OConcert.insert(concert, lonely)
    return {"guido": guido, "graydon": graydon, "concert": concert, "lonely": lonely, **bands}


# reading ---------------------------------------------------------------------------------------


async def test_objects_returns_instances(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    bands = await OBand.objects().order_by(OBand.id)
    assert [type(b) for b in bands] == [OBand, OBand, OBand]
    first = bands[0]
    assert first.id == s["Pythonistas"].id
    assert first.name == "Pythonistas"
    assert first.manager == s["guido"].id  # not prefetched: the key's value
    assert first.popularity == 1000
    assert first.genre == "rock"
    assert first.active is True
    assert first.notes == ""  # nullable, not given: Text's default (Piccolo)
    assert first.updated_on == UPDATED
    assert bands[2].manager is None
    assert first._exists_in_db is True


async def test_objects_clauses(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    bands = await OBand.objects().where(OBand.popularity > 100).order_by(OBand.popularity)
    assert [b.name for b in bands] == ["Rustaceans", "Pythonistas"]
    bands = await OBand.objects().order_by(OBand.popularity, ascending=False).limit(2)
    assert [b.name for b in bands] == ["Pythonistas", "Rustaceans"]
    bands = await OBand.objects().order_by(OBand.popularity).limit(5).offset(1)
    assert [b.name for b in bands] == ["Rustaceans", "Pythonistas"]
    bands = await OBand.objects().order_by(OBand.popularity).limit(1).offset(1)
    assert [b.name for b in bands] == ["Rustaceans"]
    band = await OBand.objects().order_by(OBand.popularity).first()
    assert isinstance(band, OBand) and band.name == "CSharp"
    assert await OBand.objects().where(OBand.popularity < 0).first() is None
    # conditions through a join
    bands = await OBand.objects().where(OBand.manager.name == "Guido")
    assert [b.name for b in bands] == ["Pythonistas"]


async def test_objects_get(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = await OBand.objects().get(OBand.name == "Rustaceans")
    assert isinstance(band, OBand)
    assert band.id == s["Rustaceans"].id and band.popularity == 800
    # As in Piccolo, a row get_or_create() did not give says None (neither found nor made).
    assert band._was_created is None and OBand(name="x")._was_created is None
    assert await OBand.objects().get(OBand.name == "nobody") is None
    # get() combines with an earlier where()
    assert (
        await OBand.objects().where(OBand.popularity > 900).get(OBand.name == "Rustaceans") is None
    )
    band = await OBand.objects(OBand.manager).get(OBand.name == "Rustaceans")
    assert band is not None and band.manager.name == "Graydon"


async def test_get_or_create(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    band = await OBand.objects().get_or_create(
        OBand.name == "Newcomers", defaults={OBand.popularity: 7, "genre": "jazz"}
    )
    assert band._was_created is True
    assert isinstance(band.id, int)
    assert (band.name, band.popularity, band.genre) == ("Newcomers", 7, "jazz")
    assert band.active is True  # column defaults apply to what is not given
    stored = await OBand.select(OBand.name, OBand.popularity, OBand.genre).where(
        OBand.id == band.id
    )
    assert stored == [{"name": "Newcomers", "popularity": 7, "genre": "jazz"}]
    # the second time it is found, not made again (defaults are not applied to it)
    again = await OBand.objects().get_or_create(
        OBand.name == "Newcomers", defaults={OBand.popularity: 99}
    )
    assert again._was_created is False
    assert again.id == band.id and again.popularity == 7
    assert await OBand.count().where(OBand.name == "Newcomers") == 1
    # an existing seeded row
    found = await OBand.objects().get_or_create(OBand.name == "CSharp")
    assert found._was_created is False and found.popularity == 10
    # several equalities ANDed give the new row's values
    made = await OBand.objects().get_or_create(
        (OBand.name == "Duo") & (OBand.popularity == 2) & (OBand.genre == "pop")
    )
    assert made._was_created is True
    row = await OBand.select(OBand.name, OBand.popularity, OBand.genre).where(OBand.id == made.id)
    assert row == [{"name": "Duo", "popularity": 2, "genre": "pop"}]
    assert await OBand.count() == 5
    # IS NULL fixes the column to None too (Piccolo's And.get_column_values)
    condition = (OBand.name == "Quiet") & OBand.notes.is_null() & (OBand.popularity > 0)
    assert condition.get_column_values() == {OBand.name: "Quiet", OBand.notes: None}
    quiet = await OBand.objects().get_or_create(
        (OBand.name == "Quiet") & OBand.notes.is_null() & (OBand.popularity == 1)
    )
    assert quiet._was_created is True and quiet.notes is None and quiet.popularity == 1


async def test_get_or_create_with_prefetch(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = await OBand.objects(OBand.manager).get_or_create(OBand.name == "Pythonistas")
    assert band._was_created is False
    assert isinstance(band.manager, OManager) and band.manager.id == s["guido"].id


async def test_create(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = await OBand.objects().create(name="Created", popularity=5, manager=s["guido"])
    assert isinstance(band, OBand) and isinstance(band.id, int)
    assert band._exists_in_db is True
    rows = await OBand.select(OBand.name, OBand.popularity, OBand.manager.name, OBand.genre).where(
        OBand.id == band.id
    )
    assert rows == [{"name": "Created", "popularity": 5, "manager.name": "Guido", "genre": "rock"}]
    with pytest.raises(ValueError):
        await OBand.objects().create(nope=1)


# saving and changing ------------------------------------------------------------------------------


async def test_save_inserts_then_updates(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OManager, OBand)
    band = OBand(name="Saved", popularity=1)
    assert band.id is None and band._exists_in_db is False
    await band.save()
    assert isinstance(band.id, int) and band._exists_in_db is True
    first_id = band.id
    band.popularity = 2
    band.name = "Saved again"
    await band.save()
    assert band.id == first_id
    assert await OBand.count() == 1
    rows = await OBand.select(OBand.id, OBand.name, OBand.popularity)
    assert rows == [{"id": first_id, "name": "Saved again", "popularity": 2}]
    # an instance loaded from the database updates too
    loaded = await OBand.objects().first()
    assert loaded is not None
    loaded.popularity = 3
    await loaded.save()
    assert await OBand.count() == 1
    assert await OBand.select(OBand.popularity).output(as_list=True) == [3]


async def test_save_chosen_columns(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OManager, OBand)
    band = OBand(name="Original", popularity=1)
    await band.save()
    band.name = "Renamed"
    band.popularity = 100
    await band.save(columns=[OBand.name])
    assert await OBand.select(OBand.name, OBand.popularity) == [
        {"name": "Renamed", "popularity": 1}
    ]
    band.genre = "metal"
    await band.save(columns=["popularity", "genre"])
    assert await OBand.select(OBand.name, OBand.popularity, OBand.genre) == [
        {"name": "Renamed", "popularity": 100, "genre": "metal"}
    ]


async def test_save_with_related_instance(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OManager, OBand)
    manager = OManager(name="Guido")
    await manager.save()
    band = OBand(name="Pythonistas", manager=manager)
    await band.save()
    assert await OBand.select(OBand.manager.name) == [{"manager.name": "Guido"}]
    other = await OManager.objects().create(name="Other")
    band.manager = other
    await band.save()
    assert await OBand.select(OBand.manager.name) == [{"manager.name": "Other"}]


async def test_remove(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = s["CSharp"]
    await band.remove()
    assert await OBand.exists().where(OBand.name == "CSharp") is False
    assert await OBand.count() == 2
    assert band.id is None and band._exists_in_db is False
    # saving it again inserts it again
    await band.save()
    assert isinstance(band.id, int)
    assert await OBand.exists().where(OBand.name == "CSharp") is True
    with pytest.raises(QueryError):
        await OBand(name="never saved").remove()


async def test_refresh(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = s["Rustaceans"]
    await OBand.update({OBand.popularity: 5, OBand.genre: "folk"}).where(OBand.id == band.id)
    assert band.popularity == 800
    result = await band.refresh()
    assert result is band
    assert (band.popularity, band.genre, band.name) == (5, "folk", "Rustaceans")
    # only some columns
    await OBand.update({OBand.popularity: 6, OBand.genre: "blues"}).where(OBand.id == band.id)
    await band.refresh(columns=[OBand.popularity])
    assert (band.popularity, band.genre) == (6, "folk")
    await OBand.delete().where(OBand.id == band.id)
    with pytest.raises(ValueError):
        await band.refresh()


async def test_update_self(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = s["CSharp"]
    await band.update_self({OBand.popularity: OBand.popularity + 1})
    assert band.popularity == 11
    await band.update_self({OBand.popularity: OBand.popularity * 3, OBand.genre: "jazz"})
    assert (band.popularity, band.genre) == (33, "jazz")
    rows = await OBand.select(OBand.popularity, OBand.genre).where(OBand.id == band.id)
    assert rows == [{"popularity": 33, "genre": "jazz"}]
    # other rows are untouched
    assert await OBand.select(OBand.popularity).where(OBand.name == "Rustaceans") == [
        {"popularity": 800}
    ]


async def test_get_related(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    manager = await s["Pythonistas"].get_related(OBand.manager)
    assert isinstance(manager, OManager)
    assert manager.id == s["guido"].id and manager.name == "Guido"
    assert manager == s["guido"]
    assert await s["CSharp"].get_related(OBand.manager) is None
    band = await s["concert"].get_related("band")
    assert isinstance(band, OBand) and band.name == "Pythonistas"
    # a loaded instance too
    loaded = await OBand.objects().get(OBand.name == "Rustaceans")
    assert loaded is not None
    graydon = await loaded.get_related(OBand.manager)
    assert graydon is not None and graydon.name == "Graydon"
    with pytest.raises(QueryError):
        s["Pythonistas"].get_related(OBand.name)


async def test_prefetch(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    bands = await OBand.objects(OBand.manager).order_by(OBand.id)
    assert [type(b.manager) for b in bands] == [OManager, OManager, OManager]
    guido = bands[0].manager
    assert (guido.id, guido.name) == (s["guido"].id, "Guido")
    assert guido._exists_in_db is True
    assert bands[1].manager.name == "Graydon"
    assert bands[2].manager.id is None  # no manager: Piccolo's row whose values are all None
    # the prefetched manager can be changed and saved
    guido.name = "Guido van Rossum"
    await guido.save()
    assert await OManager.select(OManager.name).where(OManager.id == s["guido"].id) == [
        {"name": "Guido van Rossum"}
    ]
    assert await OManager.count() == 2
    # and the band with it: its manager is stored as the key
    band = bands[0]
    band.popularity = 1
    await band.save()
    rows = await OBand.select(OBand.popularity, OBand.manager).where(OBand.id == band.id)
    assert rows == [{"popularity": 1, "manager": s["guido"].id}]
    # .prefetch() does the same
    again = await OBand.objects().prefetch(OBand.manager).where(OBand.name == "Rustaceans")
    assert isinstance(again[0].manager, OManager)


async def test_prefetch_through_two_keys(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    concerts = await OConcert.objects(OConcert.band.manager).order_by(OConcert.id)
    concert, lonely = concerts
    assert isinstance(concert.band, OBand) and concert.band.name == "Pythonistas"
    assert isinstance(concert.band.manager, OManager) and concert.band.manager.name == "Guido"
    assert concert.band.id == s["Pythonistas"].id
    assert lonely.band.id is None and lonely.band.manager.name is None  # Piccolo: all None


async def test_to_dict(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    band = await OBand.objects().get(OBand.name == "Pythonistas")
    assert band is not None
    data = band.to_dict()
    assert set(data) == {c._meta.name for c in OBand._meta.columns}
    assert data["name"] == "Pythonistas" and data["manager"] == s["guido"].id
    assert band.to_dict(OBand.name, OBand.popularity) == {"name": "Pythonistas", "popularity": 1000}
    # a prefetched row is a nested dict
    band = await OBand.objects(OBand.manager).get(OBand.name == "Pythonistas")
    assert band is not None
    assert band.to_dict()["manager"] == {"id": s["guido"].id, "name": "Guido"}


async def test_item_access(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    band = await OBand.objects().get(OBand.name == "Rustaceans")
    assert band is not None
    assert band["name"] == "Rustaceans" and band["popularity"] == 800
    band["popularity"] = 801
    assert band.popularity == 801
    await band.save()
    assert await OBand.select(OBand.popularity).where(OBand.id == band.id) == [{"popularity": 801}]
    with pytest.raises(KeyError):
        band["nope"] = 1


async def test_equality_by_primary_key(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    one = await OBand.objects().get(OBand.name == "CSharp")
    two = await OBand.objects().get(OBand.id == s["CSharp"].id)
    assert one is not two and one == two
    assert one == s["CSharp"]
    assert one != s["Rustaceans"]
    two.popularity = 12345  # values differ, the key is the same
    assert one == two
    assert len({one, two, s["CSharp"]}) == 1
    # rows never saved have no key: not equal to each other
    assert OBand(name="a") != OBand(name="a")
    # a row of another table with the same key is not equal
    manager = await OManager.objects().get(OManager.id == one.id)
    assert manager is None or manager != one


async def test_constructors(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OManager, OBand)
    by_column = OBand({OBand.name: "x", OBand.popularity: 3})
    assert (by_column.name, by_column.popularity) == ("x", 3)
    mixed = OBand({OBand.name: "y"}, popularity=4)
    assert (mixed.name, mixed.popularity) == ("y", 4)
    from_dict = OBand.from_dict({"name": "z", "popularity": 5})
    assert isinstance(from_dict, OBand) and (from_dict.name, from_dict.popularity) == ("z", 5)
    await OBand.insert(by_column, mixed, from_dict)
    rows = await OBand.select(OBand.name, OBand.popularity).order_by(OBand.popularity)
    assert rows == [
        {"name": "x", "popularity": 3},
        {"name": "y", "popularity": 4},
        {"name": "z", "popularity": 5},
    ]
    with pytest.raises(ValueError):
        OBand(name="x", nope=1)
    with pytest.raises(ValueError):
        OBand.from_dict({"name": "x", "nope": 1})


async def test_default_values_on_new_instances(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OManager, OBand)
    band = OBand()
    assert band.id is None
    assert band.name == ""
    assert band.manager is None
    assert band.popularity == 0
    assert band.genre == "rock"
    assert band.active is True
    assert band.notes == ""  # a nullable column keeps its type's default, as in Piccolo
    assert band.label == "label-x"
    assert band.edited == 0
    assert band.updated_on == UPDATED
    await band.save()
    stored = await OBand.select().where(OBand.id == band.id).first()
    assert stored is not None
    assert {k: v for k, v in stored.items() if k != "id"} == {
        "name": "",
        "manager": None,
        "popularity": 0,
        "genre": "rock",
        "active": True,
        "notes": "",
        "label": "label-x",
        "edited": 0,
        "updated_on": UPDATED,
    }
    # the database default applies to rows inserted without the column
    # (a callable default is Python's only: the raw insert gives `label` itself)
    await OBand.raw(
        "INSERT INTO o_band (name, popularity, label) VALUES ({}, {}, {})", "raw", 1, "l"
    )
    row = await OBand.select(OBand.genre, OBand.active, OBand.notes).where(OBand.name == "raw")
    assert row == [{"genre": "rock", "active": True, "notes": ""}]


async def test_auto_update(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OManager, OBand)
    band = OBand(name="Auto")
    await band.save()
    assert band.updated_on == UPDATED and band.edited == 0  # an insert keeps the defaults
    before = now()
    band.popularity = 1
    await band.save()
    assert band.edited == 1
    assert band.updated_on >= before
    row = await OBand.select(OBand.edited, OBand.updated_on).where(OBand.id == band.id).first()
    assert row is not None and row["edited"] == 1 and row["updated_on"] >= before
    # save(columns=...) still sets them
    await OBand.update({OBand.edited: 0, OBand.updated_on: UPDATED}, use_auto_update=False).where(
        OBand.id == band.id
    )
    await band.save(columns=[OBand.name])
    row = await OBand.select(OBand.edited, OBand.updated_on).where(OBand.id == band.id).first()
    assert row is not None and row["edited"] == 1 and row["updated_on"] >= before
    # an update query sets them too, unless told not to
    await OBand.update({OBand.edited: 0, OBand.updated_on: UPDATED}, use_auto_update=False).where(
        OBand.id == band.id
    )
    await OBand.update({OBand.popularity: 2}).where(OBand.id == band.id)
    row = await OBand.select(OBand.edited, OBand.updated_on).where(OBand.id == band.id).first()
    assert row is not None and row["edited"] == 1 and row["updated_on"] >= before
    # update_self as well
    await OBand.update({OBand.edited: 0}, use_auto_update=False).where(OBand.id == band.id)
    await band.update_self({OBand.popularity: OBand.popularity + 1})
    row = await OBand.select(OBand.edited, OBand.popularity).where(OBand.id == band.id).first()
    assert row == {"edited": 1, "popularity": 3}


async def test_objects_output_load_json_and_callbacks(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    names = (
        await OBand.objects()
        .order_by(OBand.popularity)
        .callback(lambda bands: [b.name for b in bands])
    )
    assert names == ["CSharp", "Rustaceans", "Pythonistas"]
    query = OBand.objects()
    narrowed = query.where(OBand.popularity > 900)
    assert len(await query) == 3 and len(await narrowed) == 1
