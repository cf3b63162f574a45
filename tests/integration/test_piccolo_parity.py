"""Piccolo behaviours, pinned: each case runs a Piccolo-style program on SQLite and PostgreSQL
and asserts the exact result Piccolo 1.x gives (checked by running the same program on
Piccolo); the comment on each test names the Piccolo behaviour it pins."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from datetime import UTC
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb, update_returning
from vivace import Table
from vivace.columns import ForeignKey, Integer, Readable, Timestamptz, Varchar
from vivace.engine import Engine
from vivace.exceptions import DeletionError, DistinctOnError, QueryError, UpdateError
from vivace.functions import AtTimeZone, Coalesce, Lower, NullIf, Upper
from vivace.orm.select import LockStrength
from vivace.query import QueryString


class ParManager(Table, tablename="par_manager"):
    name = Varchar(length=50, db_column_name="mname")


class ParBand(Table, tablename="par_band"):
    name = Varchar(length=50, db_column_name="bname")
    manager = ForeignKey(ParManager, null=True, db_column_name="manager_fk")
    popularity = Integer()


class ParConcert(Table, tablename="par_concert"):
    band_1 = ForeignKey(ParBand)
    band_2 = ForeignKey(ParBand, null=True)


class ParEvent(Table, tablename="par_event"):
    starts = Timestamptz()


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
    reread = ParBand.select(ParBand.name).where(ParBand.name == "Py")  # MariaDB: no RETURNING
    assert await update_returning(db, changed, [ParBand.name], reread) == [{"bname": "Py"}]
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
    query = band.refresh([ParBand.name])
    assert [c._meta.name for c in query._columns] == ["name"]
    await query
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
    # MariaDB has no UPDATE ... RETURNING: the rows are read back with a select there.
    reread = ParBand.select(ParBand.popularity).where(where)
    assert await update_returning(db, query, [ParBand.popularity], reread) == [{"popularity": 13}]
    both = ParBand.update({ParBand.popularity: 1}).values(popularity=14, name="Rb").where(where)
    columns = [ParBand.name, ParBand.popularity]
    reread = ParBand.select(*columns).where(ParBand.name == "Rb")
    assert await update_returning(db, both, columns, reread) == [{"bname": "Rb", "popularity": 14}]
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


# count, ref, readables, to_dict, equality -----------------------------------------------------
async def test_count_distinct_over_several_columns(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: count(distinct=[a, b]) counts distinct pairs. (Piccolo's SQLite form
    # concatenates the values, so a pair holding NULL is not counted there; Vivace counts
    # it on both engines, as PostgreSQL does.)
    await seed(db, use_tables)
    await ParBand.insert(ParBand(name="Pythonistas", popularity=1000))
    assert await ParBand.count(distinct=[ParBand.name, ParBand.popularity]) == 3
    assert await ParBand.count().distinct([ParBand.name]) == 3
    assert await ParBand.count(ParBand.manager) == 2
    with pytest.raises(ValueError, match="Only specify `column` or `distinct`"):
        ParBand.count(ParBand.name, distinct=[ParBand.name])


async def test_ref_and_related_readable(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: Table.ref("manager.name"); _get_related_readable(fk) keyed "<fk>_readable",
    # an empty string for a row without one.
    await seed(db, use_tables)
    column = ParBand.ref("manager.name")
    assert await ParBand.select(column).order_by(ParBand.id) == [
        {"manager_fk.mname": "Guido"},
        {"manager_fk.mname": "Yukihiro"},
        {"manager_fk.mname": None},
    ]
    readable = ParBand._get_related_readable(ParBand.manager)
    assert await ParBand.select(ParBand.name, readable).order_by(ParBand.id) == [
        {"bname": "Pythonistas", "manager_readable": "1"},
        {"bname": "Rubyists", "manager_readable": "2"},
        {"bname": "Solo", "manager_readable": ""},
    ]


async def test_to_dict_with_nested_and_aliased_columns(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: to_dict(Band.name.as_alias("title")) renames; a joined column keeps its row.
    await seed(db, use_tables)
    band = await ParBand.objects(ParBand.manager).get(ParBand.name == "Pythonistas")
    assert band is not None
    assert band.to_dict(ParBand.name.as_alias("title"), ParBand.popularity) == {
        "title": "Pythonistas",
        "popularity": 1000,
    }
    assert band.to_dict(ParBand.manager.name) == {"manager": {"name": "Guido"}}
    assert band.to_dict(ParBand.id, ParBand.manager.name.as_alias("boss")) == {
        "id": 1,
        "manager": {"boss": "Guido"},
    }


def test_unsaved_rows_equal_only_themselves() -> None:
    # Piccolo: rows without a primary key value are equal only to themselves.
    one, other = ParBand(name="a"), ParBand(name="a")
    assert one == one
    assert one != other
    assert ParBand(id=3, name="a") == ParBand(id=3, name="b")
    assert ParBand(id=3) != ParManager(id=3)


# functions' result keys ----------------------------------------------------------------------
async def test_coalesce_and_nullif_keys(db: Engine, use_tables: UseTables) -> None:
    # Piccolo names COALESCE (via |) and NULLIF after their first column.
    await seed(db, use_tables)
    query = ParBand.select(ParBand.manager.name | "none").order_by(ParBand.id)
    assert await query == [
        {"manager_fk.mname": "Guido"},
        {"manager_fk.mname": "Yukihiro"},
        {"manager_fk.mname": "none"},
    ]
    nulled = ParBand.select(NullIf(ParBand.name, "Solo")).order_by(ParBand.id)
    assert await nulled == [{"bname": "Pythonistas"}, {"bname": "Rubyists"}, {"bname": None}]
    assert await ParBand.select(Coalesce(ParBand.manager, 0, alias="m")).order_by(ParBand.id) == [
        {"m": 1},
        {"m": 2},
        {"m": 0},
    ]


async def test_at_time_zone_key(postgres_db: Engine, use_tables: UseTables) -> None:
    # Piccolo keys AtTimeZone as its column; the zone may be a name, ZoneInfo or timedelta
    # (a POSIX-style offset, as Piccolo writes it: timedelta(hours=5) is UTC-5, like EST).
    await use_tables(postgres_db, ParEvent)
    await ParEvent.insert(ParEvent(starts=datetime.datetime(2024, 1, 1, 12, tzinfo=UTC)))
    for zone in ("Etc/GMT+5", zoneinfo.ZoneInfo("Etc/GMT+5"), datetime.timedelta(hours=5)):
        rows = await ParEvent.select(AtTimeZone(ParEvent.starts, zone))
        assert rows == [{"starts": datetime.datetime(2024, 1, 1, 7)}], zone


# distinct(on=...) and lock_rows() errors -------------------------------------------------------
async def test_distinct_on_errors(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: NotImplementedError on SQLite (MariaDB: the same, naming MariaDB);
    # DistinctOnError when the first order_by column is not the first `on` column;
    # ValueError when `on` is no sequence.
    await seed(db, use_tables)
    if not db.dialect.supports_distinct_on:
        title = "MariaDB" if on_mariadb(db) else "SQLite"
        with pytest.raises(NotImplementedError, match=f"^{title} doesn't support DISTINCT ON$"):
            ParBand.select(ParBand.name).distinct(on=[ParBand.name])
        return
    with pytest.raises(ValueError, match="`on` must be a sequence of `Column` instances"):
        ParBand.select(ParBand.name).distinct(on=ParBand.name)  # type: ignore[arg-type]
    for query in (
        ParBand.select(ParBand.name).distinct(on=[ParBand.name]),
        ParBand.select(ParBand.name).distinct(on=[ParBand.name]).order_by(ParBand.popularity),
    ):
        with pytest.raises(DistinctOnError, match="The first `order_by` column must match"):
            await query
    good = ParBand.select(ParBand.name).distinct(on=[ParBand.name]).order_by(ParBand.name)
    assert await good == [{"bname": "Pythonistas"}, {"bname": "Rubyists"}, {"bname": "Solo"}]


async def test_lock_rows_options(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: LockStrength values or their text; bad options raise before running;
    # SQLite raises NotImplementedError; MariaDB has FOR UPDATE and LOCK IN SHARE MODE only,
    # without OF: the others are refused before sending.
    await seed(db, use_tables)
    with pytest.raises(ValueError, match="'FOO' is not a valid LockStrength"):
        ParBand.select().lock_rows("FOO")
    with pytest.raises(TypeError, match="The nowait option cannot be used with skip_locked"):
        ParBand.select().lock_rows(nowait=True, skip_locked=True)
    with pytest.raises(TypeError, match="of must be a tuple of Table"):
        ParBand.select().lock_rows(of=[ParBand])  # type: ignore[arg-type]
    query = ParBand.select(ParBand.name).where(ParBand.id == 1)
    locked = query.lock_rows(LockStrength.no_key_update, skip_locked=True, of=(ParBand,))
    if not db.dialect.supports_lock_rows:  # SQLite: no row locks
        with pytest.raises(NotImplementedError, match="SQLite doesn't support row locking"):
            await locked
        return
    if on_mariadb(db):
        takes = re.escape("lock_rows() on mariadb takes one of ['SHARE', 'UPDATE']")
        with pytest.raises(QueryError, match=takes):
            await locked
        with pytest.raises(QueryError, match=takes):
            await query.lock_rows("key share")
        with pytest.raises(QueryError, match=re.escape("lock_rows(of=...) is not supported")):
            await query.lock_rows(of=(ParBand,))
        assert str(query.lock_rows(skip_locked=True)).endswith(" FOR UPDATE SKIP LOCKED")
        assert str(query.lock_rows("share", nowait=True)).endswith(" LOCK IN SHARE MODE NOWAIT")
        async with db.transaction():
            assert await query.lock_rows(skip_locked=True) == [{"bname": "Pythonistas"}]
            assert await query.lock_rows("share", nowait=True) == [{"bname": "Pythonistas"}]
        return
    async with db.transaction():
        assert await locked == [{"bname": "Pythonistas"}]
        assert await query.lock_rows("key share", nowait=True) == [{"bname": "Pythonistas"}]


# self-referencing keys, QueryString with functions inside -------------------------------------
class ParNode(Table, tablename="par_node"):
    name = Varchar(length=20)
    parent = ForeignKey("self", null=True)


async def test_self_referencing_key_joined_to_itself(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: a "self" foreign key joins its own table at any depth.
    await use_tables(db, ParNode)
    await ParNode.insert(ParNode(name="root"))
    await ParNode.insert(ParNode(name="child", parent=1))
    await ParNode.insert(ParNode(name="grandchild", parent=2))
    order = ParNode.id
    query = ParNode.select(ParNode.name, ParNode.parent.name, ParNode.parent.parent.name)
    assert await query.order_by(order) == [
        {"name": "root", "parent.name": None, "parent.parent.name": None},
        {"name": "child", "parent.name": "root", "parent.parent.name": None},
        {"name": "grandchild", "parent.name": "child", "parent.parent.name": "root"},
    ]
    nested = ParNode.select(ParNode.name, ParNode.parent.parent.name).output(nested=True)
    assert (await nested.order_by(order))[2] == {
        "name": "grandchild",
        "parent": {"parent": {"name": "root"}},
    }
    assert await ParNode.select(ParNode.name).where(ParNode.parent.parent.name == "root") == [
        {"name": "grandchild"}
    ]
    assert await ParNode.count().where(ParNode.parent.name == "child") == 1
    rows = await ParNode.objects(ParNode.parent.parent).order_by(order)
    assert rows[2].to_dict() == {
        "id": 3,
        "name": "grandchild",
        "parent": {"id": 2, "name": "child", "parent": {"id": 1, "name": "root", "parent": None}},
    }
    grand = await rows[2].get_related(ParNode.parent.parent)
    assert grand is not None and grand.name == "root"


async def test_functions_nested_in_query_strings(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: QueryString arguments may be functions (and joined columns), at any depth.
    await seed(db, use_tables)
    order = ParBand.id
    both = QueryString(
        "{} || '-' || {}", Upper(ParBand.name), Lower(ParBand.manager.name), alias="x"
    )
    assert await ParBand.select(both).order_by(order) == [
        {"x": "PYTHONISTAS-guido"},
        {"x": "RUBYISTS-yukihiro"},
        {"x": None},
    ]
    where = QueryString("{} = {}", Upper(ParBand.manager.name), "YUKIHIRO")
    assert await ParBand.select(ParBand.name).where(where) == [{"bname": "Rubyists"}]
    upper = Upper(QueryString("{} || 'x'", ParBand.name), alias="u")
    assert (await ParBand.select(upper).order_by(order))[0] == {"u": "PYTHONISTASX"}
    inner = QueryString("{} || {}", QueryString("upper({})", ParBand.name), "!", alias="y")
    assert (await ParBand.select(inner).order_by(order))[2] == {"y": "SOLO!"}
    by_length = ParBand.select(ParBand.name).order_by(
        QueryString("length({})", ParBand.name), ascending=False
    )
    assert (await by_length)[0] == {"bname": "Pythonistas"}


def test_piccolo_error_messages() -> None:
    # Messages Piccolo users match on: a bool in where(), an unknown column, a wrong row type.
    with pytest.raises(ValueError, match="A boolean value has been passed in to a where clause"):
        ParBand.select().where(ParBand.name is None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("Unrecognized columns - ['nme']")):
        ParBand(nme="x")
    with pytest.raises(TypeError, match="Incompatible type added"):
        ParBand.insert(ParManager(name="x"))  # type: ignore[arg-type]


class ParOnlyKey(Table, tablename="par_only_key"):
    pass


async def test_refresh_with_nothing_to_fetch(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: refreshing a row of a table with only its key has no columns to fetch.
    await use_tables(db, ParOnlyKey)
    row = ParOnlyKey()
    await row.save()
    assert "SELECT" in str(row.refresh())
    with pytest.raises(ValueError, match=re.escape("No columns to fetch.")):
        await row.refresh()


class ParThingOne(Table, tablename="par_thing_one"):
    name = Varchar(length=30)


class ParThingTwo(Table, tablename="par_thing_two"):
    name = Varchar(length=30)
    thing_one = ForeignKey(ParThingOne)


class ParThingThree(Table, tablename="par_thing_three"):
    name = Varchar(length=30)
    thing_two = ForeignKey(ParThingTwo)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="three name: %s - two name: %s - one name: %s",
            columns=[cls.name, cls.thing_two.name, cls.thing_two._.thing_one._.name],
        )


class ParThingFour(Table, tablename="par_thing_four"):
    name = Varchar(length=30)
    thing_three = ForeignKey(ParThingThree)


async def test_related_readable_through_a_chain(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: a readable whose columns follow keys, read from a key pointing at its table.
    await use_tables(db, ParThingOne, ParThingTwo, ParThingThree, ParThingFour)
    one = await ParThingOne.insert(ParThingOne(name="thing_one"))
    two = await ParThingTwo.insert(ParThingTwo(name="thing_two", thing_one=one[0]["id"]))
    three = await ParThingThree.insert(ParThingThree(name="thing_three", thing_two=two[0]["id"]))
    await ParThingFour.insert(ParThingFour(name="thing_four", thing_three=three[0]["id"]))
    readable = ParThingFour._get_related_readable(ParThingFour.thing_three)
    assert await ParThingFour.select(readable) == [
        {
            "thing_three_readable": (
                "three name: thing_three - two name: thing_two - one name: thing_one"
            )
        }
    ]


class ParTicket(Table, tablename="par_ticket"):
    concert = ForeignKey(ParConcert, null=False)
    price = Integer()


def test_more_piccolo_errors() -> None:
    # Piccolo's errors for bad clauses and rows, raised when called.
    with pytest.raises(TypeError, match="Limit must be an integer"):
        ParBand.select().limit("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Offset must be an integer"):
        ParBand.select().offset(1.5)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=re.escape("At least one column must be passed to order_by.")
    ):
        ParBand.select().order_by()
    with pytest.raises(ValueError, match=re.escape("Can only delete pre-existing rows with a PK.")):
        ParBand(name="x").remove()
    with pytest.raises(
        ValueError, match=re.escape("The `target` option must be provided with DO UPDATE.")
    ):
        ParBand.insert(ParBand(name="x")).on_conflict(action="DO UPDATE")
    with pytest.raises(ValueError, match="concert wasn't provided"):
        ParTicket(price=1)  # a NOT NULL key without a default


async def test_rows_take_database_column_names(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: Band(bname="x") sets the column whose db_column_name is "bname".
    await seed(db, use_tables)
    band = ParBand(bname="Named", popularity=3)
    assert band.name == "Named"
    await band.save()
    assert await ParBand.select(ParBand.name).where(ParBand.id == band.id) == [{"bname": "Named"}]
