"""Many-to-many relations (``M2M``) through an explicit joining table, on SQLite and PostgreSQL.

Select lists in one statement on PostgreSQL and with one extra query on SQLite;
``get_m2m``/``add_m2m``/``remove_m2m`` on rows; ``add_m2m`` is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb
from vivace import Table
from vivace.columns import (
    JSON,
    M2M,
    UUID,
    ForeignKey,
    Integer,
    LazyTableReference,
    Unique,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import QueryError


class M2MBand(Table, tablename="m2m_band"):
    name = Varchar(length=50)
    genres = M2M(LazyTableReference("M2MGenreToBand", module_path=__name__))


class M2MGenre(Table, tablename="m2m_genre"):
    name = Varchar(length=50)
    info = JSON(null=True)
    bands = M2M(LazyTableReference("M2MGenreToBand", module_path=__name__))


class M2MGenreToBand(Table, tablename="m2m_genre_to_band"):
    band = ForeignKey(M2MBand)
    genre = ForeignKey(M2MGenre)
    reason = Varchar(length=50, null=True)


class M2MCustomer(Table, tablename="m2m_customer"):
    id = UUID(primary_key=True)
    name = Varchar(length=50)
    concerts = M2M(LazyTableReference("M2MCustomerToConcert", module_path=__name__))


class M2MConcert(Table, tablename="m2m_concert"):
    id = UUID(primary_key=True)
    name = Varchar(length=50)
    customers = M2M(LazyTableReference("M2MCustomerToConcert", module_path=__name__))


class M2MCustomerToConcert(Table, tablename="m2m_customer_to_concert"):
    customer = ForeignKey(M2MCustomer)
    concert = ForeignKey(M2MConcert)
    seats = Integer(default=1)
    pair = Unique([customer, concert])


class M2MUser(Table, tablename="m2m_user"):
    name = Varchar(length=50)
    follows = M2M(LazyTableReference("M2MFollow", module_path=__name__))
    blocks = M2M(
        LazyTableReference("M2MBlock", module_path=__name__),
        foreign_key_columns=["blocker", "blocked"],
    )


class M2MFollow(Table, tablename="m2m_follow"):
    follower = ForeignKey(M2MUser)
    followed = ForeignKey(M2MUser)


class M2MBlock(Table, tablename="m2m_block"):
    """Three keys to the same table: ``foreign_key_columns`` picks the two of the relation."""

    reporter = ForeignKey(M2MUser)
    blocker = ForeignKey(M2MUser)
    blocked = ForeignKey(M2MUser)


MUSIC = (M2MBand, M2MGenre, M2MGenreToBand)


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    await use_tables(db, *MUSIC)
    pythonistas, rustaceans, silent = (
        M2MBand(name="Pythonistas"),
        M2MBand(name="Rustaceans"),
        M2MBand(name="Silent"),  # no genres
    )
    await M2MBand.insert(pythonistas, rustaceans, silent)
    rock, folk, jazz = (
        M2MGenre(name="Rock", info={"loud": True}),
        M2MGenre(name="Folk"),
        M2MGenre(name="Jazz"),  # no bands
    )
    await M2MGenre.insert(rock, folk, jazz)
    await M2MGenreToBand.insert(
        M2MGenreToBand(band=pythonistas, genre=rock),
        M2MGenreToBand(band=pythonistas, genre=folk),
        M2MGenreToBand(band=rustaceans, genre=rock),
    )
    return {
        "pythonistas": pythonistas,
        "rustaceans": rustaceans,
        "silent": silent,
        "rock": rock,
        "folk": folk,
        "jazz": jazz,
    }


@pytest.fixture
def statements(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every statement the engine runs during the test."""
    sent: list[str] = []
    fetch, fetch_sql = db.fetch, db.fetch_sql

    async def counting_fetch(compiled: Any, values: Any) -> Any:
        sent.append(compiled.sql)
        return await fetch(compiled, values)

    async def counting_fetch_sql(sql: str, params: Any = ()) -> Any:
        sent.append(sql)
        return await fetch_sql(sql, params)

    monkeypatch.setattr(db, "fetch", counting_fetch)
    monkeypatch.setattr(db, "fetch_sql", counting_fetch_sql)
    yield sent


def extra_queries(db: Engine) -> int:
    return 0 if db.dialect.supports_row_aggregation else 1


# select ------------------------------------------------------------------------------------------


async def test_select_as_list(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await M2MBand.select(M2MBand.name, M2MBand.genres(M2MGenre.name, as_list=True)).order_by(
        M2MBand.id
    )
    assert rows == [
        {"name": "Pythonistas", "genres": ["Rock", "Folk"]},
        {"name": "Rustaceans", "genres": ["Rock"]},
        {"name": "Silent", "genres": []},
    ]
    # and from the other side of the same joining table
    rows = await M2MGenre.select(
        M2MGenre.name, M2MGenre.bands(M2MBand.name, as_list=True)
    ).order_by(M2MGenre.id)
    assert rows == [
        {"name": "Rock", "bands": ["Pythonistas", "Rustaceans"]},
        {"name": "Folk", "bands": ["Pythonistas"]},
        {"name": "Jazz", "bands": []},
    ]


async def test_select_several_and_all_columns(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    rows = await M2MBand.select(M2MBand.name, M2MBand.genres(M2MGenre.id, M2MGenre.name)).where(
        M2MBand.name == "Pythonistas"
    )
    assert rows == [
        {
            "name": "Pythonistas",
            "genres": [
                {"id": s["rock"].id, "name": "Rock"},
                {"id": s["folk"].id, "name": "Folk"},
            ],
        }
    ]
    rows = await M2MBand.select(M2MBand.genres(load_json=True)).where(M2MBand.name == "Rustaceans")
    assert rows == [{"genres": [{"id": s["rock"].id, "name": "Rock", "info": {"loud": True}}]}]
    rows = await M2MBand.select(M2MBand.genres()).where(M2MBand.name == "Rustaceans")
    assert isinstance(rows[0]["genres"][0]["info"], str)  # JSON text without load_json
    rows = await M2MBand.select(
        M2MBand.genres(M2MGenre.name, as_list=True, order_by=M2MGenre.name)
    ).where(M2MBand.name == "Pythonistas")
    assert rows == [{"genres": ["Folk", "Rock"]}]
    rows = await (
        M2MBand.select(M2MBand.name, M2MBand.genres(M2MGenre.name, as_list=True))
        .where(M2MBand.name == "Silent")
        .output(nested=True)
    )
    assert rows == [{"name": "Silent", "genres": []}]


async def test_select_query_count(db: Engine, use_tables: UseTables, statements: list[str]) -> None:
    await seed(db, use_tables)
    bands = [M2MBand(name=f"band {i}") for i in range(100)]
    await M2MBand.insert(*bands)
    genre = M2MGenre(name="Noise")
    await M2MGenre.insert(genre)
    await M2MGenreToBand.insert(*(M2MGenreToBand(band=b, genre=genre) for b in bands[::2]))
    statements.clear()
    rows = await M2MBand.select(M2MBand.name, M2MBand.genres(M2MGenre.name, as_list=True))
    assert len(statements) == 1 + extra_queries(db), statements
    assert len(rows) == 103
    assert sum(r["genres"] == ["Noise"] for r in rows) == 50
    statements.clear()
    loaded = await M2MBand.objects(M2MBand.genres)
    assert len(statements) == 1 + extra_queries(db)
    assert sum(len(b.genres) for b in loaded) == 53


async def test_dangling_joining_rows_are_skipped(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    await M2MGenreToBand.insert(M2MGenreToBand(band=s["silent"], genre=None))
    rows = await M2MBand.select(M2MBand.genres(M2MGenre.name, as_list=True)).where(
        M2MBand.name == "Silent"
    )
    assert rows == [{"genres": []}]
    assert await s["silent"].get_m2m(M2MBand.genres) == []


# rows --------------------------------------------------------------------------------------------


async def test_objects_and_get_m2m(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    bands = await M2MBand.objects(M2MBand.genres).order_by(M2MBand.id)
    assert [[g.name for g in b.genres] for b in bands] == [["Rock", "Folk"], ["Rock"], []]
    genre = bands[0].genres[0]
    assert type(genre) is M2MGenre and genre._exists_in_db and genre.id == s["rock"].id
    genres = await s["pythonistas"].get_m2m(M2MBand.genres)
    assert [g.name for g in genres] == ["Rock", "Folk"]
    assert all(type(g) is M2MGenre for g in genres)
    assert await s["silent"].get_m2m(M2MBand.genres) == []
    bands_of_rock = await s["rock"].get_m2m(M2MGenre.bands)
    assert [b.name for b in bands_of_rock] == ["Pythonistas", "Rustaceans"]
    # get_related takes an M2M too
    assert [g.name for g in await s["rustaceans"].get_related(M2MBand.genres)] == ["Rock"]


async def test_add_m2m_is_idempotent(
    db: Engine, use_tables: UseTables, statements: list[str]
) -> None:
    s = await seed(db, use_tables)
    added = await s["silent"].add_m2m(s["jazz"], m2m=M2MBand.genres)
    assert len(added) == 1
    statements.clear()
    again = await s["silent"].add_m2m(s["jazz"], m2m=M2MBand.genres)
    assert again == []
    assert len(statements) == 1, statements  # one select finds the pair; nothing is inserted
    both = await s["silent"].add_m2m(s["jazz"], s["folk"], s["folk"], m2m=M2MBand.genres)
    assert len(both) == 1  # jazz was linked already, folk is given twice
    pairs = await M2MGenreToBand.count().where(M2MGenreToBand.band == s["silent"])
    assert pairs == 2
    assert [g.name for g in await s["silent"].get_m2m(M2MBand.genres)] == ["Jazz", "Folk"]


async def test_add_m2m_saves_new_rows_and_extra_columns(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    punk = M2MGenre(name="Punk")
    await s["rustaceans"].add_m2m(
        punk, m2m=M2MBand.genres, extra_column_values={M2MGenreToBand.reason: "fast"}
    )
    assert punk._exists_in_db and punk.id is not None
    await s["rustaceans"].add_m2m(
        M2MGenre(name="Metal"), m2m=M2MBand.genres, extra_column_values={"reason": "loud"}
    )
    rows = (
        await M2MGenreToBand.select(M2MGenreToBand.genre.name, M2MGenreToBand.reason)
        .where(M2MGenreToBand.band == s["rustaceans"])
        .order_by(M2MGenreToBand.id)
    )
    assert rows == [
        {"genre.name": "Rock", "reason": ""},  # not given: Varchar's default, as Piccolo
        {"genre.name": "Punk", "reason": "fast"},
        {"genre.name": "Metal", "reason": "loud"},
    ]
    with pytest.raises(QueryError):
        M2MBand(name="unsaved").add_m2m(punk, m2m=M2MBand.genres).run_sync()
    with pytest.raises(QueryError):
        s["rustaceans"].add_m2m(s["pythonistas"], m2m=M2MBand.genres)  # not a genre
    with pytest.raises(QueryError):
        s["rustaceans"].add_m2m(punk, m2m=M2MGenre.bands)  # a relation of another table


async def test_remove_m2m(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    await s["pythonistas"].remove_m2m(s["rock"], m2m=M2MBand.genres)
    assert [g.name for g in await s["pythonistas"].get_m2m(M2MBand.genres)] == ["Folk"]
    # the genre itself stays, and so do other bands' links to it
    assert await M2MGenre.count().where(M2MGenre.name == "Rock") == 1
    assert [g.name for g in await s["rustaceans"].get_m2m(M2MBand.genres)] == ["Rock"]
    # removing what is not linked is fine
    await s["pythonistas"].remove_m2m(s["jazz"], m2m=M2MBand.genres)
    assert await M2MGenreToBand.count() == 2


async def test_uuid_keys_and_a_unique_pair(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, M2MCustomer, M2MConcert, M2MCustomerToConcert)
    ada, bob = M2MCustomer(name="Ada"), M2MCustomer(name="Bob")
    await M2MCustomer.insert(ada, bob)
    gig = M2MConcert(name="Gig")
    await M2MConcert.insert(gig)
    assert isinstance(ada.id, uuid.UUID)
    await ada.add_m2m(gig, M2MConcert(name="Fest"), m2m=M2MCustomer.concerts)
    await ada.add_m2m(gig, m2m=M2MCustomer.concerts, extra_column_values={"seats": 4})
    assert await M2MCustomerToConcert.count() == 2
    rows = await M2MCustomer.select(
        M2MCustomer.name, M2MCustomer.concerts(M2MConcert.name, as_list=True)
    ).order_by(M2MCustomer.name)
    assert rows == [{"name": "Ada", "concerts": ["Gig", "Fest"]}, {"name": "Bob", "concerts": []}]
    rows = await M2MConcert.select(M2MConcert.customers(M2MCustomer.id, as_list=True)).where(
        M2MConcert.name == "Gig"
    )
    assert rows == [{"customers": [ada.id]}]
    assert type(rows[0]["customers"][0]) is uuid.UUID
    # the unique pair makes the insert skip a link another task added meanwhile
    # (MariaDB has no ON CONFLICT: INSERT IGNORE skips a row that breaks a unique key)
    text = str(ada.add_m2m(gig, m2m=M2MCustomer.concerts))
    assert ("INSERT IGNORE INTO " if on_mariadb(db) else "ON CONFLICT") in text, text
    customers = await M2MConcert.objects(M2MConcert.customers).order_by(M2MConcert.name)
    assert [[c.name for c in k.customers] for k in customers] == [["Ada"], ["Ada"]]


async def test_self_referencing_m2m(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, M2MUser, M2MFollow, M2MBlock)
    ann, ben, cid = M2MUser(name="Ann"), M2MUser(name="Ben"), M2MUser(name="Cid")
    await M2MUser.insert(ann, ben, cid)
    await ann.add_m2m(ben, cid, m2m=M2MUser.follows)
    await ben.add_m2m(cid, m2m=M2MUser.follows)
    rows = await M2MUser.select(M2MUser.name, M2MUser.follows(M2MUser.name, as_list=True)).order_by(
        M2MUser.id
    )
    assert rows == [
        {"name": "Ann", "follows": ["Ben", "Cid"]},
        {"name": "Ben", "follows": ["Cid"]},
        {"name": "Cid", "follows": []},
    ]
    assert [u.name for u in await ann.get_m2m(M2MUser.follows)] == ["Ben", "Cid"]
    assert M2MUser.follows.primary_foreign_key._meta.name == "follower"
    assert M2MUser.follows.secondary_foreign_key._meta.name == "followed"
    # foreign_key_columns picks blocker/blocked over the first key, reporter
    await M2MBlock.insert(M2MBlock(reporter=ann, blocker=cid, blocked=ben))
    rows = await M2MUser.select(M2MUser.name, M2MUser.blocks(M2MUser.name, as_list=True)).where(
        M2MUser.name == "Cid"
    )
    assert rows == [{"name": "Cid", "blocks": ["Ben"]}]
    assert await ann.get_m2m(M2MUser.blocks) == []
