"""Schema operations against real databases: create/drop tables, indexes, ALTER TABLE,
constraints and PostgreSQL schemas."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator

import pytest

from tests.conftest import UseTables, pg_config
from vivace import (
    Table,
    create_db_tables,
    create_db_tables_sync,
    create_table_class,
    drop_db_tables,
    drop_db_tables_sync,
    run_sync,
)
from vivace.columns import Check, ForeignKey, Integer, Numeric, Unique, Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.exceptions import (
    CheckViolation,
    ConfigurationError,
    DatabaseError,
    NotNullViolation,
    QueryError,
    UniqueViolation,
)
from vivace.table import sort_table_classes


class DManager(Table, tablename="d_manager"):
    name = Varchar(length=50)


class DBand(Table, tablename="d_band"):
    name = Varchar(length=50)
    manager = ForeignKey(DManager)
    popularity = Integer(index=True)
    price = Numeric(digits=(5, 2), null=True)


class DConcert(Table, tablename="d_concert"):
    band = ForeignKey(DBand)
    venue = Varchar(length=50, null=True)


class DAlter(Table, tablename="d_alter"):
    name = Varchar(length=20, null=True)
    popularity = Integer(null=True)
    price = Numeric(digits=(5, 2), null=True)
    code = Varchar(length=10, null=True)


class DConstrained(Table, tablename="d_constrained"):
    name = Varchar(length=50)
    city = Varchar(length=50)
    popularity = Integer()
    unique_name_city = Unique([name, city])
    popularity_positive = Check(popularity >= 0)


class DInSchema(Table, tablename="d_in_schema", schema="d_music"):
    name = Varchar(length=50, index=True)


class DSelf(Table, tablename="d_self"):
    name = Varchar(length=50)
    parent = ForeignKey("self")


def tables_of(*tables: type[Table]) -> list[str]:
    return [t._meta.tablename for t in tables]


async def columns_of(db: Engine, tablename: str) -> list[str]:
    """Column names as the database reports them."""
    if db.engine_type == "sqlite":
        rows = await db.fetch_sql(f'PRAGMA table_info("{tablename}")')
        return [r["name"] for r in rows]
    # MariaDB: the session's database; PostgreSQL: the public schema.
    schema = "DATABASE()" if db.engine_type == "mysql" else "'public'"
    rows = await db.fetch_sql(
        "SELECT column_name AS name FROM information_schema.columns "
        f"WHERE table_schema = {schema} AND table_name = {db.placeholder(1)} "
        "ORDER BY ordinal_position",
        [tablename],
    )
    return [r["name"] for r in rows]


@pytest.fixture
async def cleanup(db: Engine) -> AsyncIterator[list[str]]:
    """Table names to drop after the test (for tables made outside use_tables)."""
    names: list[str] = []
    yield names
    for name in names:
        await db.execute_ddl([f"DROP TABLE IF EXISTS {db.dialect.quote(name)}"])


# create and drop ----------------------------------------------------------------------------------


async def test_create_table_if_not_exists_twice(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DManager)
    await DManager.alter().drop_table()
    assert await DManager.table_exists() is False
    await DManager.create_table(if_not_exists=True)
    assert await DManager.table_exists() is True
    await DManager.insert(DManager(name="kept"))
    await DManager.create_table(if_not_exists=True)  # a no-op: the rows stay
    assert await DManager.select(DManager.name) == [{"name": "kept"}]
    with pytest.raises(DatabaseError):
        await DManager.create_table()


async def test_drop_table(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DManager)
    await DManager.alter().drop_table()
    assert await DManager.table_exists() is False
    await DManager.alter().drop_table(if_exists=True)  # nothing to drop, no error
    with pytest.raises(DatabaseError):
        await DManager.alter().drop_table()


async def test_create_and_drop_db_tables_in_dependency_order(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, DManager, DBand, DConcert)
    await drop_db_tables(DManager, DBand, DConcert)  # referenced tables first: still works
    for table in (DManager, DBand, DConcert):
        assert await table.table_exists() is False
    await create_db_tables(DConcert, DBand, DManager)  # the wrong order on purpose
    for table in (DManager, DBand, DConcert):
        assert await table.table_exists() is True
    manager = await DManager.objects().create(name="Guido")
    band = await DBand.objects().create(name="Pythonistas", manager=manager)
    await DConcert.objects().create(band=band)
    await create_db_tables(DConcert, DBand, DManager, if_not_exists=True)
    assert await DConcert.count() == 1
    await drop_db_tables(DManager, DConcert, DBand)
    for table in (DManager, DBand, DConcert):
        assert await table.table_exists() is False


def test_sort_table_classes() -> None:
    assert tables_of(*sort_table_classes([DConcert, DBand, DManager])) == tables_of(
        DManager, DBand, DConcert
    )
    assert tables_of(*sort_table_classes([DConcert, DManager])) == tables_of(DManager, DConcert)
    assert tables_of(*sort_table_classes([DBand, DConcert, DManager, DBand])) == tables_of(
        DManager, DBand, DConcert
    )
    # a table pointing at itself is no cycle
    assert sort_table_classes([DSelf]) == [DSelf]


def test_sort_table_classes_refuses_a_cycle() -> None:
    cycle_a = create_table_class(
        "DCycleA",
        class_kwargs={"tablename": "d_cycle_a"},
        class_members={"other": ForeignKey("DCycleB")},
    )
    cycle_b = create_table_class(
        "DCycleB",
        class_kwargs={"tablename": "d_cycle_b"},
        class_members={"other": ForeignKey(cycle_a)},
    )
    with pytest.raises(ConfigurationError):
        sort_table_classes([cycle_a, cycle_b])


async def test_self_referencing_table(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DSelf)
    parent = await DSelf.objects().create(name="parent")
    await DSelf.objects().create(name="child", parent=parent)
    rows = await DSelf.select(DSelf.name, DSelf.parent.name).order_by(DSelf.id)
    assert rows == [
        {"name": "parent", "parent.name": None},
        {"name": "child", "parent.name": "parent"},
    ]


@pytest.mark.parametrize("engine_name", ["sqlite", "postgres"])
def test_create_and_drop_db_tables_sync(engine_name: str, request: pytest.FixtureRequest) -> None:
    """The sync helpers from plain synchronous code, on an engine of their own."""
    if engine_name == "postgres":
        request.getfixturevalue("postgres_db")  # skips when PostgreSQL is unreachable
    folder = tempfile.TemporaryDirectory(prefix="vivace-ddl-sync-")
    engine: Engine
    if engine_name == "sqlite":
        engine = SQLiteEngine(path=os.path.join(folder.name, "sync.sqlite"))
    else:
        engine = PostgresEngine(config=pg_config())
    tables = (DManager, DBand, DConcert)
    previous = [t._meta._db for t in tables]
    for table in tables:
        table._meta.db = engine
    try:
        drop_db_tables_sync(*tables)
        create_db_tables_sync(DConcert, DBand, DManager)
        assert [t.table_exists().run_sync() for t in tables] == [True, True, True]
        create_db_tables_sync(*tables, if_not_exists=True)
        drop_db_tables_sync(DManager, DBand, DConcert)
        assert [t.table_exists().run_sync() for t in tables] == [False, False, False]
    finally:
        drop_db_tables_sync(*tables)
        run_sync(engine.close_connection_pool())
        for table, old in zip(tables, previous, strict=True):
            table._meta.db = old
        folder.cleanup()


async def test_create_table_class(db: Engine, cleanup: list[str]) -> None:
    cleanup.append("d_dynamic")
    dynamic = create_table_class(
        "DDynamic",
        class_kwargs={"tablename": "d_dynamic", "db": db},
        class_members={"name": Varchar(length=30), "rank": Integer(default=3)},
    )
    assert issubclass(dynamic, Table)
    assert dynamic.__name__ == "DDynamic"
    assert dynamic._meta.tablename == "d_dynamic"
    assert [c._meta.name for c in dynamic._meta.columns] == ["id", "name", "rank"]
    await dynamic.alter().drop_table(if_exists=True)
    await dynamic.create_table()
    assert await dynamic.table_exists() is True
    row = dynamic(name="made at run time")
    await dynamic.insert(row)
    assert await dynamic.select() == [{"id": row.id, "name": "made at run time", "rank": 3}]
    assert await dynamic.objects().first() == row
    await dynamic.alter().drop_table()
    assert await dynamic.table_exists() is False
    # the default table name comes from the class name
    assert create_table_class("DRecordingStudio")._meta.tablename == "d_recording_studio"


# indexes ----------------------------------------------------------------------------------------


async def test_index_true_creates_an_index(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DManager, DBand)
    indexes = await DBand.indexes()
    assert "d_band_popularity" in indexes
    assert "d_band_name" not in indexes


async def test_create_and_drop_index(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DManager, DBand)
    before = await DBand.indexes()
    await DBand.create_index([DBand.name])
    assert set(await DBand.indexes()) == {*before, "d_band_name"}
    with pytest.raises(DatabaseError):
        await DBand.create_index([DBand.name])
    await DBand.create_index([DBand.name], if_not_exists=True)
    await DBand.create_index([DBand.name, DBand.price])
    assert "d_band_name_price" in await DBand.indexes()
    await DBand.drop_index([DBand.name])
    after = await DBand.indexes()
    assert "d_band_name" not in after and "d_band_name_price" in after
    await DBand.drop_index([DBand.name])  # if_exists by default
    with pytest.raises(DatabaseError):
        await DBand.drop_index([DBand.name], if_exists=False)
    await DBand.drop_index(["name", "price"])
    assert set(await DBand.indexes()) == set(before)


async def test_index_methods(db: Engine, use_tables: UseTables) -> None:
    from vivace.columns import IndexMethod

    await use_tables(db, DManager, DBand)
    if db.engine_type == "postgres":
        await DBand.create_index([DBand.name], method=IndexMethod.hash)
        rows = await db.fetch_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'd_band_name'")
        assert "USING hash" in rows[0]["indexdef"]
    else:
        with pytest.raises(QueryError):
            await DBand.create_index([DBand.name], method=IndexMethod.hash)


# alter --------------------------------------------------------------------------------------------


async def test_add_column(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DAlter)
    await DAlter.insert(DAlter(name="before"))
    await DAlter.alter().add_column("genre", Varchar(length=20, default="rock"))
    assert "genre" in await columns_of(db, "d_alter")
    # the existing row gets the default; new rows can set it
    rows = await DAlter.raw("SELECT name, genre FROM d_alter")
    assert rows == [{"name": "before", "genre": "rock"}]
    await DAlter.raw("INSERT INTO d_alter (name, genre) VALUES ({}, {})", "after", "jazz")
    rows = await DAlter.raw("SELECT name, genre FROM d_alter ORDER BY id")
    assert rows == [{"name": "before", "genre": "rock"}, {"name": "after", "genre": "jazz"}]
    # the Table class is not changed by the alter
    assert "genre" not in DAlter._meta.column_by_name
    assert await DAlter.select(DAlter.name).order_by(DAlter.id) == [
        {"name": "before"},
        {"name": "after"},
    ]


async def test_drop_column(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DAlter)
    await DAlter.alter().drop_column(DAlter.code)
    assert "code" not in await columns_of(db, "d_alter")
    await DAlter.alter().drop_column("price")
    assert await columns_of(db, "d_alter") == ["id", "name", "popularity"]


async def test_rename_column(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DAlter)
    await DAlter.insert(DAlter(name="x", code="c1"))
    await DAlter.alter().rename_column(DAlter.code, "tag")
    columns = await columns_of(db, "d_alter")
    assert "tag" in columns and "code" not in columns
    assert await DAlter.raw("SELECT tag FROM d_alter") == [{"tag": "c1"}]
    await DAlter.alter().rename_column("tag", "code")  # by name, and back
    assert await DAlter.select(DAlter.code) == [{"code": "c1"}]


async def test_rename_table(db: Engine, use_tables: UseTables, cleanup: list[str]) -> None:
    await use_tables(db, DAlter)
    cleanup.append("d_alter_renamed")
    await DAlter.insert(DAlter(name="moved"))
    await DAlter.alter().rename_table("d_alter_renamed")
    assert await DAlter.table_exists() is False
    assert await DAlter.raw("SELECT name FROM d_alter_renamed") == [{"name": "moved"}]


async def test_several_alter_steps_in_one_query(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DAlter)
    query = (
        DAlter.alter()
        .add_column("extra", Integer(null=True))
        .rename_column("extra", "bonus")
        .drop_column("code")
    )
    assert len(query.statements()) == 3
    await query
    columns = await columns_of(db, "d_alter")
    assert "bonus" in columns and "extra" not in columns and "code" not in columns


# set_null, set_default, set_unique, set_column_type, set_length, set_digits: on both
# engines in test_alter_columns.py


# constraints --------------------------------------------------------------------------------------


async def test_unique_constraint(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DConstrained)
    await DConstrained.insert(
        DConstrained(name="a", city="x", popularity=1),
        DConstrained(name="a", city="y", popularity=1),
        DConstrained(name="b", city="x", popularity=1),
    )
    with pytest.raises(UniqueViolation):
        await DConstrained.insert(DConstrained(name="a", city="x", popularity=2))
    assert await DConstrained.count() == 3


async def test_check_constraint(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, DConstrained)
    await DConstrained.insert(DConstrained(name="a", city="x", popularity=0))
    with pytest.raises(CheckViolation):
        await DConstrained.insert(DConstrained(name="b", city="x", popularity=-1))
    with pytest.raises(CheckViolation):
        await DConstrained.update({DConstrained.popularity: -5}).where(DConstrained.name == "a")
    assert await DConstrained.select(DConstrained.popularity) == [{"popularity": 0}]


async def test_not_null_and_foreign_key_enforced(db: Engine, use_tables: UseTables) -> None:
    from vivace.exceptions import ForeignKeyViolation

    await use_tables(db, DManager, DBand)
    with pytest.raises(NotNullViolation):
        await DBand.insert(DBand(name=None))
    with pytest.raises(ForeignKeyViolation):
        await DBand.insert(DBand(name="orphan", manager=123456))
    assert await DBand.count() == 0


# schemas ------------------------------------------------------------------------------------------


@pytest.fixture
async def drop_music_schema(postgres_db: Engine) -> AsyncIterator[None]:
    yield
    await postgres_db.execute_ddl(['DROP SCHEMA IF EXISTS "d_music" CASCADE'])


async def test_schema_postgres(
    postgres_db: Engine, use_tables: UseTables, drop_music_schema: None
) -> None:
    await use_tables(postgres_db, DInSchema)  # the schema is created with the table
    assert await DInSchema.table_exists() is True
    rows = await postgres_db.fetch_sql(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'd_in_schema'"
    )
    assert rows == [{"table_schema": "d_music"}]
    row = DInSchema(name="Pythonistas")
    await DInSchema.insert(row)
    assert await DInSchema.select() == [{"id": row.id, "name": "Pythonistas"}]
    assert await DInSchema.objects().get(DInSchema.name == "Pythonistas") == row
    assert "d_in_schema_name" in await DInSchema.indexes()
    await DInSchema.create_index([DInSchema.id, DInSchema.name])
    assert "d_in_schema_id_name" in await DInSchema.indexes()
    await DInSchema.drop_index([DInSchema.id, DInSchema.name])
    assert "d_in_schema_id_name" not in await DInSchema.indexes()
    await DInSchema.update({DInSchema.name: "Renamed"}).where(DInSchema.id == row.id)
    assert await DInSchema.count().where(DInSchema.name == "Renamed") == 1
    await DInSchema.delete().where(DInSchema.id == row.id)
    assert await DInSchema.exists() is False
    await DInSchema.alter().drop_table()
    assert await DInSchema.table_exists() is False
    # it is not in the public schema
    public = await postgres_db.fetch_sql(
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_name = 'd_in_schema'"
    )
    assert public == []
