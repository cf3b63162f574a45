"""Piccolo's array operations and column defaults, pinned on every engine: the exact results
(and keys) Piccolo 1.x gives for the same programs. MariaDB has no arrays: the array tests
assert that it refuses their tables with Vivace's error, then skip."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    Array,
    Boolean,
    ForeignKey,
    Integer,
    Time,
    Timestamp,
    Varchar,
)
from vivace.columns.defaults import (
    DateCustom,
    IntervalCustom,
    TimeCustom,
    TimeNow,
    TimestampCustom,
    TimestampNow,
    TimestamptzCustom,
)
from vivace.engine import Engine
from vivace.exceptions import QueryError


class ParTagged(Table, tablename="par_tagged"):
    name = Varchar(length=20)
    tags = Array(Varchar())


class ParGig(Table, tablename="par_gig"):
    act = ForeignKey(ParTagged)


async def seed(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, ParTagged, ParGig)
    await ParTagged.insert(
        ParTagged(name="both", tags=["a", "b"]),
        ParTagged(name="b", tags=["b"]),
        ParTagged(name="none", tags=[]),
    )
    await ParGig.insert(ParGig(act=1))


def names(rows: list[dict[str, str]]) -> list[str]:
    return [row["name"] for row in rows]


async def test_array_membership(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: any / not_any on both engines; all on PostgreSQL only ("Unsupported by SQLite").
    await seed(db, use_tables)
    query = ParTagged.select(ParTagged.name).order_by(ParTagged.id)
    assert names(await query.where(ParTagged.tags.any("a"))) == ["both"]
    assert names(await query.where(ParTagged.tags.not_any("a"))) == ["b", "none"]
    joined = ParGig.select(ParGig.act.tags).where(ParGig.act.tags.any("a"))
    assert await joined == [{"act.tags": ["a", "b"]}]
    if db.engine_type == "sqlite":
        with pytest.raises(ValueError, match="Unsupported by SQLite"):
            ParTagged.tags.all("b")
        return
    assert names(await query.where(ParTagged.tags.all("b"))) == ["b", "none"]
    assert names(await query.where(ParTagged.tags.overlap(["a", "z"]))) == ["both"]


async def test_array_indexing_and_functions(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: Band.tags[0] keyed "tags" (0-based); cat/append/prepend/remove/replace keyed
    # by the function, in select and update; PostgreSQL only, with Piccolo's messages.
    await seed(db, use_tables)
    tags = ParTagged.tags
    order = ParTagged.id
    if db.engine_type == "sqlite":  # refused when called, as in Piccolo
        for build, message in (
            (lambda: tags[0], "array indexing"),
            (lambda: tags.cat(["z"]), "array concatenation"),
            (lambda: tags.append("z"), "array appending"),
            (lambda: tags.prepend("z"), "array prepending"),
            (lambda: tags.remove("a"), "array removing"),
            (lambda: tags.replace("a", "q"), "array substitution"),
            (lambda: tags.overlap(["a"]), "array overlap"),
        ):
            with pytest.raises(ValueError, match=f"^Only Postgres and Cockroach support {message}"):
                build()
        return
    assert await ParTagged.select(tags[0]).order_by(order) == [
        {"tags": "a"},
        {"tags": "b"},
        {"tags": None},
    ]
    assert await ParTagged.select(tags[1].as_alias("t")).order_by(order) == [
        {"t": "b"},
        {"t": None},
        {"t": None},
    ]
    assert names(await ParTagged.select(ParTagged.name).where(tags[0] == "b")) == ["b"]
    assert await ParGig.select(ParGig.act.tags[0]) == [{"act.tags": "a"}]
    first = ParTagged.select
    where = ParTagged.name == "both"
    assert await first(tags.cat(["z"])).where(where) == [{"array_cat": ["a", "b", "z"]}]
    assert await first(tags.cat("z")).where(where) == [{"array_cat": ["a", "b", "z"]}]
    plus, reflected = tags + ["z"], ["z"] + tags  # noqa: RUF005 (Piccolo's + on arrays)
    assert await first(plus).where(where) == [{"array_cat": ["a", "b", "z"]}]
    assert await first(reflected).where(where) == [{"array_cat": ["z", "a", "b"]}]
    assert await first(tags.append("z")).where(where) == [{"array_append": ["a", "b", "z"]}]
    assert await first(tags.prepend("z")).where(where) == [{"array_prepend": ["z", "a", "b"]}]
    assert await first(tags.remove("a")).where(where) == [{"array_remove": ["b"]}]
    assert await first(tags.replace("a", "q")).where(where) == [{"array_replace": ["q", "b"]}]
    empty = ParTagged.name == "none"
    for value in (tags.cat(["y"]), tags.append("x"), tags.prepend("w"), tags.cat("v")):
        assert await ParTagged.update({tags: value}).where(empty) == []
    await ParTagged.update({tags: tags.remove("x")}).where(empty)
    await ParTagged.update({tags: tags.replace("w", "W")}).where(empty)
    assert await ParTagged.select(tags).where(empty) == [{"tags": ["W", "y", "v"]}]


def test_array_index_errors() -> None:
    # Piccolo's ValueErrors for a bad index.
    with pytest.raises(ValueError, match=r"Only integers can be used for indexing\."):
        ParTagged.tags["x"]  # type: ignore[index]
    with pytest.raises(ValueError, match=r"Only positive integers are allowed\."):
        ParTagged.tags[-1]
    with pytest.raises(TypeError):
        list(ParTagged.tags)  # type: ignore[call-overload]


# defaults --------------------------------------------------------------------------------------
def test_defaults_as_piccolo_keeps_them() -> None:
    # Piccolo: column.default is the default as given; a JSON default is kept as JSON text.
    assert Boolean().default is False
    assert Boolean(default=True).default is True
    assert Array(Integer()).default is list
    assert Array(Integer(), default=[1]).default == [1]
    assert JSON().default == "{}"
    assert JSON(default={"a": 1}).default == '{"a": 1}'
    assert JSONB(default=[1, 2]).default == "[1, 2]"
    assert Varchar().default == "" and Integer().default == 0
    assert isinstance(Time().default, TimeNow)


def test_custom_defaults_from_values() -> None:
    # Piccolo: TimestampCustom.from_datetime (and its kin) keep every field.
    moment = datetime.datetime(2020, 1, 2, 3, 4, 5, 6)
    assert TimestampCustom.from_datetime(moment).python() == moment
    aware = datetime.datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert TimestamptzCustom.from_datetime(aware).python() == aware
    assert TimestamptzCustom.from_datetime(aware).hour == 1  # kept in UTC
    assert DateCustom.from_date(datetime.date(2024, 5, 17)).python() == datetime.date(2024, 5, 17)
    assert TimeCustom.from_time(datetime.time(9, 30, 15)).python() == datetime.time(9, 30, 15)
    span = datetime.timedelta(days=2, seconds=5, microseconds=7)
    assert IntervalCustom.from_timedelta(span).python() == span


class ParDefaults(Table, tablename="par_defaults"):
    name = Varchar(length=20)
    at = Time()
    doc = JSON(default={"a": 1})
    on = Boolean(default=True)


class ParArrayDefaults(Table, tablename="par_array_defaults"):
    name = Varchar(length=20)
    flags = Array(Integer(), default=[1, 2])


async def test_defaults_round_trip(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: TimeNow keeps the time of day and a Time round-trips; a JSON default is
    # stored as its text.
    await use_tables(db, ParDefaults)
    before = datetime.datetime.now().time()
    row = ParDefaults(name="x")
    assert row.doc == '{"a": 1}'
    await row.save()
    exact = datetime.time(13, 14, 15, 123456)
    await ParDefaults.insert(ParDefaults(name="t", at=exact))
    rows = await ParDefaults.select().order_by(ParDefaults.id)
    assert rows[0]["at"] >= before.replace(microsecond=0)
    assert (rows[0]["doc"], rows[0]["on"]) == ('{"a": 1}', True)
    assert rows[1]["at"] == exact


async def test_array_default_round_trip(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: an Array default given as a list is stored for each new row.
    await use_array_tables(db, use_tables, ParArrayDefaults)
    await ParArrayDefaults(name="x").save()
    await ParArrayDefaults.insert(ParArrayDefaults(name="y", flags=[3]))
    rows = await ParArrayDefaults.select(ParArrayDefaults.flags).order_by(ParArrayDefaults.id)
    assert rows == [{"flags": [1, 2]}, {"flags": [3]}]


# JSON operators --------------------------------------------------------------------------------
class ParDoc(Table, tablename="par_doc"):
    name = Varchar(length=20)
    facts = JSONB(null=True)


class ParDocLink(Table, tablename="par_doc_link"):
    doc = ForeignKey(ParDoc)


async def seed_docs(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, ParDoc, ParDocLink)
    await ParDoc.insert(
        ParDoc(name="one", facts={"x": {"y": [1, 2]}, "n": 1}),
        ParDoc(name="two", facts={"x": {"y": [3]}, "n": 2}),
        ParDoc(name="none", facts=None),
    )
    await ParDocLink.insert(ParDocLink(doc=1))


async def test_json_operators_in_select(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: arrow(), ["key"] at any depth and from_path() give JSON keyed as the column;
    # load_json parses them, aliased ones and joined ones too.
    await seed_docs(db, use_tables)
    facts, order = ParDoc.facts, ParDoc.id

    async def values(expr: Any, load_json: bool = False) -> list[Any]:
        rows = await ParDoc.select(expr).output(load_json=load_json).order_by(order)
        return [next(iter(row.items())) for row in rows]

    assert await values(facts.arrow("x").arrow("y"), load_json=True) == [
        ("facts", [1, 2]),
        ("facts", [3]),
        ("facts", None),
    ]
    assert await values(facts["x"]["y"][0]) == [("facts", "1"), ("facts", "3"), ("facts", None)]
    assert await values(facts.arrow("x").arrow("y").arrow(1)) == [
        ("facts", "2"),
        ("facts", None),
        ("facts", None),
    ]
    assert await values(facts.from_path(["x", "y", 1])) == [
        ("facts", "2"),
        ("facts", None),
        ("facts", None),
    ]
    assert await values(facts.from_path(["x", "y"]).as_alias("p"), load_json=True) == [
        ("p", [1, 2]),
        ("p", [3]),
        ("p", None),
    ]
    assert await values(facts["x"].as_alias("xx"), load_json=True) == [
        ("xx", {"y": [1, 2]}),
        ("xx", {"y": [3]}),
        ("xx", None),
    ]
    assert await values(facts.as_alias("f"), load_json=True) == [
        ("f", {"x": {"y": [1, 2]}, "n": 1}),
        ("f", {"x": {"y": [3]}, "n": 2}),
        ("f", None),
    ]
    joined = ParDocLink.select(ParDocLink.doc.facts, ParDocLink.doc.name)
    assert await joined.output(load_json=True, nested=True) == [
        {"doc": {"facts": {"x": {"y": [1, 2]}, "n": 1}, "name": "one"}}
    ]
    assert await ParDocLink.select(ParDocLink.doc.facts.arrow("n")) == [{"doc.facts": "1"}]


async def test_json_operators_in_where(db: Engine, use_tables: UseTables) -> None:
    # Piccolo compares the JSON at a key with a value given as JSON (a str as JSON text).
    await seed_docs(db, use_tables)
    facts = ParDoc.facts
    query = ParDoc.select(ParDoc.name).order_by(ParDoc.id)
    assert names(await query.where(facts.arrow("n") == 1)) == ["one"]
    assert names(await query.where(facts.arrow("n") == "1")) == ["one"]
    assert names(await query.where(facts["n"] == 2)) == ["two"]
    assert names(await query.where(facts.from_path(["x", "y", 0]) == 3)) == ["two"]
    assert names(await query.where(facts["n"].is_null())) == ["none"]
    assert names(await query.where(facts.arrow("n").eq(2))) == ["two"]
    assert names(await query.where(facts.arrow("n").ne(2))) == ["one"]
    with pytest.raises(QueryError, match="from_path"):
        facts.from_path("x")  # type: ignore[arg-type]


class ParClock(Table, tablename="par_clock"):
    name = Varchar(length=20)


async def test_time_now_column_added_on_postgres(
    postgres_db: Engine, use_tables: UseTables
) -> None:
    # Piccolo: a Time(default=TimeNow()) column added to a table with rows gets the time
    # of day (DEFAULT current_time), and a Time value round-trips.
    await use_tables(postgres_db, ParClock)
    await ParClock.insert(ParClock(name="before"))
    await ParClock.alter().add_column("at", Time(default=TimeNow()))
    rows = await ParClock.raw("SELECT at FROM par_clock")
    assert isinstance(rows[0]["at"], datetime.time)


class ParStamp(Table, tablename="par_stamp"):
    name = Varchar(length=20)
    at = Timestamp(default=TimestampNow())


async def test_timestamp_now_keeps_the_time_of_day(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: TimestampNow() is the moment the row is made (date and time of day).
    await use_tables(db, ParStamp)
    before = datetime.datetime.now()
    await ParStamp(name="x").save()
    after = datetime.datetime.now()
    [row] = await ParStamp.select(ParStamp.at)
    assert before <= row["at"] <= after


async def test_json_key_errors(db: Engine, use_tables: UseTables) -> None:
    # A JSON key is a str or an int; SQLite's paths cannot hold a double quote.
    await seed_docs(db, use_tables)
    with pytest.raises(QueryError, match="a JSON key is a str or an int"):
        ParDoc.facts[True]
    if db.engine_type == "sqlite":
        with pytest.raises(QueryError, match="double quote"):
            await ParDoc.select(ParDoc.facts['a"b'])
    else:
        assert (await ParDoc.select(ParDoc.facts['a"b']))[0] == {"facts": None}
