"""``Band.alter()`` column changes on every engine: in place on PostgreSQL, by SQLite's
table rebuild, by MariaDB's ``MODIFY COLUMN`` (both compiled by the same ``alter_column``
as migrations, from the live table): the change happens, rows, indexes and foreign keys
survive, ``foreign_key_check`` is clean."""

from __future__ import annotations

import decimal

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import BigInt, ForeignKey, Integer, Numeric, Varchar
from vivace.engine import Engine
from vivace.exceptions import (
    DatabaseError,
    DataError,
    ForeignKeyViolation,
    NotNullViolation,
    QueryError,
    UniqueViolation,
)
from vivace.schema.spec import ColumnSpec


class AcLabel(Table, tablename="ac_label"):
    name = Varchar(length=50)


class AcRecord(Table, tablename="ac_record"):
    name = Varchar(length=20, null=True)
    popularity = Integer(null=True, index=True)
    price = Numeric(digits=(5, 2), null=True)
    code = Varchar(length=10, null=True, default=None)  # no '' default: it becomes an int
    label = ForeignKey(AcLabel, null=True)


class AcTrack(Table, tablename="ac_track"):
    record = ForeignKey(AcRecord)
    title = Varchar(length=50)


async def live(db: Engine, column: str, tablename: str = "ac_record") -> ColumnSpec:
    """The column as the database describes it now."""
    table = (await db.introspect(tablenames=[tablename])).by_tablename(tablename)
    assert table is not None
    found = table.column_by_db_name(column)
    assert found is not None
    return found


async def fill(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, AcLabel, AcRecord, AcTrack)
    label = AcLabel(name="L")
    await label.save()
    await AcRecord.insert(
        AcRecord(name="a", popularity=1, price=decimal.Decimal("1.25"), code="17", label=label),
        AcRecord(name="b", popularity=2, price=None, code="18", label=None),
    )
    await AcTrack.insert(AcTrack(record=1, title="t1"), AcTrack(record=2, title="t2"))


async def rows(db: Engine) -> list[dict[str, object]]:
    return await AcRecord.raw("SELECT id, name, popularity, code FROM ac_record ORDER BY id")


async def assert_intact(db: Engine) -> None:
    """The index on popularity, the keys to and from the table, and SQLite's own check."""
    assert "ac_record_popularity" in await AcRecord.indexes()
    with pytest.raises(ForeignKeyViolation):
        await AcTrack.insert(AcTrack(record=99, title="dangling"))
    if db.engine_type == "sqlite":
        assert await db.fetch_sql("PRAGMA foreign_key_check") == []
    assert await AcTrack.count() == 2


async def test_set_null_and_default(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    before = await rows(db)
    await AcRecord.alter().set_null(AcRecord.popularity, False)
    assert (await live(db, "popularity")).null is False
    with pytest.raises(NotNullViolation):
        await AcRecord.insert(AcRecord(name="x", popularity=None))
    await AcRecord.alter().set_default(AcRecord.popularity, 42)
    await AcRecord.raw("INSERT INTO ac_record (name) VALUES ({})", "defaulted")
    assert await AcRecord.select(AcRecord.popularity).where(AcRecord.name == "defaulted") == [
        {"popularity": 42}
    ]
    await AcRecord.alter().drop_default(AcRecord.popularity).set_null("popularity", True)
    assert (await live(db, "popularity")).default is None
    await AcRecord.raw("INSERT INTO ac_record (name) VALUES ({})", "no default")
    assert await AcRecord.count().where(AcRecord.popularity.is_null()) == 1
    assert (await rows(db))[:2] == before
    await assert_intact(db)


async def test_set_unique(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    await AcRecord.alter().set_unique(AcRecord.name, True)
    assert (await live(db, "name")).unique is True
    with pytest.raises(UniqueViolation):
        await AcRecord.insert(AcRecord(name="a"))
    await AcRecord.alter().set_unique("name", False)
    await AcRecord.insert(AcRecord(name="a"))
    assert await AcRecord.count().where(AcRecord.name == "a") == 2
    await assert_intact(db)


async def test_set_column_type_length_and_digits(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    await AcRecord.alter().set_column_type(AcRecord.popularity, BigInt())
    assert (await live(db, "popularity")).column_class == "BigInt"
    await AcRecord.raw("UPDATE ac_record SET popularity = {} WHERE id = 1", 2**40)
    # text to integer, converted by a USING expression both engines understand
    using = 'CAST("code" AS INTEGER)'
    await AcRecord.alter().set_column_type(AcRecord.code, Integer(), using_expression=using)
    assert (await live(db, "code")).column_class == "Integer"
    assert await rows(db) == [
        {"id": 1, "name": "a", "popularity": 2**40, "code": 17},
        {"id": 2, "name": "b", "popularity": 2, "code": 18},
    ]
    # a default that is no value of the new type is dropped first, in the same chain
    await AcRecord.alter().add_column("grade", Varchar(length=5, default="3"))
    retype = AcRecord.alter().set_column_type("grade", Integer(), 'CAST("grade" AS INTEGER)')
    with pytest.raises((QueryError, DatabaseError)):  # SQLite refuses it before PostgreSQL
        await retype
    await (
        AcRecord.alter()
        .drop_default("grade")
        .set_column_type("grade", Integer(), 'CAST("grade" AS INTEGER)')
    )
    assert await AcRecord.raw("SELECT grade FROM ac_record") == [{"grade": 3}, {"grade": 3}]
    await AcRecord.alter().set_length(AcRecord.name, 5)
    assert (await live(db, "name")).param("length") == 5
    if db.engine_type != "sqlite":  # SQLite keeps the declared length, never enforces it
        with pytest.raises(DataError):  # grade too: NOT NULL, and the class lacks it
            await AcRecord.raw("INSERT INTO ac_record (name, grade) VALUES ({}, 1)", "123456")
    await AcRecord.alter().set_digits(AcRecord.price, (8, 1))
    assert (await live(db, "price")).param("digits") == (8, 1)
    await assert_intact(db)


async def test_drop_columns_something_depends_on(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    # an indexed column and a foreign key: SQLite's DROP COLUMN refuses both
    await AcRecord.alter().drop_column(AcRecord.popularity).drop_column(AcRecord.label)
    columns = await AcRecord.raw("SELECT * FROM ac_record ORDER BY id")
    assert [sorted(row) for row in columns] == [["code", "id", "name", "price"]] * 2
    assert "ac_record_popularity" not in await AcRecord.indexes()
    with pytest.raises(ForeignKeyViolation):
        await AcTrack.insert(AcTrack(record=99, title="dangling"))
    # a unique column cannot be added in place on SQLite either
    # (NULL for the rows there: Varchar's own default '' would be the same on both rows)
    serial_no = Varchar(length=10, unique=True, null=True, default=None)
    await AcRecord.alter().add_column("serial_no", serial_no)
    assert (await live(db, "serial_no")).unique is True


async def test_the_live_table_is_kept_where_it_differs_from_the_class(
    db: Engine, use_tables: UseTables
) -> None:
    await fill(db, use_tables)
    # a column the class does not have: a rebuild made from the class would drop it
    await AcRecord.alter().add_column("extra", Varchar(length=10, null=True))
    await AcRecord.raw("UPDATE ac_record SET extra = {}", "kept")
    await AcRecord.alter().rename_column("code", "tag").set_null("tag", False)
    assert (await live(db, "tag")).null is False
    extra = await AcRecord.raw("SELECT extra, tag FROM ac_record ORDER BY id")
    assert extra == [{"extra": "kept", "tag": "17"}, {"extra": "kept", "tag": "18"}]
    await assert_intact(db)


async def test_a_failing_change_changes_nothing(db: Engine, use_tables: UseTables) -> None:
    await fill(db, use_tables)
    await AcRecord.insert(AcRecord(name=None))
    # MariaDB's strict mode calls a NULL that cannot stay "Data truncated" (error 1265)
    refused = DataError if db.engine_type == "mysql" else NotNullViolation
    with pytest.raises(refused):
        await AcRecord.alter().set_null(AcRecord.name, False)
    assert (await live(db, "name")).null is True
    assert await AcRecord.count() == 3
    await assert_intact(db)


async def test_sqlite_refuses_a_rebuild_that_would_lose_an_index(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await fill(sqlite_db, use_tables)
    await sqlite_db.fetch_sql('CREATE INDEX "ac_record_lower" ON "ac_record" (lower("name"))')
    with pytest.raises(QueryError, match="expression index ac_record_lower"):
        await AcRecord.alter().set_null(AcRecord.popularity, False)
    assert (await live(sqlite_db, "popularity")).null is True
