"""Piccolo's results, pinned on SQLite and PostgreSQL: related rows behind a NULL key, the
keys of unaliased ``QueryString`` columns, ``offset()`` without ``limit()``, what DDL
queries return, and nullable columns' defaults. Each expectation was checked by running the
same program on Piccolo 1.38."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb, use_array_tables
from tests.unit.test_expression_names import POSTGRES_NAMES
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import TransactionError
from vivace.query import QueryString


class ResManager(Table, tablename="res_manager"):
    name = Varchar(length=50)
    age = Integer(null=True)


class ResBand(Table, tablename="res_band"):
    name = Varchar(length=50)
    manager = ForeignKey(ResManager)


class ResConcert(Table, tablename="res_concert"):
    band_1 = ForeignKey(ResBand)
    band_2 = ForeignKey(ResBand)


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    await use_tables(db, ResManager, ResBand, ResConcert)
    guido = ResManager(name="Guido", age=60)
    await ResManager.insert(guido)
    solo, managed = ResBand(name="Solo"), ResBand(name="Managed", manager=guido)
    await ResBand.insert(solo, managed)
    await ResConcert.insert(ResConcert(band_1=managed), ResConcert(band_2=solo))
    return {"guido": guido, "solo": solo, "managed": managed}


# related rows behind a NULL key -------------------------------------------------------------
async def test_prefetch_behind_a_null_key_is_a_row_of_nones(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo: objects(Band.manager) on a band without a manager sets a Manager whose values
    # are all None (so band.manager.name reads None), at every depth of the path.
    await seed(db, use_tables)
    band = await ResBand.objects(ResBand.manager).get(ResBand.name == "Solo")
    assert band is not None and isinstance(band.manager, ResManager)
    assert (band.manager.id, band.manager.name, band.manager.age) == (None, None, None)
    assert band.to_dict() == {
        "id": 1,
        "name": "Solo",
        "manager": {"id": None, "name": None, "age": None},
    }
    concerts = await ResConcert.objects(ResConcert.band_1.manager, ResConcert.band_2.manager)
    concerts.sort(key=lambda concert: concert.id)
    assert concerts[0].to_dict() == {
        "id": 1,
        "band_1": {"id": 2, "name": "Managed", "manager": {"id": 1, "name": "Guido", "age": 60}},
        "band_2": {"id": None, "name": None, "manager": {"id": None, "name": None, "age": None}},
    }
    assert concerts[1].band_2.manager.name is None and concerts[1].band_1.name is None
    # all_related(): one level, so the empty band's own key stays None.
    again = await ResConcert.objects(ResConcert.all_related()).order_by(ResConcert.id)
    assert again[1].band_1.to_dict() == {"id": None, "name": None, "manager": None}
    # Saving the band stores its key as NULL still; refresh() puts None back (as Piccolo).
    band.name = "Solo 2"
    await band.save()
    assert await ResBand.select().where(ResBand.id == 1) == [
        {"id": 1, "name": "Solo 2", "manager": None}
    ]
    await band.refresh()
    assert band.manager is None


async def test_null_key_in_nested_output_and_get_related(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: nested output gives the related dict with None values; get_related gives None.
    s = await seed(db, use_tables)
    query = ResBand.select(ResBand.name, ResBand.manager.all_columns()).output(nested=True)
    assert await query.where(ResBand.name == "Solo") == [
        {"name": "Solo", "manager": {"id": None, "name": None, "age": None}}
    ]
    assert await s["solo"].get_related(ResBand.manager) is None
    assert await s["solo"].get_related("manager") is None
    concert = await ResConcert.objects().get(ResConcert.band_1.is_null())
    assert concert is not None
    assert await concert.get_related(ResConcert.band_1.manager) is None


# offset() without limit() ------------------------------------------------------------------------
async def test_offset_needs_a_limit_on_sqlite(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: on SQLite an offset without a limit raises ValueError (when the query is
    # compiled: run or str()); PostgreSQL runs it.
    await seed(db, use_tables)
    query = ResBand.select(ResBand.name).order_by(ResBand.name).offset(1)
    objects = ResBand.objects().order_by(ResBand.name).offset(1)
    assert await query.limit(1) == [{"name": "Solo"}]
    assert await query.first() == {"name": "Solo"}
    if db.engine_type == "sqlite":
        message = "^A limit clause must be provided when doing an offset with SQLite.$"
        for refused in (query, objects):
            with pytest.raises(ValueError, match=message):
                await refused
            with pytest.raises(ValueError, match=message):
                str(refused)
        return
    assert await query == [{"name": "Solo"}]
    assert [band.name for band in await objects] == ["Solo"]


# what DDL queries give ---------------------------------------------------------------------------
async def test_ddl_queries_give_an_empty_list(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: create_table, create_index, drop_index and every alter() step give [].
    await use_tables(db, ResManager, ResBand)
    assert await ResBand.alter().drop_table() == []
    assert await ResBand.create_table() == []
    assert await ResBand.create_table(if_not_exists=True) == []
    assert await ResBand.create_index([ResBand.name]) == []
    assert await ResBand.drop_index([ResBand.name]) == []
    alter = ResBand.alter()
    assert await alter.add_column("popularity", Integer(null=True)) == []
    assert await alter.rename_column("popularity", "fame") == []
    assert await alter.set_null(ResBand.name, True) == []
    assert await alter.set_length(ResBand.name, 80) == []
    assert await alter.drop_column("fame") == []
    assert await ResBand.raw("SELECT name FROM res_band") == []
    # A row's remove() gives the delete's [] too.
    band = ResBand(name="Gone")
    await band.save()
    assert await band.remove() == []
    assert (band.id, band._exists_in_db) == (None, False)


# QueryString without an alias ------------------------------------------------------------------
async def test_unaliased_querystring_is_keyed_by_the_database(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo keys an unaliased QueryString column by the name the database gives it:
    # SQLite its text as sent (a column reference: the column), PostgreSQL its own rule.
    await use_tables(db, ResManager)
    await ResManager.insert(ResManager(name="Guido", age=3))
    fragments = [
        QueryString("1 + 1"),
        QueryString("{} + 1", ResManager.age),
        QueryString("upper(name)"),
        QueryString("age * {}", 2),
        QueryString('"res_manager"."name"'),
        QueryString("count(*)"),
        # MariaDB casts to text with CHAR (it has no TEXT cast type)
        QueryString("CAST(age AS CHAR)" if on_mariadb(db) else "CAST(age AS TEXT)"),
        QueryString("name || {}", "!"),
    ]
    keys = [
        list((await ResManager.select(fragment).first() or {}).items()) for fragment in fragments
    ]
    if on_mariadb(db):  # by the text too, a parameter as "?" (its value changes per run)
        assert keys == [
            [("1 + 1", 2)],
            [("`res_manager`.`age` + 1", 4)],
            [("upper(name)", "GUIDO")],
            [("age * ?", 6)],
            [("name", "Guido")],
            [("count(*)", 1)],
            [("CAST(age AS CHAR)", "3")],
            [("name || ?", "Guido!")],
        ]
    elif db.engine_type == "sqlite":
        assert keys == [
            [("1 + 1", 2)],
            [('"res_manager"."age" + 1', 4)],
            [("upper(name)", "GUIDO")],
            [("age * ?", 6)],
            [("name", "Guido")],
            [("count(*)", 1)],
            [("CAST(age AS TEXT)", "3")],
            [("name || ?", "Guido!")],
        ]
    else:
        assert keys == [
            [("?column?", 2)],
            [("?column?", 4)],
            [("upper", "GUIDO")],
            [("?column?", 6)],
            [("name", "Guido")],
            [("count", 1)],
            [("age", "3")],
            [("?column?", "Guido!")],
        ]
    # An alias still names it; two unnamed columns of one name share a key (the last wins).
    query = ResManager.select(ResManager.name, QueryString("1"), QueryString("2"))
    expected = (
        {"name": "Guido", "1": 1, "2": 2}
        if db.engine_type in ("sqlite", "mysql")
        else {
            "name": "Guido",
            "?column?": 2,
        }
    )
    assert await query.first() == expected
    assert await ResManager.select(QueryString("1 + 1", alias="two")) == [{"two": 2}]
    assert await ResManager.select(QueryString("1 + 1")).output(as_list=True) == [2]


class ResTyped(Table, tablename="t2"):
    name = Text()
    tags = Array(Integer())
    facts = JSONB()
    popularity = Integer()


async def test_postgres_names_expressions_as_vivace_expects(
    postgres_db: Engine, use_tables: UseTables
) -> None:
    # The table of PostgreSQL's names Vivace keys by, checked against the live server.
    await use_tables(postgres_db, ResTyped)
    await ResTyped.insert(ResTyped(name="1", tags=[1], facts={"a": 1}, popularity=1))
    named = {}
    for fragment in POSTGRES_NAMES:
        sql = f"SELECT {fragment.replace('n.name', 't2.name')}\nFROM t2"
        rows = await postgres_db.fetch_sql(sql, ["x"] if "$1" in fragment else [])
        named[fragment] = next(iter(rows[0]))
    assert named == POSTGRES_NAMES


# nullable columns' defaults ---------------------------------------------------------------------
class ResNullable(Table, tablename="res_nullable"):
    text = Varchar(null=True)
    body = Text(null=True)
    number = Integer(null=True)
    big = BigInt(null=True)
    flag = Boolean(null=True)
    exact = Numeric(null=True)
    ratio = Real(null=True)
    local = Timestamp(null=True)
    moment = Timestamptz(null=True)
    day = Date(null=True)
    at = Time(null=True)
    span = Interval(null=True)
    ref = UUID(null=True)
    doc = JSON(null=True)
    docb = JSONB(null=True)
    blob = Bytea(null=True)
    unset = Varchar(null=True, default=None)
    given = Integer(null=True, default=7)


#: What Piccolo 1.38 gives a nullable column left without a value (its type's default).
PICCOLO_DEFAULTS = {
    "text": "",
    "body": "",
    "number": 0,
    "big": 0,
    "flag": False,
    "exact": decimal.Decimal(0),
    "ratio": 0.0,
    "span": datetime.timedelta(0),
    "doc": "{}",
    "docb": "{}",
    "blob": b"",
    "unset": None,
    "given": 7,
}


async def test_nullable_columns_keep_their_types_defaults(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo: Varchar(null=True) defaults to "", JSON(null=True) to "{}", Timestamp(null=True)
    # to now, UUID(null=True) to a new UUID4...; default=None asks for NULL. The instance,
    # the stored row and (for constant defaults) the table's DEFAULT agree.
    await use_tables(db, ResNullable)
    before = datetime.datetime.now()
    row = ResNullable()
    assert {name: getattr(row, name) for name in PICCOLO_DEFAULTS} == PICCOLO_DEFAULTS
    assert isinstance(row.ref, uuid.UUID) and row.ref.version == 4
    assert before <= row.local <= datetime.datetime.now()
    assert row.moment.tzinfo is not None and row.day == datetime.date.today()
    assert isinstance(row.at, datetime.time)
    await ResNullable.insert(row)
    stored = await ResNullable.select().first()
    assert stored is not None
    assert {name: stored[name] for name in PICCOLO_DEFAULTS} == PICCOLO_DEFAULTS
    assert (stored["local"], stored["ref"]) == (row.local, row.ref)
    created = await ResNullable.objects().create()
    assert {name: getattr(created, name) for name in PICCOLO_DEFAULTS} == PICCOLO_DEFAULTS
    # The DEFAULT clause of the table: a row inserted without the columns.
    await ResNullable.raw("INSERT INTO res_nullable (id) VALUES (100)")
    raw = await ResNullable.select().where(ResNullable.id == 100).first()
    assert raw is not None
    constant = set(PICCOLO_DEFAULTS) - {"span"}  # Interval has no DEFAULT clause (see docs)
    assert {name: raw[name] for name in constant} == {n: PICCOLO_DEFAULTS[n] for n in constant}


class ResNullableArray(Table, tablename="res_nullable_array"):
    numbers = Array(Integer(), null=True)


async def test_nullable_array_keeps_its_types_default(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: Array(null=True) defaults to [], in the instance, the row and the table.
    await use_array_tables(db, use_tables, ResNullableArray)
    row = ResNullableArray()
    assert row.numbers == []
    await ResNullableArray.insert(row)
    await ResNullableArray.raw("INSERT INTO res_nullable_array (id) VALUES (100)")
    stored = await ResNullableArray.select(ResNullableArray.numbers).order_by(ResNullableArray.id)
    assert stored == [{"numbers": []}, {"numbers": []}]


async def test_json_values_are_stored_as_piccolo_writes_them(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo writes a dict or list given to a JSON column with json.dumps (`{"a": 1}`),
    # so selecting it as text gives that; PostgreSQL's jsonb prints the same way.
    await use_tables(db, ResNullable)
    facts = {"a": {"b": [1, 2]}, "c": "d"}
    await ResNullable.insert(ResNullable(doc=facts, docb=facts))
    await ResNullable.update({ResNullable.doc: [1, {"x": None}]}, force=True)
    row = await ResNullable.select(ResNullable.doc, ResNullable.docb).first()
    assert row == {"doc": '[1, {"x": null}]', "docb": '{"a": {"b": [1, 2]}, "c": "d"}'}


async def test_is_in_refuses_an_empty_list(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: is_in([]) / not_in([]) raise ValueError (an empty tuple is let through).
    await seed(db, use_tables)
    message = "^The `values` list argument must contain at least one value.$"
    for method in (ResBand.name.is_in, ResBand.name.not_in, ResBand.manager.is_in):
        with pytest.raises(ValueError, match=message):
            method([])
    assert await ResBand.select(ResBand.name).where(ResBand.name.is_in(())) == []
    # Relations that find nothing still work (their internal IN lists may be empty).
    band = await ResBand.objects().get(ResBand.name == "Solo")
    assert band is not None and await band.get_related(ResBand.manager) is None


async def test_nested_output_and_nested_transaction_message(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo's nested output lists keys in sorted order (its JSON text shows it), and a
    # refused nested transaction says so in Piccolo's words.
    await seed(db, use_tables)
    query = ResBand.select(ResBand.name, ResBand.manager.name, ResBand.manager.age)
    query = query.where(ResBand.name == "Managed").output(nested=True, as_json=True)
    assert await query == '[{"manager": {"age": 60, "name": "Guido"}, "name": "Managed"}]'
    message = "^A transaction is already active - nested transactions aren't allowed.$"
    async with db.transaction():
        with pytest.raises(TransactionError, match=message):
            async with db.transaction(allow_nested=False):
                pass
