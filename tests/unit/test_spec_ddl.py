"""DDL compiled from specs, per dialect (the SQL itself), and the introspectors' parsers."""

from __future__ import annotations

import datetime
import decimal
import uuid

import pytest

from vivace.dialects import PostgresDialect, SQLiteDialect
from vivace.dialects.ddl import DDLCompiler, changed_params, type_changed
from vivace.dialects.dialect import Dialect
from vivace.dialects.introspection import (
    CatalogColumn,
    Introspector,
    attribute_name,
    canonical_default,
    class_name_for,
    value_from_text,
)
from vivace.dialects.postgres_introspection import parse_default as pg_default
from vivace.dialects.postgres_introspection import parse_type as pg_type
from vivace.dialects.sqlite_casts import sqlite_cast
from vivace.dialects.sqlite_introspection import parse_default as sqlite_default
from vivace.dialects.sqlite_introspection import parse_type as sqlite_type
from vivace.dialects.sqlite_introspection import split_top_level, table_constraints, unquote
from vivace.exceptions import QueryError
from vivace.schema import IndexMethod, OnDelete
from vivace.schema.defaults import (
    UUID4,
    DateCustom,
    DateNow,
    DateOffset,
    IntervalCustom,
    TimeNow,
    TimeOffset,
    TimestampNow,
    TimestampOffset,
    TimestamptzNow,
    TimestamptzOffset,
)
from vivace.schema.spec import (
    CallableRef,
    ColumnSpec,
    ConstraintSpec,
    IndexSpec,
    ReferenceSpec,
    TableSpec,
)
from vivace.types import ValueType

PG = PostgresDialect().ddl
LITE = SQLiteDialect().ddl

KEY = ColumnSpec.of("id", "Serial", primary_key=True)
NAME = ColumnSpec.of("name", "Varchar", length=20, default="")
SIZE = ColumnSpec.of("size", "Integer", null=True)
OWNER = ColumnSpec.of(
    "owner",
    "ForeignKey",
    null=True,
    references=ReferenceSpec("Owner", "owner", None, ColumnSpec("id", "Serial")),
    on_delete=OnDelete.cascade,
)
BAND = TableSpec("Band", "band", None, (KEY, NAME, SIZE, OWNER))
MUSIC = BAND.replace(schema="music")


def test_postgres_alter_column_steps() -> None:
    assert PG.alter_column(BAND, SIZE, SIZE) == []
    assert PG.alter_column(BAND, SIZE, SIZE.replace_params(null=False)) == [
        'ALTER TABLE "band" ALTER COLUMN "size" SET NOT NULL'
    ]
    assert PG.alter_column(BAND, NAME, NAME.replace_params(default="x")) == [
        'ALTER TABLE "band" ALTER COLUMN "name" SET DEFAULT \'x\''
    ]
    assert PG.alter_column(BAND, NAME, NAME.replace_params(default=None)) == [
        'ALTER TABLE "band" ALTER COLUMN "name" DROP DEFAULT'
    ]
    # a type change drops the default first, converts with USING, then sets it again
    assert PG.alter_column(BAND, NAME, NAME.replace_params(length=50)) == [
        'ALTER TABLE "band" ALTER COLUMN "name" DROP DEFAULT',
        'ALTER TABLE "band" ALTER COLUMN "name" TYPE VARCHAR(50) USING "name"::VARCHAR(50)',
        'ALTER TABLE "band" ALTER COLUMN "name" SET DEFAULT \'\'',
    ]
    to_big = ColumnSpec("size", "BigSerial", SIZE.params)
    assert PG.alter_column(BAND, SIZE, to_big, using='"size" * 2') == [
        'ALTER TABLE "band" ALTER COLUMN "size" TYPE BIGINT USING "size" * 2'
    ]
    unique = PG.alter_column(BAND, NAME, NAME.replace_params(unique=True))
    assert unique == ['ALTER TABLE "band" ADD CONSTRAINT "band_name_key" UNIQUE ("name")']
    not_unique = PG.alter_column(BAND, NAME.replace_params(unique=True), NAME)
    assert not_unique[0].startswith("DO $vivace$") and "contype = 'u'" in not_unique[0]
    assert PG.alter_column(MUSIC, SIZE, SIZE.replace_params(index=True)) == [
        'CREATE INDEX "band_size" ON "music"."band" USING btree ("size")'
    ]
    indexed = SIZE.replace_params(index=True)
    assert PG.alter_column(BAND, indexed, indexed.replace_params(index_method=IndexMethod.gin)) == [
        'DROP INDEX IF EXISTS "band_size"',
        'CREATE INDEX "band_size" ON "band" USING gin ("size")',
    ]
    renamed = PG.alter_column(BAND, indexed, indexed.replace_params(db_column_name="amount"))
    assert renamed == [
        'ALTER TABLE "band" RENAME COLUMN "size" TO "amount"',
        'ALTER INDEX IF EXISTS "band_size" RENAME TO "band_amount"',
    ]
    relinked = PG.alter_column(BAND, OWNER, OWNER.replace_params(on_delete=OnDelete.set_null))
    assert "contype = 'f'" in relinked[0]
    assert relinked[1] == (
        'ALTER TABLE "band" ADD CONSTRAINT "band_owner_fkey" FOREIGN KEY ("owner") '
        'REFERENCES "owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE'
    )
    to_key = PG.alter_column(BAND, KEY.replace_params(primary_key=False), KEY)
    assert to_key == ['ALTER TABLE "band" ADD PRIMARY KEY ("id")']
    from_key = PG.alter_column(BAND, KEY, KEY.replace_params(primary_key=False))
    assert "contype = 'p'" in from_key[0]
    # Python-only params need no SQL
    assert PG.alter_column(BAND, NAME, NAME.replace_params(secret=True, help_text="h")) == []


def test_postgres_tables_constraints_indexes() -> None:
    assert PG.create_schema("music") == ['CREATE SCHEMA IF NOT EXISTS "music"']
    assert PG.create_table(MUSIC.replace(columns=(KEY,))) == [
        'CREATE SCHEMA IF NOT EXISTS "music"',
        'CREATE TABLE "music"."band" ("id" SERIAL PRIMARY KEY)',
    ]
    assert len(PG.create_table(MUSIC, create_schema=False)) == 1
    assert LITE.create_table(MUSIC.replace(columns=(KEY,))) == [
        'CREATE TABLE "band" ("id" INTEGER PRIMARY KEY)'
    ]
    assert PG.change_table_schema(BAND, "music") == [
        'CREATE SCHEMA IF NOT EXISTS "music"',
        'ALTER TABLE "band" SET SCHEMA "music"',
    ]
    assert (
        PG.change_table_schema(MUSIC, None)[-1] == 'ALTER TABLE "music"."band" SET SCHEMA "public"'
    )
    check = ConstraintSpec("band_small", "check", check='"size" < 10')
    assert PG.add_constraint(BAND, check) == [
        'ALTER TABLE "band" ADD CONSTRAINT "band_small" CHECK ("size" < 10)'
    ]
    assert PG.drop_constraint(BAND, "band_small") == [
        'ALTER TABLE "band" DROP CONSTRAINT "band_small"'
    ]
    index = IndexSpec("band_name_size", ("name", "size"), "hash", unique=True)
    assert PG.create_index(MUSIC, index, if_not_exists=True) == [
        'CREATE UNIQUE INDEX IF NOT EXISTS "band_name_size" ON "music"."band" USING hash '
        '("name", "size")'
    ]
    assert PG.drop_index(MUSIC, "band_name_size") == ['DROP INDEX "music"."band_name_size"']
    with pytest.raises(QueryError, match="unknown index method"):
        PG.index_using("brin")
    assert PG.rename_table(BAND.replace(columns=(KEY,)), "group") == [
        'ALTER TABLE "band" RENAME TO "group"'
    ]
    # what PostgreSQL named after the table follows it
    renamed = PG.rename_table(BAND.with_column(NAME.replace_params(index=True)), "group")
    assert renamed[1] == 'ALTER INDEX IF EXISTS "band_name" RENAME TO "group_name"'
    assert renamed[2] == (
        "DO $vivace$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint "
        "WHERE conrelid = '\"group\"'::regclass AND conname = 'band_owner_fkey') THEN "
        'ALTER TABLE "group" RENAME CONSTRAINT "band_owner_fkey" TO "group_owner_fkey"; '
        "END IF; END $vivace$"
    )
    column = PG.rename_column(BAND.with_column(NAME.replace_params(unique=True)), "name", "title")
    assert column[0] == 'ALTER TABLE "band" RENAME COLUMN "name" TO "title"'
    assert 'RENAME CONSTRAINT "band_name_key" TO "band_title_key"' in column[1]
    indexed = BAND.with_column(NAME.replace_params(index=True))
    assert LITE.rename_table(indexed, "group")[1:] == [
        'DROP INDEX "band_name"',
        'CREATE INDEX "group_name" ON "group" ("name")',
    ]
    assert LITE.rename_column(indexed, "name", "title") == [
        'DROP INDEX IF EXISTS "band_name"',
        'ALTER TABLE "band" RENAME COLUMN "name" TO "title"',
        'CREATE INDEX "band_title" ON "band" ("title")',
    ]
    with_index = BAND.replace(indexes=(index,))
    assert PG.create_table(with_index)[1].startswith('CREATE UNIQUE INDEX "band_name_size"')
    assert PG.add_column(BAND, SIZE.replace_params(index=True)) == [
        'ALTER TABLE "band" ADD COLUMN "size" INTEGER',
        'CREATE INDEX "band_size" ON "band" USING btree ("size")',
    ]


def test_sqlite_changes_in_place() -> None:
    assert LITE.alter_column(BAND, SIZE, SIZE) == []
    assert LITE.alter_column(BAND, SIZE, SIZE.replace_params(db_column_name="amount")) == [
        'ALTER TABLE "band" RENAME COLUMN "size" TO "amount"'
    ]
    indexed = SIZE.replace_params(index=True)
    assert LITE.alter_column(BAND, indexed, SIZE) == ['DROP INDEX IF EXISTS "band_size"']
    assert LITE.alter_column(BAND, SIZE, indexed) == ['CREATE INDEX "band_size" ON "band" ("size")']
    # a plain column is dropped, and a nullable one added, in place
    assert LITE.drop_column(BAND, SIZE) == ['ALTER TABLE "band" DROP COLUMN "size"']
    assert LITE.add_column(BAND, SIZE.renamed("more")) == [
        'ALTER TABLE "band" ADD COLUMN "more" INTEGER'
    ]
    assert LITE.change_table_schema(BAND, "x") == []
    assert LITE.create_schema("x") == []
    with pytest.raises(QueryError, match="whole spec"):
        LITE.alter_column(TableSpec("Band", "band", None, ()), SIZE, SIZE)


def test_sqlite_rebuild_statements() -> None:
    statements = LITE.alter_column(BAND, SIZE, SIZE.replace_params(null=False, default=0))
    assert statements[0].startswith('CREATE TEMP TABLE IF NOT EXISTS temp."_vivace_rebuild_guard"')
    assert statements[1] == (
        'INSERT INTO temp."_vivace_rebuild_guard" ("foreign_keys", "triggers") '
        "SELECT (SELECT foreign_keys FROM pragma_foreign_keys), (SELECT count(*) "
        "FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'band')"
    )
    assert statements[2] == (
        'CREATE TABLE "_vivace_new_band" ("id" INTEGER PRIMARY KEY, '
        '"name" VARCHAR(20) NOT NULL DEFAULT \'\', "size" INTEGER NOT NULL DEFAULT 0, '
        '"owner" INTEGER REFERENCES "owner" ("id") ON DELETE CASCADE ON UPDATE CASCADE)'
    )
    assert statements[3] == (
        'INSERT INTO "_vivace_new_band" ("id", "name", "size", "owner") '
        'SELECT "id", "name", "size", "owner" FROM "band"'
    )
    assert statements[4:6] == [
        'DROP TABLE "band"',
        'ALTER TABLE "_vivace_new_band" RENAME TO "band"',
    ]
    assert statements[-2].endswith("SELECT count(*) FROM pragma_foreign_key_check")
    assert statements[-1] == 'DROP TABLE temp."_vivace_rebuild_guard"'
    # a renamed column is copied from its old name; using= computes it
    renamed = LITE.alter_column(
        BAND, SIZE, SIZE.replace_params(db_column_name="amount", null=False), using='"size" + 1'
    )
    assert 'SELECT "id", "name", "size" + 1, "owner" FROM "band"' in renamed[3]
    # a column SQLite cannot add in place (UNIQUE) is added by a rebuild, filled by DEFAULT
    added = LITE.add_column(BAND, ColumnSpec.of("code", "Varchar", length=3, unique=True))
    assert 'SELECT "id", "name", "size", "owner" FROM "band"' in added[3]
    # a NOT NULL column whose default only Python computes gets it written in
    stamp = ColumnSpec.of("seen", "Timestamp", default=TimestampNow())
    filled = LITE.add_column(BAND, stamp)
    assert 'SELECT "id", "name", "size", "owner", \'' in filled[3]
    uuids = LITE.rebuild(BAND, BAND.with_column(ColumnSpec.of("u", "UUID", default=uuid.uuid4)))
    assert uuids[3].count("'") == 2
    dropped = LITE.drop_column(BAND, "owner")
    assert dropped[2].startswith('CREATE TABLE "_vivace_new_band"') and "owner" not in dropped[2]
    check = ConstraintSpec("band_small", "check", check='"size" < 10')
    assert "CHECK" in LITE.add_constraint(BAND, check)[2]
    assert "CHECK" not in LITE.drop_constraint(BAND.replace(constraints=(check,)), "band_small")[2]
    indexed = BAND.with_column(SIZE.replace_params(index=True))
    assert LITE.rebuild(indexed, indexed)[6] == 'CREATE INDEX "band_size" ON "band" ("size")'


def test_base_compiler_refuses_what_it_cannot_do() -> None:
    base = DDLCompiler(SQLiteDialect())
    for call in (
        lambda: base.set_null(BAND, "size", True),
        lambda: base.set_default(BAND, SIZE),
        lambda: base.drop_default(BAND, "size"),
        lambda: base.set_unique(BAND, "size", True),
        lambda: base.set_type(BAND, "size", SIZE),
        lambda: base.alter_column(BAND, SIZE, SIZE),
    ):
        with pytest.raises(QueryError, match="not supported"):
            call()
    with pytest.raises(QueryError, match="nulls_distinct"):
        base.constraint_sql(ConstraintSpec("u", "unique", ("a",), nulls_distinct=False))
    assert base.computed_default(UUID4()) == "gen_random_uuid()"
    assert base.array_literal(SIZE, []) is None
    assert Dialect().introspector.dialect is not None
    assert changed_params(SIZE, SIZE.replace_params(null=False, choices=None)) == {"null"}
    assert type_changed(SIZE, ColumnSpec("size", "BigInt", SIZE.params))


async def test_the_base_introspector_has_no_queries() -> None:
    with pytest.raises(NotImplementedError):
        await Introspector(SQLiteDialect()).introspect(_no_rows)


async def _no_rows(sql: str, params: object) -> list[dict[str, object]]:
    return []


def test_stored_form() -> None:
    array = ColumnSpec.of("tags", "Array", base_column=ColumnSpec("", "Integer"), default=[])
    big = ColumnSpec.of("id", "BigSerial", primary_key=True, default=5)
    table = TableSpec("T", "t", None, (big, array, ColumnSpec.of("u", "UUID", default=UUID4())))
    pg, lite = PG.stored_form(table), LITE.stored_form(table)
    assert pg.column("tags").default == CallableRef("builtins", "list")
    assert pg.column("id").default is None and pg.column("id").column_class == "BigSerial"
    assert lite.column("id").column_class == "Serial" and lite.column("u").default is None
    assert pg.column("u").default == UUID4()
    ref = ReferenceSpec("T", "t", None, ColumnSpec("id", "BigSerial"))
    fk = LITE.stored_column(ColumnSpec.of("t", "ForeignKey", references=ref))
    assert fk.references is not None and fk.references.column.column_class == "Serial"
    odd = LITE.stored_column(ColumnSpec.of("my col", "Integer"))
    assert (odd.name, odd.param("db_column_name")) == ("my_col", "my col")


# parsers -------------------------------------------------------------------------------------
def test_names() -> None:
    assert class_name_for("band_member") == "BandMember"
    assert class_name_for("2fa") == "T2fa" and class_name_for("__") == "Table"
    assert attribute_name("my col") == "my_col" and attribute_name("class") == "class_"
    assert attribute_name("1st") == "_1st"


def test_values_from_text() -> None:
    def value(kind: str, text: str) -> object:
        return value_from_text(CatalogColumn("c", kind), text)

    assert value("BigInt", "-3") == -3 and value("Numeric", "1.50") == decimal.Decimal("1.5")
    assert value("Real", "0.5") == 0.5 and value("Boolean", "t") is True
    assert value("Boolean", "0") is False and value("Text", "x") == "x"
    assert value("UUID", str(uuid.UUID(int=1))) == uuid.UUID(int=1)
    assert value("Date", "2020-01-02") == datetime.date(2020, 1, 2)
    assert value("Time", "10:00:00") == datetime.time(10)
    assert value("Timestamp", "2020-01-02 03:04:05") == datetime.datetime(2020, 1, 2, 3, 4, 5)
    assert value("Array", "{}") == CallableRef("builtins", "list")
    assert value("Interval", "1 day 02:00:00.5") == datetime.timedelta(days=1, hours=2, seconds=0.5)
    assert value("Interval", "-00:00:01") == datetime.timedelta(seconds=-1)
    assert value("Interval", "7 days") == datetime.timedelta(days=7)
    assert value("Interval", "1500") == datetime.timedelta(microseconds=1500)
    assert value("Timestamptz", "2020-01-02 03:04:05+00") == datetime.datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC
    )
    for kind, text in (("Boolean", "maybe"), ("Interval", "1 mon"), ("Integer", "x")):
        with pytest.raises(ValueError):
            value(kind, text)


def test_sqlite_parsers() -> None:
    assert sqlite_type("VARCHAR(20)") == ("Varchar", {"length": 20}, [])
    assert sqlite_type("varchar") == ("Varchar", {"length": None}, [])
    assert sqlite_type("CHAR(2)") == ("Char", {"length": 2}, [])
    assert sqlite_type("NUMERIC_TEXT(5, 2)") == ("Numeric", {"digits": (5, 2)}, [])
    assert sqlite_type("DECIMAL(5)") == ("Numeric", {"digits": (5, 0)}, [])
    assert sqlite_type("NUMERIC") == ("Numeric", {"digits": None}, [])
    kind, params, _ = sqlite_type("ARRAY_TEXT OF ARRAY_TEXT OF DOUBLE PRECISION")
    assert kind == "Array"
    assert params["base_column"].param("base_column") == ColumnSpec("", "DoublePrecision")
    assert sqlite_type("ARRAY_TEXT")[2] == ["array element type not recorded"]
    assert sqlite_type("POINT") == ("Text", {}, ["type 'POINT'"])
    assert unquote('"a""b"') == 'a"b' and unquote("[x]") == "x" and unquote("y") == "y"
    assert split_top_level("a, b (c, d), 'e,f', ") == ["a", "b (c, d)", "'e,f'"]
    found = table_constraints(
        'CREATE TABLE "t" ("a" INT, "b" INT, CONSTRAINT "u" UNIQUE ("a", "b"), '
        'CONSTRAINT c CHECK ("a" > (1)), UNIQUE ("b"))'
    )
    assert found == [
        ConstraintSpec("u", "unique", ("a", "b")),
        ConstraintSpec("c", "check", check='"a" > (1)'),
    ]
    blob = CatalogColumn("b", "Bytea")
    assert sqlite_default(blob, "X'01ff'") == b"\x01\xff"
    text = CatalogColumn("t", "Text")
    assert sqlite_default(text, "'it''s'") == "it's" and sqlite_default(text, "NULL") is None
    odd = CatalogColumn("i", "Integer")
    assert sqlite_default(odd, "(1 + 1)") is None and odd.notes == ["default (1 + 1)"]


def test_postgres_parsers() -> None:
    assert pg_type("character varying(20)") == ("Varchar", {"length": 20}, [])
    assert pg_type("character varying") == ("Varchar", {"length": None}, [])
    assert pg_type("character(3)") == ("Char", {"length": 3}, [])
    assert pg_type("numeric(5,2)") == ("Numeric", {"digits": (5, 2)}, [])
    assert pg_type("numeric") == ("Numeric", {"digits": None}, [])
    kind, params, _ = pg_type("integer[]")
    assert kind == "Array" and params["base_column"] == ColumnSpec("", "Integer")
    assert pg_type("tsvector") == ("Text", {}, ["type tsvector"])

    def default(kind: str, text: str | None) -> object:
        return pg_default(CatalogColumn("c", kind), text)

    assert default("Timestamp", "CURRENT_TIMESTAMP") == TimestampNow()
    assert default("Timestamptz", "now()") == TimestamptzNow()
    assert default("Date", "CURRENT_DATE") == DateNow()
    if TimeNow.postgres is not None:  # PostgreSQL's time of day, when Vivace writes it
        assert default("Time", TimeNow.postgres.upper()) == TimeNow()
    assert default("UUID", "gen_random_uuid()") == UUID4()
    assert default("Varchar", "'it''s'::character varying") == "it's"
    assert default("Bytea", "'\\x01ff'::bytea") == b"\x01\xff"
    assert default("Integer", "'-1'::integer") == -1 and default("Integer", "5") == 5
    assert default("Integer", None) is None and default("Text", "NULL::text") is None
    column = CatalogColumn("c", "Integer")
    assert pg_default(column, "(1 + 1)") is None and column.notes == ["default (1 + 1)"]
    later = "(CURRENT_TIMESTAMP + '1 day 01:00:00'::interval)"
    assert default("Timestamp", later) == TimestampOffset(days=1, hours=1)
    assert default("Timestamptz", later) == TimestamptzOffset(days=1, hours=1)
    assert default("Time", "(LOCALTIME + '01:30:00'::interval)") == TimeOffset(hours=1, minutes=30)
    assert default("Date", "(CURRENT_DATE + 7)") == DateOffset(days=7)
    assert default("Timestamp", "(CURRENT_TIMESTAMP + '1 mon'::interval)") is None
    assert default("Integer", "(CURRENT_DATE + 7)") is None


def test_canonical_defaults() -> None:
    assert canonical_default(TimestampOffset(hours=25)) == TimestampOffset(days=1, hours=1)
    assert canonical_default(TimeOffset(minutes=90)) == TimeOffset(hours=1, minutes=30)
    assert canonical_default(DateCustom(2020, 1, 2)) == datetime.date(2020, 1, 2)
    assert canonical_default(IntervalCustom(weeks=1)) == datetime.timedelta(days=7)
    assert canonical_default(DateOffset(days=3)) == DateOffset(days=3)
    assert canonical_default(5) == 5


def test_sqlite_casts() -> None:
    date, stamp, aware = ValueType("date"), ValueType("timestamp"), ValueType("timestamptz")
    assert sqlite_cast(date, stamp, "x") == "x || ' 00:00:00.000000'"
    assert sqlite_cast(date, aware, "x") == "x || ' 00:00:00.000000+00:00'"
    assert sqlite_cast(ValueType("real"), ValueType("bigint"), "x") == "CAST(ROUND(x) AS INTEGER)"
    assert sqlite_cast(ValueType("integer"), ValueType("text"), "x") is None
    retyped = LITE.alter_column(BAND, SIZE, ColumnSpec("size", "Boolean", SIZE.params))
    assert 'SELECT "id", "name", ("size" <> 0), "owner" FROM "band"' in retyped[3]
