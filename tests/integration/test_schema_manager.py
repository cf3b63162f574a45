"""``SchemaManager`` (``vivace.schema``), ``alter().set_schema()``, index names and the
``ddl`` of schema queries, against real databases: PostgreSQL has schemas, SQLite and
MariaDB refuse every schema operation with ``NotSupportedError``."""

from __future__ import annotations

import re
import warnings
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import patch

import pytest

import vivace.schema
from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Column, Integer, Varchar
from vivace.engine import Engine
from vivace.exceptions import DatabaseError, NotSupportedError
from vivace.schema import (
    CreateSchema,
    DropSchema,
    ListSchemas,
    ListTables,
    MoveTable,
    RenameSchema,
    SchemaManager,
)
from vivace.schema.spec import TableSpec
from vivace.table import TABLENAME_WARNING

SCHEMAS = ("sm_music", "sm_archive", "sm_renamed")


class SmBand(Table, tablename="sm_band"):
    name = Varchar(length=50)


class SmConcert(Table, tablename="sm_concert"):
    order = Integer()  # a reserved word as a column name


@pytest.fixture
async def clean_schemas(postgres_db: Engine) -> AsyncIterator[SchemaManager]:
    manager = SchemaManager(db=postgres_db)
    for name in SCHEMAS:
        await manager.drop_schema(name, cascade=True)
    yield manager
    for name in SCHEMAS:
        await manager.drop_schema(name, cascade=True)


# the import path --------------------------------------------------------------------------------
def test_names_come_from_the_orm_layer() -> None:
    from vivace.orm import schema_manager

    assert SchemaManager is schema_manager.SchemaManager
    assert vivace.schema.MoveTable is schema_manager.MoveTable
    assert "SchemaManager" in vivace.schema.__all__
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        vivace.schema.NoSuchName  # noqa: B018


# PostgreSQL -------------------------------------------------------------------------------------
async def test_schema_statements_are_quoted(postgres_db: Engine) -> None:
    manager = SchemaManager(db=postgres_db)
    assert str(manager.create_schema("sm music")) == 'CREATE SCHEMA IF NOT EXISTS "sm music"'
    assert str(manager.create_schema("m", if_not_exists=False)) == 'CREATE SCHEMA "m"'
    assert str(manager.drop_schema("m")) == 'DROP SCHEMA IF EXISTS "m"'
    assert str(manager.drop_schema("m", if_exists=False, cascade=True)) == 'DROP SCHEMA "m" CASCADE'
    assert str(manager.rename_schema("a", "b")) == 'ALTER SCHEMA "a" RENAME TO "b"'
    assert str(manager.move_table("band", "m")) == 'ALTER TABLE "band" SET SCHEMA "m"'
    moved = manager.move_table("band", "m", current_schema="old")
    assert str(moved) == 'ALTER TABLE "old"."band" SET SCHEMA "m"'
    assert moved.ddl == str(moved)
    assert isinstance(manager.create_schema("m"), CreateSchema)
    assert isinstance(manager.drop_schema("m"), DropSchema)
    assert isinstance(manager.rename_schema("a", "b"), RenameSchema)
    assert isinstance(moved, MoveTable)
    assert isinstance(manager.list_tables("m"), ListTables)
    assert isinstance(manager.list_schemas(), ListSchemas)


async def test_schema_lifecycle(
    postgres_db: Engine, use_tables: UseTables, clean_schemas: SchemaManager
) -> None:
    manager = clean_schemas
    assert await manager.create_schema("sm_music") == []
    await manager.create_schema("sm_music")  # if_not_exists by default
    with pytest.raises(DatabaseError):
        await manager.create_schema("sm_music", if_not_exists=False)
    await manager.create_schema("public", if_not_exists=False)  # always there: left alone
    schemas = await manager.list_schemas()
    assert {"public", "sm_music"} <= set(schemas)
    assert await manager.list_tables("sm_music") == []

    await use_tables(postgres_db, SmBand)
    await SmBand.insert(SmBand(name="Pythonistas"))
    await manager.move_table("sm_band", new_schema="sm_music")
    assert await manager.list_tables("sm_music") == ["sm_band"]
    assert "sm_band" not in await manager.list_tables("public")

    await manager.create_schema("sm_archive")
    await manager.move_table("sm_band", "sm_archive", current_schema="sm_music")
    assert await manager.list_tables("sm_archive") == ["sm_band"]

    await manager.rename_schema("sm_archive", "sm_renamed")
    assert "sm_archive" not in await manager.list_schemas()
    rows = await postgres_db.fetch_sql('SELECT name FROM "sm_renamed"."sm_band"')
    assert rows == [{"name": "Pythonistas"}]

    with pytest.raises(DatabaseError):  # not empty
        await manager.drop_schema("sm_renamed")
    await manager.drop_schema("sm_renamed", cascade=True)
    assert "sm_renamed" not in await manager.list_schemas()
    await manager.drop_schema("sm_renamed")  # if_exists by default
    with pytest.raises(DatabaseError):
        await manager.drop_schema("sm_renamed", if_exists=False)


def test_schema_manager_run_sync(postgres_db: Engine, clean_schemas: SchemaManager) -> None:
    manager = clean_schemas
    assert manager.create_schema("sm_music").run_sync() == []
    assert "sm_music" in manager.list_schemas().run_sync()
    assert manager.list_tables("sm_music").run_sync() == []
    manager.drop_schema("sm_music").run_sync()


async def test_alter_set_schema(
    postgres_db: Engine, use_tables: UseTables, clean_schemas: SchemaManager
) -> None:
    await use_tables(postgres_db, SmBand)
    query = SmBand.alter().set_schema("sm_music")
    assert str(query) == 'ALTER TABLE "sm_band" SET SCHEMA "sm_music"'
    with pytest.raises(DatabaseError):  # the schema must exist, as in Piccolo
        await query
    await clean_schemas.create_schema("sm_music")
    assert await query == []
    assert await clean_schemas.list_tables("sm_music") == ["sm_band"]
    assert "sm_band" not in await clean_schemas.list_tables("public")


# SQLite and MariaDB -----------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "mysql"])
def schemaless_db(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{request.param}_db")
    return engine


async def test_no_schemas_elsewhere(schemaless_db: Engine, use_tables: UseTables) -> None:
    engine = schemaless_db
    manager = SchemaManager(db=engine)
    queries = {
        "create_schema()": manager.create_schema("sm_music"),
        "drop_schema()": manager.drop_schema("sm_music"),
        "rename_schema()": manager.rename_schema("sm_music", "sm_archive"),
        "move_table()": manager.move_table("sm_band", "sm_music"),
    }
    for what, query in queries.items():
        with pytest.raises(
            NotSupportedError, match=rf"^{re.escape(what)} is not supported on \w+: it has no"
        ):
            await query
        with pytest.raises(NotImplementedError):
            str(query)
    with pytest.raises(NotSupportedError, match="list_tables"):
        await manager.list_tables("sm_music")
    with pytest.raises(NotSupportedError, match="list_schemas"):
        manager.list_schemas().run_sync()

    await use_tables(engine, SmBand)
    with pytest.raises(NotSupportedError, match="set_schema"):
        await SmBand.alter().set_schema("sm_music")
    assert await SmBand.table_exists()


# index names and ``ddl`` ------------------------------------------------------------------------
async def test_index_names(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, SmBand, SmConcert)
    assert SmBand._get_index_name(["name", "id"]) == "sm_band_name_id"
    cases: list[tuple[type[Table], list[Column[Any]]]] = [
        (SmBand, [SmBand.name]),
        (SmBand, [SmBand.id, SmBand.name]),
        (SmConcert, [SmConcert.order]),
    ]
    for table, columns in cases:
        name = table._get_index_name([c._meta.name for c in columns])
        await table.create_index(columns)
        assert name in await table.indexes()
        await table.drop_index(columns)
        assert name not in await table.indexes()


def test_long_index_name_is_the_one_create_index_uses(sqlite_db: Engine) -> None:
    columns = ["c" * 40, "d" * 40]
    name = SmBand._get_index_name(columns)
    assert len(name.encode()) <= 63
    assert name == SmBand._get_index_name(columns)  # the same every time
    spec_name = sqlite_db.dialect.ddl.index_name(TableSpec("SmBand", "sm_band", None, ()), columns)
    assert name == spec_name


async def test_ddl_of_schema_queries(sqlite_db: Engine, use_tables: UseTables) -> None:
    await use_tables(sqlite_db, SmBand)
    create = SmBand.create_table(if_not_exists=True)
    assert create.ddl[0].startswith('CREATE TABLE IF NOT EXISTS "sm_band"')
    alter = SmBand.alter().rename_column(SmBand.name, "title")
    assert alter.ddl == ['ALTER TABLE "sm_band" RENAME COLUMN "name" TO "title"']
    assert SmBand.create_index([SmBand.name], if_not_exists=True).ddl == [
        'CREATE INDEX IF NOT EXISTS "sm_band_name" ON "sm_band" ("name")'
    ]


# reserved table names ---------------------------------------------------------------------------
def test_reserved_tablename_warns() -> None:
    expected = TABLENAME_WARNING.format(tablename="user")
    with pytest.warns(UserWarning, match="reserved word") as caught:

        class User(Table):
            pass

    assert [str(w.message) for w in caught] == [expected]
    with patch("vivace.table.warnings") as patched:

        class MyUser(Table, tablename="user"):
            pass

        patched.warn.assert_called_with(expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class Users(Table):  # not reserved: no warning
            pass


def test_dotted_tablename_warns_and_names_the_schema() -> None:
    """``tablename="archive.band"``: the schema and the table, with Piccolo's warning."""
    with patch("vivace.table.warnings") as patched:

        class ArchivedBand(Table, tablename="sm_archive.band"):
            pass

        patched.warn.assert_called_once_with(
            "There's a '.' in the tablename - please use the `schema` argument instead."
        )
    assert (ArchivedBand._meta.schema, ArchivedBand._meta.tablename) == ("sm_archive", "band")
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class SchemaBand(Table, tablename="band", schema="sm_archive"):  # the way to say it
            pass
