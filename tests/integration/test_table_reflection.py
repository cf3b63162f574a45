"""``TableStorage``: Table classes reflected from a live database, on every engine."""

from __future__ import annotations

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Integer, Varchar
from vivace.engine import Engine
from vivace.schema.registry import find_table
from vivace.table_reflection import TableStorage


class ReflManager(Table, tablename="refl_manager"):
    name = Varchar(length=50)


class ReflBand(Table, tablename="refl_band"):
    name = Varchar(length=50, unique=True)
    popularity = Integer(default=0)
    manager = ForeignKey(ReflManager)


class ReflHidden(Table, tablename="refl_hidden"):
    secret = Varchar()


async def test_reflect_query_and_join(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, ReflManager, ReflBand, ReflHidden)
    await ReflManager.insert(ReflManager(name="Guido"))
    await ReflBand.insert(ReflBand(name="Pythonistas", popularity=10, manager=1))
    storage = TableStorage(db)
    storage.clear()
    assert TableStorage(db) is storage  # one storage per engine, as Piccolo's singleton
    await storage.reflect(
        include=["refl_band", "refl_manager", "refl_hidden"], exclude="refl_hidden"
    )
    assert sorted(storage.tables) == ["refl_band", "refl_manager"]
    band = storage.tables["refl_band"]
    assert band.__name__ == "ReflBand" and band is not ReflBand
    # reflected classes never enter the registry: the project's class is still found
    assert find_table("ReflBand", None) is ReflBand
    rows = await band.select(band.name, band.manager.name)  # type: ignore[attr-defined]
    assert rows == [{"name": "Pythonistas", "manager.name": "Guido"}]
    assert band.manager.resolved_references is storage.tables["refl_manager"]  # type: ignore[attr-defined]
    await band.insert(band(name="Rustaceans", manager=1))
    assert await ReflBand.count() == 2
    # keep_existing leaves reflected classes alone and adds the missing ones
    await storage.reflect(include=["refl_band", "refl_hidden"], keep_existing=True)
    assert storage.tables["refl_band"] is band
    assert "refl_hidden" in storage.tables
    # get_table reflects on demand; an unknown table gives None
    storage.clear()
    manager = await storage.get_table("refl_manager")
    assert manager is not None and await manager.count() == 1
    assert await storage.get_table("refl_nothing") is None
    assert "refl_manager" in repr(storage)


async def test_reflect_a_schema(postgres_db: Engine) -> None:
    await postgres_db.execute_ddl(
        [
            'CREATE SCHEMA IF NOT EXISTS "refl_music"',
            'CREATE TABLE "refl_music"."album" ("id" SERIAL PRIMARY KEY, "title" VARCHAR(20))',
        ]
    )
    try:
        storage = TableStorage(postgres_db)
        await storage.reflect(schema_name="refl_music")
        album = await storage.get_table("refl_music.album")
        assert album is not None and album._meta.schema == "refl_music"
        await album.insert(album(title="Blue"))
        assert await album.select(album.title) == [{"title": "Blue"}]  # type: ignore[attr-defined]
    finally:
        await postgres_db.execute_ddl(['DROP SCHEMA "refl_music" CASCADE'])


async def test_schema_name_is_ignored_on_mariadb(mysql_db: Engine, use_tables: UseTables) -> None:
    """MariaDB tables are named without a schema: another schema name reads the
    connection's own database (as on SQLite), never classes that would act elsewhere."""
    await use_tables(mysql_db, ReflManager)
    storage = TableStorage(mysql_db)
    storage.clear()
    await storage.reflect(schema_name="information_schema", include=["refl_manager"])
    assert sorted(storage.tables) == ["refl_manager"]
    manager = storage.tables["refl_manager"]
    await manager.insert(manager(name="Ann"))
    assert await ReflManager.count() == 1
