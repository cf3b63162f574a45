"""Reverse one-to-many relations (``ReverseForeignKey``), on SQLite and PostgreSQL alike.

Each parent's children come as a list: in the same statement on PostgreSQL, with one
extra ``IN`` query on SQLite, never one query per parent. The statement counter wraps
``engine.fetch`` and ``engine.fetch_sql`` to prove it.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    UUID,
    Array,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    LazyTableReference,
    Numeric,
    ReverseForeignKey,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import ConfigurationError, QueryError


class RevLabel(Table, tablename="rev_label"):
    name = Varchar(length=50)


class RevManager(Table, tablename="rev_manager"):
    name = Varchar(length=50)
    bands = ReverseForeignKey(LazyTableReference("RevBand", module_path=__name__))


class RevBand(Table, tablename="rev_band"):
    name = Varchar(length=50)
    manager = ForeignKey(RevManager)
    label = ForeignKey(RevLabel)
    popularity = Integer(default=0)
    headlining = ReverseForeignKey("RevConcert", foreign_key="band_1")
    supporting = ReverseForeignKey(
        LazyTableReference("RevConcert", module_path=__name__), foreign_key="band_2"
    )


class RevConcert(Table, tablename="rev_concert"):
    band_1 = ForeignKey(RevBand)
    band_2 = ForeignKey(RevBand)
    city = Varchar(length=50)


class RevPerson(Table, tablename="rev_person"):
    name = Varchar(length=50)
    parent = ForeignKey("self")
    children = ReverseForeignKey("self", foreign_key="parent")


class RevAlbum(Table, tablename="rev_album"):
    title = Varchar(length=50)
    tracks = ReverseForeignKey(LazyTableReference("RevTrack", module_path=__name__))
    tagged = ReverseForeignKey(LazyTableReference("RevTaggedTrack", module_path=__name__))


class RevTrack(Table, tablename="rev_track"):
    """One column of each kind whose values must survive the trip through the list."""

    album = ForeignKey(RevAlbum)
    title = Varchar(length=50)
    recorded = Timestamp(null=True)
    released = Timestamptz(null=True)
    length = Numeric(digits=(6, 2), null=True)
    code = UUID(null=True)
    explicit = Boolean(default=False)
    meta = JSON(null=True)
    cover = Bytea(null=True)


class RevTaggedTrack(Table, tablename="rev_tagged_track"):
    """Array values through the list (apart: MariaDB has no arrays)."""

    album = ForeignKey(RevAlbum)
    tags = Array(base_column=Varchar(length=20), null=True)
    scores = Array(base_column=Numeric(digits=(4, 1)), null=True)


TABLES = (RevLabel, RevManager, RevBand, RevConcert)


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    await use_tables(db, *TABLES)
    indie = RevLabel(name="Indie")
    await RevLabel.insert(indie)
    guido, graydon, idle = (
        RevManager(name="Guido"),
        RevManager(name="Graydon"),
        RevManager(name="Idle"),  # no bands
    )
    await RevManager.insert(guido, graydon, idle)
    bands = [
        RevBand(name="Pythonistas", manager=guido, label=indie, popularity=1000),
        RevBand(name="Rustaceans", manager=graydon, popularity=800),
        RevBand(name="Pythonettes", manager=guido, popularity=500),
        RevBand(name="Orphans", manager=None, popularity=1),
    ]
    await RevBand.insert(*bands)
    concerts = [
        RevConcert(band_1=bands[0], band_2=bands[1], city="Amsterdam"),
        RevConcert(band_1=bands[0], band_2=bands[2], city="Berlin"),
        RevConcert(band_1=bands[1], band_2=bands[0], city="Cairo"),
    ]
    await RevConcert.insert(*concerts)
    return {"guido": guido, "graydon": graydon, "idle": idle, "bands": bands, "indie": indie}


class Counter:
    """Counts the statements an engine is asked to run."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def counted(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    counter = Counter()
    fetch, fetch_sql = db.fetch, db.fetch_sql

    async def counting_fetch(compiled: Any, values: Any) -> Any:
        counter.statements.append(compiled.sql)
        return await fetch(compiled, values)

    async def counting_fetch_sql(sql: str, params: Any = ()) -> Any:
        counter.statements.append(sql)
        return await fetch_sql(sql, params)

    monkeypatch.setattr(db, "fetch", counting_fetch)
    monkeypatch.setattr(db, "fetch_sql", counting_fetch_sql)
    yield counter


def extra_queries(db: Engine) -> int:
    """0 where the database lists related rows in the same statement, else 1 per relation."""
    return 0 if db.dialect.supports_row_aggregation else 1


# select -------------------------------------------------------------------------------------------


async def test_select_children_as_list_empty_is_empty_list(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables)
    rows = await RevManager.select(
        RevManager.name, RevManager.bands(RevBand.name, as_list=True)
    ).order_by(RevManager.id)
    assert rows == [
        {"name": "Guido", "bands": ["Pythonistas", "Pythonettes"]},
        {"name": "Graydon", "bands": ["Rustaceans"]},
        {"name": "Idle", "bands": []},
    ]


async def test_select_children_as_dicts(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    rows = await RevManager.select(
        RevManager.name,
        RevManager.bands(RevBand.id, RevBand.name, RevBand.label.name),
    ).where(RevManager.name == "Guido")
    assert rows == [
        {
            "name": "Guido",
            "bands": [
                {"id": s["bands"][0].id, "name": "Pythonistas", "label.name": "Indie"},
                {"id": s["bands"][2].id, "name": "Pythonettes", "label.name": None},
            ],
        }
    ]
    # no columns: every column of the child table
    rows = await RevManager.select(RevManager.bands()).where(RevManager.name == "Graydon")
    assert rows == [
        {
            "bands": [
                {
                    "id": s["bands"][1].id,
                    "name": "Rustaceans",
                    "manager": s["graydon"].id,
                    "label": None,
                    "popularity": 800,
                }
            ]
        }
    ]


async def test_select_children_order_and_alias(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    bands = RevManager.bands(RevBand.name, as_list=True, order_by=RevBand.name, ascending=False)
    rows = await RevManager.select(bands.as_alias("acts")).where(RevManager.name == "Guido")
    assert rows == [{"acts": ["Pythonistas", "Pythonettes"]}]
    rows = await RevManager.select(
        RevManager.bands(RevBand.name, as_list=True, order_by=[RevBand.popularity])
    ).where(RevManager.name == "Guido")
    assert rows == [{"bands": ["Pythonettes", "Pythonistas"]}]
    # string column names
    rows = await RevManager.select(RevManager.bands("name", as_list=True)).where(
        RevManager.name == "Graydon"
    )
    assert rows == [{"bands": ["Rustaceans"]}]


async def test_select_children_with_output_and_clauses(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    query = RevManager.select(RevManager.id, RevManager.bands(RevBand.name, as_list=True)).order_by(
        RevManager.id
    )
    assert await query.first() == {"id": s["guido"].id, "bands": ["Pythonistas", "Pythonettes"]}
    assert await query.limit(1).offset(2) == [{"id": s["idle"].id, "bands": []}]
    listed = (
        await RevManager.select(RevManager.bands(RevBand.name, as_list=True))
        .order_by(RevManager.id)
        .output(as_list=True)
    )
    assert listed == [["Pythonistas", "Pythonettes"], ["Rustaceans"], []]
    nested = await (
        RevBand.select(RevBand.name, RevBand.manager.name, RevBand.headlining(RevConcert.city))
        .where(RevBand.name == "Pythonistas")
        .output(nested=True)
    )
    assert nested == [
        {
            "name": "Pythonistas",
            "manager": {"name": "Guido"},
            "headlining": [{"city": "Amsterdam"}, {"city": "Berlin"}],
        }
    ]
    text = await query.where(RevManager.name == "Idle").output(as_json=True)
    assert text == f'[{{"id": {s["idle"].id}, "bands": []}}]'
    called = await query.callback(lambda rows: [len(r["bands"]) for r in rows])
    assert called == [2, 1, 0]


async def test_two_keys_to_the_same_table(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await RevBand.select(
        RevBand.name,
        RevBand.headlining(RevConcert.city, as_list=True),
        RevBand.supporting(RevConcert.city, as_list=True),
    ).order_by(RevBand.id)
    assert rows == [
        {"name": "Pythonistas", "headlining": ["Amsterdam", "Berlin"], "supporting": ["Cairo"]},
        {"name": "Rustaceans", "headlining": ["Cairo"], "supporting": ["Amsterdam"]},
        {"name": "Pythonettes", "headlining": [], "supporting": ["Berlin"]},
        {"name": "Orphans", "headlining": [], "supporting": []},
    ]


async def test_self_referencing_children(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, RevPerson)
    root = RevPerson(name="Root")
    await RevPerson.insert(root)
    kids = [RevPerson(name=f"Kid {i}", parent=root) for i in range(3)]
    await RevPerson.insert(*kids)
    grandkid = RevPerson(name="Grandkid", parent=kids[1])
    await RevPerson.insert(grandkid)
    rows = await RevPerson.select(
        RevPerson.name, RevPerson.children(RevPerson.name, as_list=True)
    ).order_by(RevPerson.id)
    assert rows == [
        {"name": "Root", "children": ["Kid 0", "Kid 1", "Kid 2"]},
        {"name": "Kid 0", "children": []},
        {"name": "Kid 1", "children": ["Grandkid"]},
        {"name": "Kid 2", "children": []},
        {"name": "Grandkid", "children": []},
    ]
    people = await RevPerson.objects(RevPerson.children, RevPerson.parent).order_by(RevPerson.id)
    assert [p.name for p in people[0].children] == ["Kid 0", "Kid 1", "Kid 2"]
    assert people[2].parent.name == "Root"  # the key prefetched alongside
    assert [p.name for p in people[2].children] == ["Grandkid"]


async def test_child_values_keep_their_types(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, RevAlbum, RevTrack)
    album, empty = RevAlbum(title="Album"), RevAlbum(title="Empty")
    await RevAlbum.insert(album, empty)
    recorded = datetime.datetime(2024, 5, 1, 12, 30, 15, 123456)
    released = datetime.datetime(2024, 6, 1, 8, 0, tzinfo=datetime.UTC)
    code = uuid.UUID("12345678-1234-5678-1234-567812345678")
    full = RevTrack(
        album=album,
        title="Full",
        recorded=recorded,
        released=released,
        length=decimal.Decimal("123.45"),
        code=code,
        explicit=True,
        meta={"bpm": 120, "keys": ["A", "B"]},
        cover=b"\x00\x01\xff",
    )
    bare = RevTrack(album=album, title="Bare", recorded=None, meta=None)
    await RevTrack.insert(full, bare)
    rows = await RevAlbum.select(RevAlbum.title, RevAlbum.tracks(load_json=True)).order_by(
        RevAlbum.id
    )
    assert rows[1] == {"title": "Empty", "tracks": []}
    first, second = rows[0]["tracks"]
    assert first == {
        "id": full.id,
        "album": album.id,
        "title": "Full",
        "recorded": recorded,
        "released": released,
        "length": decimal.Decimal("123.45"),
        "code": code,
        "explicit": True,
        "meta": {"bpm": 120, "keys": ["A", "B"]},
        "cover": b"\x00\x01\xff",
    }
    assert type(first["code"]) is uuid.UUID
    assert second["recorded"] is None and second["explicit"] is False and second["meta"] is None
    # without load_json, JSON stays text, as for any select
    rows = await RevAlbum.select(RevAlbum.tracks(RevTrack.meta, as_list=True)).where(
        RevAlbum.id == album.id
    )
    assert isinstance(rows[0]["tracks"][0], str)
    # objects read the same values into instances
    albums = await RevAlbum.objects(RevAlbum.tracks).order_by(RevAlbum.id)
    track = albums[0].tracks[0]
    assert isinstance(track, RevTrack)
    assert (track.recorded, track.released, track.length, track.code) == (
        recorded,
        released,
        decimal.Decimal("123.45"),
        code,
    )
    assert track.meta == '{"bpm": 120, "keys": ["A", "B"]}' and track.cover == b"\x00\x01\xff"
    assert albums[1].tracks == []


async def test_child_array_values_keep_their_types(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, RevAlbum, RevTaggedTrack)
    album = RevAlbum(title="Album")
    await album.save()
    scores = [decimal.Decimal("9.5"), decimal.Decimal("7.0")]
    full = RevTaggedTrack(album=album, tags=["loud", "fast"], scores=scores)
    await RevTaggedTrack.insert(full, RevTaggedTrack(album=album, tags=None, scores=None))
    (row,) = await RevAlbum.select(RevAlbum.tagged(load_json=True))
    assert row["tagged"] == [
        {"id": full.id, "album": album.id, "tags": ["loud", "fast"], "scores": scores},
        {"id": full.id + 1, "album": album.id, "tags": None, "scores": None},
    ]
    assert [type(s) for s in row["tagged"][0]["scores"]] == [decimal.Decimal] * 2
    assert str(row["tagged"][0]["scores"][1]) == "7.0"
    (loaded,) = await RevAlbum.objects(RevAlbum.tagged)
    assert loaded.tagged[0].tags == ["loud", "fast"] and loaded.tagged[0].scores == scores


# objects ------------------------------------------------------------------------------------------


async def test_objects_with_children(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    managers = await RevManager.objects(RevManager.bands).order_by(RevManager.id)
    assert [[b.name for b in m.bands] for m in managers] == [
        ["Pythonistas", "Pythonettes"],
        ["Rustaceans"],
        [],
    ]
    band = managers[0].bands[0]
    assert type(band) is RevBand and band._exists_in_db
    assert band.manager == s["guido"].id and band.popularity == 1000
    # children are real rows: change and save one
    band.popularity = 1001
    await band.save()
    assert await RevBand.select(RevBand.popularity).where(RevBand.id == band.id) == [
        {"popularity": 1001}
    ]
    # the parent saves without its list
    managers[0].name = "Guido van Rossum"
    await managers[0].save()
    assert await RevManager.count().where(RevManager.name == "Guido van Rossum") == 1
    # get(), first() and prefetch() take relations too
    idle = await RevManager.objects(RevManager.bands).get(RevManager.name == "Idle")
    assert idle is not None and idle.bands == []
    first = await RevManager.objects().prefetch(RevManager.bands).order_by(RevManager.id).first()
    assert first is not None and len(first.bands) == 2
    by_name = await RevManager.objects("bands").where(RevManager.name == "Graydon")
    assert [b.name for b in by_name[0].bands] == ["Rustaceans"]


async def test_objects_with_children_and_foreign_keys(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    bands = await RevBand.objects(
        RevBand.manager, RevBand.headlining, RevBand.label, RevBand.supporting
    ).order_by(RevBand.id)
    first = bands[0]
    assert first.manager.name == "Guido" and first.label.name == "Indie"
    assert [c.city for c in first.headlining] == ["Amsterdam", "Berlin"]
    assert [c.city for c in first.supporting] == ["Cairo"]
    assert bands[3].manager.id is None and bands[3].headlining == [] and bands[3].supporting == []


async def test_get_related_lists_children(db: Engine, use_tables: UseTables) -> None:
    s = await seed(db, use_tables)
    bands = await s["guido"].get_related(RevManager.bands)
    assert [b.name for b in bands] == ["Pythonistas", "Pythonettes"]
    assert await s["idle"].get_related(RevManager.bands) == []
    concerts = await s["bands"][0].get_related(RevBand.supporting)
    assert [c.city for c in concerts] == ["Cairo"]
    with pytest.raises(QueryError):
        s["guido"].get_related(RevBand.headlining)
    with pytest.raises(QueryError):
        RevManager(name="unsaved").get_related(RevManager.bands)


# query counts ---


async def test_objects_with_children_of_100_parents_query_count(
    db: Engine, use_tables: UseTables, counted: Counter
) -> None:
    await use_tables(db, RevLabel, RevManager, RevBand, RevConcert)
    managers = [RevManager(name=f"manager {i}") for i in range(100)]
    await RevManager.insert(*managers)
    # three bands for most managers, none for every tenth
    bands = [
        RevBand(name=f"band {i}.{j}", manager=m)
        for i, m in enumerate(managers)
        for j in range(3)
        if i % 10
    ]
    await RevBand.insert(*bands)
    counted.statements.clear()
    loaded = await RevManager.objects(RevManager.bands).order_by(RevManager.id)
    assert len(counted) == 1 + extra_queries(db), counted.statements
    assert len(loaded) == 100
    assert [len(m.bands) for m in loaded] == [0 if i % 10 == 0 else 3 for i in range(100)]
    assert loaded[1].bands[2].name == "band 1.2"
    # select with children: the same count
    counted.statements.clear()
    rows = await RevManager.select(RevManager.name, RevManager.bands(RevBand.name, as_list=True))
    assert len(counted) == 1 + extra_queries(db)
    assert sum(len(r["bands"]) for r in rows) == 270
    # and a second relation costs at most one more
    counted.statements.clear()
    await RevBand.objects(RevBand.headlining, RevBand.supporting).run()
    assert len(counted) == 1 + 2 * extra_queries(db)


async def test_repeated_queries_hit_the_compiled_cache(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    cache = db.compiled_cache

    async def run(name: str) -> Any:
        return await RevManager.select(
            RevManager.name, RevManager.bands(RevBand.name, as_list=True)
        ).where(RevManager.name == name)

    await run("Guido")
    misses, hits = cache.misses, cache.hits
    assert await run("Graydon") == [{"name": "Graydon", "bands": ["Rustaceans"]}]
    assert cache.misses == misses  # every statement of the second run was compiled already
    assert cache.hits == hits + 1 + extra_queries(db)
    await RevManager.objects(RevManager.bands).where(RevManager.name == "Guido")
    misses = cache.misses
    idle = await RevManager.objects(RevManager.bands).where(RevManager.name == "Idle")
    assert idle[0].bands == []
    assert cache.misses == misses


# errors -------------------------------------------------------------------------------------------


def test_relation_errors() -> None:
    with pytest.raises(QueryError):
        RevManager.bands(RevBand.name, RevBand.id, as_list=True)
    with pytest.raises(QueryError):
        RevManager.bands(RevManager.name)  # a column of the wrong table
    with pytest.raises(QueryError):
        RevBand.objects(RevManager.bands)
    with pytest.raises(QueryError, match="call the relation"):
        RevManager.select(RevManager.bands)  # not called

    class RevAmbiguous(Table, tablename="rev_ambiguous"):
        concerts = ReverseForeignKey(RevConcert)

    with pytest.raises(ConfigurationError):
        RevAmbiguous.concerts()
    assert repr(RevManager.bands) == "<ReverseForeignKey RevManager.bands>"
    assert RevManager._meta.relations == [RevManager.bands]
    assert RevManager._meta.m2m_relationships == []


def test_subclass_tables_get_their_own_relations() -> None:
    class RevSubPerson(RevPerson, tablename="rev_sub_person"):
        pass

    assert RevSubPerson.children is not RevPerson.children
    assert RevSubPerson.children.table is RevSubPerson
    assert RevPerson.children.table is RevPerson
    assert RevSubPerson.children.source_table is RevSubPerson
    assert RevPerson.children.source_table is RevPerson
