"""Introspection round trip: spec -> DDL -> database -> introspect gives the spec back
(as the database keeps it: ``ddl.stored_form``), on SQLite, PostgreSQL and MariaDB (whose
band table has no Array columns: MariaDB has none)."""

from __future__ import annotations

import dataclasses
import decimal
import enum
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table, create_db_tables, drop_db_tables
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Bytea,
    Char,
    Check,
    Date,
    DoublePrecision,
    Email,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Unique,
    Varchar,
)
from vivace.engine import Engine
from vivace.orm.spec_tables import table_classes_from_schema
from vivace.orm.tables import create_table_class
from vivace.schema import IndexMethod, OnDelete, OnUpdate
from vivace.schema.defaults import (
    DateCustom,
    DateOffset,
    IntervalCustom,
    TimeCustom,
    TimeOffset,
    TimestampOffset,
)
from vivace.schema.spec import ConstraintSpec, IndexSpec, TableSpec
from vivace.schema.table_spec import table_spec


class Genre(enum.Enum):
    rock = "rock"
    jazz = "jazz"


class IntroManager(Table, tablename="intro_manager"):
    id = BigSerial(primary_key=True)
    name = Varchar(length=50, unique=True)


def _band_members(arrays: bool) -> dict[str, Any]:
    """The columns of the band table (its Array columns only where there are arrays)."""
    name = Varchar(length=50, index=True)
    code = Char(length=3, null=True)
    email = Email(null=True, help_text="where to write")
    bio = Text()
    genre = Varchar(length=10, choices=Genre, default=Genre.rock)
    popularity = Integer(default=5)
    fans = BigInt(null=True)
    small = SmallInt(default=-1)
    active = Boolean(default=True)
    price = Numeric(digits=(7, 2), default=decimal.Decimal("1.50"))
    loose = Numeric(null=True)
    ratio = Real(default=0.5)
    precise = DoublePrecision(null=True)
    founded = Date()
    starts = Time()
    stamped = Timestamp()
    moment = Timestamptz()
    length = Interval()
    token = UUID()
    data = JSON()
    doc = JSONB(null=True)
    settings = JSONB(default={"theme": "dark", "sizes": [1, 2]})
    extra = JSON(default=[{"a": None}])
    raw = Bytea(default=b"\x01\xff")
    tags = Array(base_column=Varchar(length=5)) if arrays else None
    scores = Array(base_column=Integer(), null=True) if arrays else None
    later = Timestamp(default=TimestampOffset(hours=25))
    fixed_day = Date(default=DateCustom(2020, 1, 2))
    nine = Time(default=TimeCustom(9, 30))
    week = Interval(default=IntervalCustom(weeks=1))
    soon = Date(default=DateOffset(days=7))
    in_an_hour = Time(default=TimeOffset(hours=1))
    manager = ForeignKey(IntroManager, on_delete=OnDelete.set_null, on_update=OnUpdate.restrict)
    manager_name = ForeignKey(IntroManager, target_column="name", null=True)
    mentor = ForeignKey("self", db_column_name="mentor_id", on_delete=OnDelete.restrict)
    columns = {k: v for k, v in locals().items() if k != "arrays" and v is not None}
    return {
        **columns,
        "name_and_code": Unique([name, code]),
        "positive": Check(popularity >= 0),
    }


IntroBand = create_table_class(
    "IntroBand", class_kwargs={"tablename": "intro_band"}, class_members=_band_members(True)
)
#: The band table on MariaDB (no arrays there).
IntroBandPlain = create_table_class(
    "IntroBandPlain",
    class_kwargs={"tablename": "intro_band_plain"},
    class_members=_band_members(False),
)


def _band(db: Engine) -> type[Table]:
    return IntroBandPlain if db.dialect.name in ("mysql", "mariadb") else IntroBand


async def test_introspect_equals_the_stored_table_spec(db: Engine, use_tables: UseTables) -> None:
    band_table = _band(db)
    tablename = band_table._meta.tablename
    await use_tables(db, IntroManager, band_table)
    schema = await db.introspect(tablenames=["intro_manager", tablename])
    # referenced tables come first
    assert [t.tablename for t in schema] == ["intro_manager", tablename]
    for table in (IntroManager, band_table):
        expected = db.dialect.ddl.stored_form(table_spec(table))
        found = schema.by_tablename(table._meta.tablename)
        assert found is not None
        if db.dialect.name == "postgres":
            # PostgreSQL renders a CHECK its own way: compare checks by name there
            expected = _check_text(expected, found)
        assert found.columns == expected.columns
        assert found == expected
    band = schema.table(band_table.__name__)
    # a database knows column names only: the attribute is named after the column
    assert band.column("mentor_id").param("db_column_name") is None
    assert band.column("name").param("index") is True
    assert band.column("manager_name").param("target_column") == "name"
    assert band.column("price").param("digits") == (7, 2)
    assert all(c.unmapped is None for c in band.columns)
    checks = [c for c in band.constraints if c.kind == "check"]
    assert [c.name for c in checks] == [f"{tablename}_positive"]
    assert checks[0].check is not None and "popularity" in checks[0].check


async def test_introspected_specs_are_a_fixed_point(db: Engine, use_tables: UseTables) -> None:
    """Tables made from an introspected schema introspect to the same schema (what
    ``schema generate`` relies on: generate, create, generate again)."""
    band_table = _band(db)
    tablenames = ["intro_manager", band_table._meta.tablename]
    await use_tables(db, IntroManager, band_table)
    first = await db.introspect(tablenames=tablenames)
    await drop_db_tables(IntroManager, band_table)
    made = table_classes_from_schema(first, db=db)
    await create_db_tables(*made)
    second = await db.introspect(tablenames=tablenames)
    assert second == first


def _check_text(expected: TableSpec, found: TableSpec) -> TableSpec:
    texts = {c.name: c.check for c in found.constraints if c.kind == "check"}
    constraints = tuple(
        dataclasses.replace(c, check=texts.get(c.name)) if c.kind == "check" else c
        for c in expected.constraints
    )
    return expected.replace(constraints=constraints)


class IntroIndexed(Table, tablename="intro_indexed"):
    a = Integer()
    b = Integer()
    c = Varchar(length=20, index=True, index_method=IndexMethod.hash)


async def test_indexes_and_methods(postgres_db: Engine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, IntroIndexed)
    await IntroIndexed.create_index([IntroIndexed.a, IntroIndexed.b])
    found = (await postgres_db.introspect(tablenames=["intro_indexed"])).table("IntroIndexed")
    assert found.indexes == (IndexSpec("intro_indexed_a_b", ("a", "b"), "btree"),)
    assert found.column("c").param("index_method") is IndexMethod.hash
    assert found.column("a").param("index") is False


async def test_composite_index_on_sqlite(sqlite_db: Engine, use_tables: UseTables) -> None:
    await use_tables(sqlite_db, IntroManager)
    await sqlite_db.execute_ddl(
        ['CREATE UNIQUE INDEX "by_name_id" ON "intro_manager" ("name", "id")']
    )
    found = (await sqlite_db.introspect(tablenames=["intro_manager"])).table("IntroManager")
    assert found.indexes == (IndexSpec("by_name_id", ("name", "id"), "btree", unique=True),)


class IntroSchemaTable(Table, tablename="intro_records", schema="intro_music"):
    title = Varchar(length=10)
    nulls = Unique([title], nulls_distinct=False, name="one_title")


async def test_schemas_and_nulls_not_distinct(postgres_db: Engine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, IntroSchemaTable)
    try:
        schema = await postgres_db.introspect(schema_name="intro_music")
        found = schema.table("IntroRecords")
        assert found.schema == "intro_music"
        assert found == postgres_db.dialect.ddl.stored_form(table_spec(IntroSchemaTable)).replace(
            class_name="IntroRecords"
        )
        assert found.constraints == (
            ConstraintSpec("one_title", "unique", ("title",), nulls_distinct=False),
        )
    finally:
        await postgres_db.execute_ddl(['DROP SCHEMA IF EXISTS "intro_music" CASCADE'])


async def test_what_a_table_spec_cannot_hold_is_said(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, IntroManager)
    if db.dialect.name == "postgres":
        special = [
            'CREATE INDEX "intro_lower" ON "intro_manager" (lower("name"))',
            'CREATE INDEX "intro_some" ON "intro_manager" ("name") WHERE "id" > 10',
            "CREATE FUNCTION intro_noop() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ "
            "LANGUAGE plpgsql",
            'CREATE TRIGGER "intro_touch" BEFORE UPDATE ON "intro_manager" '
            "FOR EACH ROW EXECUTE FUNCTION intro_noop()",
        ]
    elif db.dialect.name == "sqlite":
        special = [
            'CREATE INDEX "intro_lower" ON "intro_manager" (lower("name"))',
            'CREATE INDEX "intro_some" ON "intro_manager" ("name") WHERE "id" > 10',
            'CREATE TRIGGER "intro_touch" AFTER UPDATE ON "intro_manager" BEGIN SELECT 1; END',
        ]
    else:  # MariaDB: no expression or partial indexes; prefix and full-text ones
        special = [
            'CREATE INDEX "intro_lower" ON "intro_manager" ("name"(5))',
            'CREATE FULLTEXT INDEX "intro_some" ON "intro_manager" ("name")',
            'CREATE TRIGGER "intro_touch" BEFORE UPDATE ON "intro_manager" '
            "FOR EACH ROW SET NEW.name = NEW.name",
        ]
    await db.execute_ddl(special)
    try:
        found = (await db.introspect(tablenames=["intro_manager"])).table("IntroManager")
        assert found.indexes == ()
        notes = found.unmapped or ""
        assert "intro_lower" in notes and "intro_some" in notes and "intro_touch" in notes
    finally:
        if db.dialect.name == "postgres":
            await db.execute_ddl(["DROP FUNCTION intro_noop() CASCADE"])


async def test_composite_indexes_on_mariadb(mysql_db: Engine, use_tables: UseTables) -> None:
    """A composite index and a composite unique key come back as themselves; the index
    MariaDB adds for a foreign key is not listed."""
    await use_tables(mysql_db, IntroManager, IntroIndexedPlain)
    await IntroIndexedPlain.create_index([IntroIndexedPlain.a, IntroIndexedPlain.b])
    await mysql_db.execute_ddl(
        ['CREATE UNIQUE INDEX "by_name_id" ON "intro_manager" ("name", "id")']
    )
    schema = await mysql_db.introspect(tablenames=["intro_manager", "intro_indexed_plain"])
    found = schema.table("IntroIndexedPlain")
    assert found.indexes == (IndexSpec("intro_indexed_plain_a_b", ("a", "b"), "btree"),)
    assert found.column("c").param("index") is True
    assert found.column("boss").param("index") is False
    assert found.column("a").param("index") is False
    manager = schema.table("IntroManager")
    assert manager.constraints == (ConstraintSpec("by_name_id", "unique", ("name", "id")),)
    assert manager.column("name").param("unique") is True


class IntroIndexedPlain(Table, tablename="intro_indexed_plain"):
    a = Integer()
    b = Integer()
    c = Varchar(length=20, index=True)
    boss = ForeignKey(IntroManager)


@pytest.mark.parametrize(
    ("sql", "note"),
    [
        ('CREATE TABLE "intro_odd" ("id" INTEGER PRIMARY KEY, "spot" POINT)', "type"),
        (
            'CREATE TABLE "intro_odd" ("id" INTEGER PRIMARY KEY, "spot" INTEGER DEFAULT (1 + 1))',
            "default",
        ),
    ],
)
async def test_what_cannot_be_mapped_is_said(db: Engine, sql: str, note: str) -> None:
    await db.execute_ddl(
        [
            sql.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")
            if db.dialect.name == "postgres"
            else sql
        ]
    )
    try:
        found = (await db.introspect(tablenames=["intro_odd"])).table("IntroOdd")
        spot = found.column("spot")
        assert spot.unmapped is not None and spot.unmapped.startswith(note)
    finally:
        await db.execute_ddl(['DROP TABLE "intro_odd"'])


class IntroQuoted(Table, tablename="intro_quoted"):
    text = Varchar(length=40, default="it's a \\ back'slash\nand 100% 'quoted'")
    words = Text(default="")
    stamp = Timestamptz(null=True, default=None)


async def test_quoted_defaults_come_back_exact(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, IntroQuoted)
    found = (await db.introspect(tablenames=["intro_quoted"])).table("IntroQuoted")
    assert found == db.dialect.ddl.stored_form(table_spec(IntroQuoted))
    assert found.column("text").default == "it's a \\ back'slash\nand 100% 'quoted'"


async def test_views_are_no_tables(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, IntroManager)
    await db.execute_ddl(['CREATE VIEW "intro_names" AS SELECT "name" FROM "intro_manager"'])
    try:
        every = await db.introspect()
        assert every.by_tablename("intro_manager") is not None
        assert every.by_tablename("intro_names") is None
    finally:
        await db.execute_ddl(['DROP VIEW "intro_names"'])
