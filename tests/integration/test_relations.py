"""Joins through foreign keys and objects with related rows, on SQLite and PostgreSQL alike.

Covers: joins at any depth (nulls in the chain) in select, where, order_by, group_by and
having; ``_`` typed access; ``all_columns``/``all_related``; nested output; self-referencing,
string and lazy targets; ``target_column``; on_delete/on_update; ``reverse()`` one-to-one;
``join_on``; prefetch of several keys and levels; ``get_related`` at any depth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import quoted
from vivace import Table
from vivace.columns import (
    ForeignKey,
    Integer,
    LazyTableReference,
    Numeric,
    OnDelete,
    OnUpdate,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import ForeignKeyViolation, QueryError
from vivace.sql import FunctionCall, Star


def count_all() -> Any:
    return FunctionCall("COUNT", (Star(),), default_alias="count")


class RelCountry(Table, tablename="rel_country"):
    name = Varchar(length=50)


class RelManager(Table, tablename="rel_manager"):
    name = Varchar(length=50)
    country = ForeignKey("RelCountry", on_delete=OnDelete.set_null)  # a string target


class RelBand(Table, tablename="rel_band"):
    name = Varchar(length=50, unique=True)
    # a lazy target
    manager = ForeignKey(
        LazyTableReference("RelManager", module_path=__name__), on_delete=OnDelete.set_null
    )
    popularity = Integer(default=0)


class RelVenue(Table, tablename="rel_venue"):
    name = Varchar(length=50)


class RelConcert(Table, tablename="rel_concert"):
    band_1 = ForeignKey(RelBand, on_delete=OnDelete.cascade)
    band_2 = ForeignKey(RelBand, on_delete=OnDelete.set_null)
    venue = ForeignKey(RelVenue, on_delete=OnDelete.restrict)


class RelTicket(Table, tablename="rel_ticket"):
    concert = ForeignKey(RelConcert, on_delete=OnDelete.cascade)
    price = Numeric(digits=(5, 2))


class RelFanClub(Table, tablename="rel_fan_club"):
    band = ForeignKey(RelBand, unique=True, on_delete=OnDelete.cascade)
    address = Varchar(length=100)


class RelPerson(Table, tablename="rel_person"):
    name = Varchar(length=50)
    parent = ForeignKey("self", on_delete=OnDelete.set_null)


class RelRecord(Table, tablename="rel_record"):
    code = Varchar(length=20, unique=True)
    title = Varchar(length=50)


class RelPressing(Table, tablename="rel_pressing"):
    # Points at a unique column that is not the primary key.
    record = ForeignKey(RelRecord, target_column="code", on_update=OnUpdate.cascade)
    copies = Integer(default=0)


MUSIC = (RelCountry, RelManager, RelBand, RelVenue, RelConcert, RelTicket, RelFanClub)


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    """Nulls at every level of Ticket -> Concert -> Band -> Manager -> Country."""
    await use_tables(db, *MUSIC)
    nl = RelCountry(name="Netherlands")
    await RelCountry.insert(nl)
    guido, nomad = RelManager(name="Guido", country=nl), RelManager(name="Nomad", country=None)
    await RelManager.insert(guido, nomad)
    pythonistas = RelBand(name="Pythonistas", manager=guido, popularity=1000)
    rustaceans = RelBand(name="Rustaceans", manager=nomad, popularity=800)
    solo = RelBand(name="Solo", manager=None, popularity=10)
    await RelBand.insert(pythonistas, rustaceans, solo)
    arena, club = RelVenue(name="Arena"), RelVenue(name="Club")
    await RelVenue.insert(arena, club)
    c1 = RelConcert(band_1=pythonistas, band_2=rustaceans, venue=arena)
    c2 = RelConcert(band_1=rustaceans, band_2=None, venue=club)
    c3 = RelConcert(band_1=solo, band_2=pythonistas, venue=arena)
    c4 = RelConcert(band_1=None, band_2=None, venue=None)
    await RelConcert.insert(c1, c2, c3, c4)
    tickets = [
        RelTicket(concert=c1, price=10),  # ... -> Guido -> Netherlands
        RelTicket(concert=c2, price=20),  # ... -> Nomad -> (no country)
        RelTicket(concert=c3, price=30),  # ... -> Solo -> (no manager)
        RelTicket(concert=c4, price=40),  # ... -> (no band)
        RelTicket(concert=None, price=50),  # (no concert)
    ]
    await RelTicket.insert(*tickets)
    await RelFanClub.insert(RelFanClub(band=pythonistas, address="1 Python Road"))
    return {
        "nl": nl,
        "guido": guido,
        "nomad": nomad,
        "pythonistas": pythonistas,
        "rustaceans": rustaceans,
        "solo": solo,
        "arena": arena,
        "club": club,
        "concerts": [c1, c2, c3, c4],
        "tickets": tickets,
    }


# joins at any depth ---


async def test_four_levels_with_nulls_in_the_chain(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    country = RelTicket.concert.band_1.manager.country.name
    rows = await RelTicket.select(
        RelTicket.price, RelTicket.concert.band_1.manager.name, country
    ).order_by(RelTicket.id)
    assert [r["concert.band_1.manager.country.name"] for r in rows] == [
        "Netherlands",
        None,
        None,
        None,
        None,
    ]
    assert [r["concert.band_1.manager.name"] for r in rows] == ["Guido", "Nomad", None, None, None]
    assert len(rows) == 5  # LEFT JOINs: no ticket is lost to a null on the way


async def test_deep_joins_in_where_order_by_group_by_having(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables)
    manager_name = RelTicket.concert.band_1.manager.name
    rows = await RelTicket.select(RelTicket.price).where(manager_name == "Guido")
    assert [str(r["price"]) for r in rows] == ["10.00"]
    rows = await RelTicket.select(RelTicket.price).where(
        RelTicket.concert.band_1.manager.country.is_null()
    )
    assert sorted(str(r["price"]) for r in rows) == ["20.00", "30.00", "40.00", "50.00"]
    rows = await (
        RelConcert.select(RelConcert.id, RelConcert.band_1.name)
        .where(RelConcert.band_1.is_not_null())
        .order_by(RelConcert.band_1.manager.name, ascending=False)
        .order_by(RelConcert.band_1.name)
    )
    # DESC puts NULL first on PostgreSQL and last on SQLite: compare the named ones only
    named = [r["band_1.name"] for r in rows if r["band_1.name"] != "Solo"]
    assert named == ["Rustaceans", "Pythonistas"]  # Nomad > Guido
    grouped = await (
        RelConcert.select(RelConcert.venue.name, count_all())
        .group_by(RelConcert.venue.name)
        .having(count_all() > 1)
    )
    assert grouped == [{"venue.name": "Arena", "count": 2}]
    grouped = await (
        RelTicket.select(RelTicket.concert.band_1.manager.country.name, count_all())
        .group_by(RelTicket.concert.band_1.manager.country.name)
        .having(RelTicket.concert.band_1.manager.country.name.is_not_null())
    )
    assert grouped == [{"concert.band_1.manager.country.name": "Netherlands", "count": 1}]


async def test_two_keys_to_one_table_join_apart(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await (
        RelConcert.select(RelConcert.band_1.name, RelConcert.band_2.name)
        .where(RelConcert.band_2.name == "Pythonistas")
        .order_by(RelConcert.id)
    )
    assert rows == [{"band_1.name": "Solo", "band_2.name": "Pythonistas"}]
    rows = await RelConcert.select(
        RelConcert.band_1.manager.name, RelConcert.band_2.manager.name
    ).where(RelConcert.id == 1)
    assert rows == [{"band_1.manager.name": "Guido", "band_2.manager.name": "Nomad"}]


async def test_joins_are_deduplicated_with_stable_aliases(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables)
    query = (
        RelConcert.select(RelConcert.band_1.name, RelConcert.band_1.manager.name)
        .where(RelConcert.band_1.manager.name == "Guido")
        .order_by(RelConcert.band_1.name)
    )
    sql = str(query)
    assert sql.count("LEFT JOIN") == 2
    assert f"AS {quoted(db, 'band_1')}" in sql and f"AS {quoted(db, 'band_1$manager')}" in sql
    assert await query == [{"band_1.name": "Pythonistas", "band_1.manager.name": "Guido"}]
    # the same path built again is the very same cached column
    assert RelConcert.band_1.manager.name is RelConcert.band_1.manager.name
    assert RelConcert.band_1.manager._.name is RelConcert.band_1.manager.name


async def test_typed_access_all_columns_and_all_related(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    rows = await RelBand.select(RelBand.name, RelBand.manager._.name).where(
        RelBand.manager._.name == "Guido"
    )
    assert rows == [{"name": "Pythonistas", "manager.name": "Guido"}]
    columns = RelBand.manager.all_columns(exclude=[RelManager.country])
    assert [c._meta.get_full_name() for c in columns] == ["manager.id", "manager.name"]
    rows = await RelBand.select(RelBand.name, *columns).where(RelBand.name == "Pythonistas")
    assert rows == [{"name": "Pythonistas", "manager.id": s["guido"].id, "manager.name": "Guido"}]
    assert RelBand.manager.all_columns(exclude=["name", "country"])[0]._meta.name == "id"
    assert [fk._meta.name for fk in RelConcert.all_related()] == ["band_1", "band_2", "venue"]
    assert [fk._meta.name for fk in RelConcert.all_related(exclude=["venue"])] == [
        "band_1",
        "band_2",
    ]
    deeper = RelTicket.concert.all_related(exclude=[RelConcert.venue])
    assert [fk._meta.get_full_name() for fk in deeper] == ["concert.band_1", "concert.band_2"]


async def test_nested_output_several_levels(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    rows = await (
        RelConcert.select(
            RelConcert.id,
            RelConcert.band_1.name,
            RelConcert.band_1.manager.name,
            RelConcert.band_1.manager.country.name,
            RelConcert.venue.name,
        )
        .order_by(RelConcert.id)
        .output(nested=True)
    )
    assert rows[0] == {
        "id": s["concerts"][0].id,
        "band_1": {
            "name": "Pythonistas",
            "manager": {"name": "Guido", "country": {"name": "Netherlands"}},
        },
        "venue": {"name": "Arena"},
    }
    assert rows[3]["band_1"] == {"name": None, "manager": {"name": None, "country": {"name": None}}}


async def test_string_paths_reach_the_same_joins(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await RelConcert.select("band_1.manager.name").where(RelConcert.id == 1)
    assert rows == [{"band_1.manager.name": "Guido"}]
    column = RelConcert._meta.get_column_by_name("band_1.manager.name")
    assert column is RelConcert.band_1.manager.name


async def test_long_join_paths_get_short_aliases(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, RelPerson)
    root = RelPerson(name="root")
    await RelPerson.insert(root)
    people = [root]
    for depth in range(1, 11):
        person = RelPerson(name=f"level {depth}", parent=people[-1])
        await RelPerson.insert(person)
        people.append(person)
    column: Any = RelPerson.parent
    for _ in range(9):
        column = column.parent
    far = column.name  # parent.parent. ... .name, ten joins: the alias is over 63 bytes
    assert len(far._meta.get_full_name()) > 63
    rows = await RelPerson.select(RelPerson.name, far).where(RelPerson.name == "level 10")
    assert rows == [{"name": "level 10", far._meta.get_full_name(): "root"}]
    assert await RelPerson.select(far).where(far == "root").first() == {
        far._meta.get_full_name(): "root"
    }


# self-references, targets, on_delete / on_update ---


async def test_self_referencing_key(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, RelPerson)
    grandma = RelPerson(name="Grandma")
    await RelPerson.insert(grandma)
    mum = RelPerson(name="Mum", parent=grandma)
    await RelPerson.insert(mum)
    kid = RelPerson(name="Kid", parent=mum)
    await RelPerson.insert(kid)
    rows = await RelPerson.select(
        RelPerson.name, RelPerson.parent.name, RelPerson.parent.parent.name
    ).order_by(RelPerson.id)
    assert rows == [
        {"name": "Grandma", "parent.name": None, "parent.parent.name": None},
        {"name": "Mum", "parent.name": "Grandma", "parent.parent.name": None},
        {"name": "Kid", "parent.name": "Mum", "parent.parent.name": "Grandma"},
    ]
    people = await RelPerson.objects(RelPerson.parent.parent).order_by(RelPerson.id)
    assert people[2].parent.name == "Mum" and people[2].parent.parent.name == "Grandma"
    assert people[1].parent.parent.id is None  # Piccolo: a row whose values are all None
    found = await kid.get_related(RelPerson.parent.parent)
    assert found is not None and found.name == "Grandma"
    # the reverse of a self-reference: a parent's (one) child
    rows = await RelPerson.select(RelPerson.name, RelPerson.parent.reverse().name).where(
        RelPerson.name == "Mum"
    )
    assert rows == [{"name": "Mum", "rel_person.name": "Kid"}]
    # on_delete=set_null
    await RelPerson.delete().where(RelPerson.name == "Mum")
    assert await RelPerson.select(RelPerson.parent).where(RelPerson.name == "Kid") == [
        {"parent": None}
    ]


async def test_target_column(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, RelRecord, RelPressing)
    first, second = RelRecord(code="A-1", title="First"), RelRecord(code="B-2", title="Second")
    await RelRecord.insert(first, second)
    pressing = RelPressing(record=second, copies=500)  # the instance stands for its code
    await RelPressing.insert(pressing)
    assert await RelPressing.select(RelPressing.record) == [{"record": "B-2"}]
    rows = await RelPressing.select(RelPressing.record.title, RelPressing.copies)
    assert rows == [{"record.title": "Second", "copies": 500}]
    q = db.dialect.quote  # "name", or name in backticks on MariaDB
    assert f"ON {q('rel_pressing')}.{q('record')} = {q('record')}.{q('code')}" in str(
        RelPressing.select(RelPressing.record.title)
    )
    assert await RelPressing.count().where(RelPressing.record == second) == 1
    # prefetch joins on the target column too
    loaded = await RelPressing.objects(RelPressing.record)
    assert isinstance(loaded[0].record, RelRecord) and loaded[0].record.title == "Second"
    # and saving with the prefetched instance stores its code
    loaded[0].copies = 600
    await loaded[0].save()
    assert await RelPressing.select(RelPressing.record, RelPressing.copies) == [
        {"record": "B-2", "copies": 600}
    ]
    related = await pressing.get_related(RelPressing.record)
    assert related is not None and related.title == "Second"
    # on_update=cascade follows a changed code
    await RelRecord.update({RelRecord.code: "B-3"}).where(RelRecord.code == "B-2")
    assert await RelPressing.select(RelPressing.record) == [{"record": "B-3"}]


async def test_on_delete_behaviours(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    # restrict: a venue with concerts cannot go
    with pytest.raises(ForeignKeyViolation):
        await RelVenue.delete().where(RelVenue.name == "Club")
    # set_null: band_2 is emptied; cascade: the concerts with it as band_1 go, and their tickets
    await RelBand.delete().where(RelBand.name == "Rustaceans")
    concerts = await RelConcert.select(RelConcert.id, RelConcert.band_2).order_by(RelConcert.id)
    assert concerts == [
        {"id": s["concerts"][0].id, "band_2": None},
        {"id": s["concerts"][2].id, "band_2": s["pythonistas"].id},
        {"id": s["concerts"][3].id, "band_2": None},
    ]
    assert await RelTicket.count() == 4
    # set_null one level up: the manager's country
    await RelCountry.delete().where(RelCountry.id == s["nl"].id)
    assert await RelManager.select(RelManager.country).where(RelManager.name == "Guido") == [
        {"country": None}
    ]


# reverse() and join_on ---


async def test_reverse_one_to_one(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    fan_club = RelFanClub.band.reverse()
    assert fan_club is RelFanClub.band.reverse()  # made once
    rows = await RelBand.select(RelBand.name, fan_club.address).order_by(RelBand.id)
    assert rows == [
        {"name": "Pythonistas", "rel_fan_club.address": "1 Python Road"},
        {"name": "Rustaceans", "rel_fan_club.address": None},
        {"name": "Solo", "rel_fan_club.address": None},
    ]
    rows = await RelBand.select(RelBand.name).where(fan_club.address.like("%Python%"))
    assert rows == [{"name": "Pythonistas"}]
    club = await s["pythonistas"].get_related(fan_club)
    assert isinstance(club, RelFanClub) and club.address == "1 Python Road"
    assert await s["solo"].get_related(fan_club) is None
    # a path reverses too: from a manager, through its band, to the fan club
    path = RelFanClub.band.manager.reverse()
    rows = await RelManager.select(RelManager.name, path.address).where(RelManager.name == "Guido")
    assert rows == [{"name": "Guido", "rel_band.rel_fan_club.address": "1 Python Road"}]
    club = await s["guido"].get_related(path)
    assert club is not None and club.address == "1 Python Road"
    # a reversed key prefetches: each band gets its fan club as `fan_club`
    bands = await RelBand.objects(fan_club).order_by(RelBand.id)
    assert isinstance(bands[0].rel_fan_club, RelFanClub)
    assert bands[0].rel_fan_club.address == "1 Python Road"
    assert bands[1].rel_fan_club.id is None  # none: a row of Nones, as Piccolo's prefetch
    bands[0].popularity = 5
    await bands[0].save()  # the prefetched row is no column of the band: saving ignores it
    assert await RelBand.select(RelBand.popularity).where(RelBand.id == bands[0].id) == [
        {"popularity": 5}
    ]


async def test_join_on_columns_without_a_foreign_key(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    # bands whose name is also a manager's name, joined on text
    await RelManager.insert(RelManager(name="Solo"))
    same_name = RelBand.name.join_on(RelManager.name)
    assert same_name is RelBand.name.join_on(RelManager.name)
    rows = await RelBand.select(RelBand.name, same_name.id).where(same_name.id.is_not_null())
    assert [r["name"] for r in rows] == ["Solo"]
    rows = await RelBand.select(RelBand.name, RelBand.id.join_on(RelFanClub.band).address).where(
        RelBand.name == "Pythonistas"
    )
    assert rows == [{"name": "Pythonistas", "rel_fan_club.address": "1 Python Road"}]
    # two joins to the same table on different columns stay apart
    other = RelBand.popularity.join_on(RelFanClub.band)
    sql = str(RelBand.select(RelBand.id.join_on(RelFanClub.band).address, other.address))
    assert sql.count("LEFT JOIN") == 2


# objects with related rows ---


async def test_prefetch_several_keys_at_once(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    concerts = await RelConcert.objects(
        RelConcert.band_1, RelConcert.band_2, RelConcert.venue
    ).order_by(RelConcert.id)
    first = concerts[0]
    assert isinstance(first.band_1, RelBand) and first.band_1.name == "Pythonistas"
    assert isinstance(first.band_2, RelBand) and first.band_2.name == "Rustaceans"
    assert isinstance(first.venue, RelVenue) and first.venue.name == "Arena"
    # A NULL key gives a row whose values are all None, as in Piccolo.
    assert isinstance(concerts[1].band_2, RelBand) and concerts[1].band_2.name is None
    assert [c.id for c in (concerts[3].band_1, concerts[3].band_2, concerts[3].venue)] == [None] * 3
    # all_related() is the same set
    again = await RelConcert.objects(*RelConcert.all_related()).order_by(RelConcert.id)
    assert [c.band_2 and c.band_2.name for c in again] == [
        "Rustaceans",
        None,
        "Pythonistas",
        None,
    ]
    assert again[0].band_1.id == s["pythonistas"].id


async def test_prefetch_nested_levels_and_save(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    tickets = await RelTicket.objects(
        RelTicket.concert.band_1.manager.country, RelTicket.concert.venue
    ).order_by(RelTicket.id)
    ticket = tickets[0]
    assert isinstance(ticket.concert, RelConcert)
    assert isinstance(ticket.concert.band_1, RelBand)
    assert isinstance(ticket.concert.band_1.manager, RelManager)
    assert ticket.concert.band_1.manager.country.name == "Netherlands"
    assert ticket.concert.venue.name == "Arena"
    # A NULL key gives a row whose values are all None, as in Piccolo, at every depth.
    assert tickets[1].concert.band_1.manager.country.id is None  # Nomad has no country
    assert tickets[2].concert.band_1.manager.name is None  # Solo has no manager
    assert tickets[3].concert.band_1.manager.country.name is None  # concert 4 has no band
    assert tickets[4].concert.id is None and tickets[4].concert.venue.name is None
    # nested instances are real rows: change and save them
    manager = ticket.concert.band_1.manager
    manager.name = "Guido van Rossum"
    await manager.save()
    assert await RelManager.select(RelManager.name).where(RelManager.id == s["guido"].id) == [
        {"name": "Guido van Rossum"}
    ]
    ticket.price = 11
    await ticket.save()  # its concert is stored as the key
    assert await RelTicket.select(RelTicket.concert).where(RelTicket.id == ticket.id) == [
        {"concert": s["concerts"][0].id}
    ]
    # the whole path of keys, through all_related
    concerts = await RelConcert.objects(RelConcert.band_1, *RelConcert.band_1.all_related()).where(
        RelConcert.id == s["concerts"][0].id
    )
    assert concerts[0].band_1.manager.name == "Guido van Rossum"


async def test_get_related_at_any_depth(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    ticket = s["tickets"][0]
    country = await ticket.get_related(RelTicket.concert.band_1.manager.country)
    assert isinstance(country, RelCountry) and country.name == "Netherlands"
    manager = await s["pythonistas"].get_related(RelBand.manager)
    assert manager is not None and manager.name == "Guido"
    assert await s["tickets"][2].get_related(RelTicket.concert.band_1.manager) is None
    assert await s["tickets"][4].get_related(RelTicket.concert.band_1) is None
    band = await s["concerts"][0].get_related("band_2")
    assert band is not None and band.name == "Rustaceans"
    with pytest.raises(QueryError):
        s["pythonistas"].get_related(RelBand.name)
    with pytest.raises(QueryError):
        s["pythonistas"].get_related(RelTicket.concert.band_1)


async def test_a_path_from_a_row_not_saved_is_refused(db: Engine, use_tables: UseTables) -> None:
    # The path is followed in the database from the row's key: for an unsaved row it read
    # None (no key) or another row's keys (a key given by hand), not this object's.
    s = await seed(db, use_tables)
    unsaved = RelTicket(concert=s["tickets"][0].concert)
    with pytest.raises(QueryError, match="doesn't exist in the database"):
        await unsaved.get_related(RelTicket.concert.band_1.manager)
    stranger = RelTicket(id=s["tickets"][2].id, concert=s["tickets"][0].concert)
    with pytest.raises(QueryError, match="doesn't exist in the database"):
        await stranger.get_related(RelTicket.concert.band_1.manager)


def shapes(*columns: Any) -> list[Any]:
    return [c._shape for c in columns]


@pytest.mark.parametrize(
    "build",
    [
        lambda: RelConcert.band_1.manager.name,
        lambda: RelBand.id.join_on(RelFanClub.band).address,
        lambda: RelFanClub.band.reverse().address,
    ],
)
def test_joined_columns_are_made_once(build: Callable[[], Any]) -> None:
    assert build() is build()
