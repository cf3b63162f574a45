"""A migration history written by Piccolo 1.38 (its imports changed to vivace) runs
forwards and backwards; rows survive; Piccolo's ``migration`` table records it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.migrations.conftest import Fresh
from vivace.conf import AppConfig, AppRegistry
from vivace.migrations.commands import MigrationContext, backwards, check, forwards

HISTORY = Path(__file__).parent / "piccolo_history"
#: Piccolo's history makes an Array column, which MariaDB has not.
NO_ARRAYS = "Piccolo's history has an Array column (MariaDB has no arrays)"
FIRST, SECOND = "2026-12-01T03:23:44:434772", "2026-12-01T03:23:56:323063"


def context_for(engine: object, folder: Path, app: str = "music") -> MigrationContext:
    registry = AppRegistry(app_configs=[AppConfig(app, folder)])
    lines: list[str] = []
    return MigrationContext(engine, registry, output=lines.append, confirm=lambda q: True)


async def test_piccolo_history_forwards_and_backwards(fresh: Fresh, tmp_path: Path) -> None:
    if fresh.kind == "mysql":
        pytest.skip(NO_ARRAYS)
    folder = tmp_path / "piccolo_migrations"  # Piccolo's folder name
    shutil.copytree(HISTORY, folder)
    context = context_for(fresh.engine, tmp_path / "migrations")  # found beside it
    db = fresh.engine
    assert await forwards("music", FIRST, context=context) == [FIRST]
    await db.fetch_sql("INSERT INTO manager (name) VALUES ('Guido')")
    await db.fetch_sql(
        "INSERT INTO band (name, manager, popularity, tags, price, created) "
        "VALUES ('r', 1, 5, '[]', 1.5, '2020-01-01T00:00:00+00:00')"
        if fresh.kind == "sqlite"
        else "INSERT INTO band (name, manager, popularity, tags, price, created) "
        "VALUES ('r', 1, 5, '{}', 1.5, now())"
    )
    assert await forwards("music", context=context) == [SECOND]
    rows = await db.fetch_sql("SELECT name, fame FROM band")
    assert rows == [{"name": "r", "fame": 5}]
    manager = await db.fetch_sql("SELECT name, active FROM manager")
    assert manager[0]["name"] == "Guido" and manager[0]["active"] in (True, 1)
    schema = await db.introspect()
    assert schema.by_tablename("genre_to_band") is not None
    assert schema.by_tablename("manager").column("name").null  # type: ignore[union-attr]
    ran = await db.fetch_sql("SELECT name, app_name FROM migration ORDER BY id")
    assert ran == [{"name": FIRST, "app_name": "music"}, {"name": SECOND, "app_name": "music"}]
    assert [r.ran for r in await check("music", context=context)] == [True, True]

    assert await backwards("music", context=context) == [SECOND]
    assert await db.fetch_sql("SELECT name, popularity FROM band") == [
        {"name": "r", "popularity": 5}
    ]
    schema = await db.introspect()
    assert schema.by_tablename("genre") is None
    assert {c.name for c in schema.by_tablename("band").constraints} >= {"uq"}  # type: ignore[union-attr]
    assert await backwards("music", "all", context=context) == [FIRST]
    assert [t.tablename for t in await db.introspect()] == ["migration"]


PICCOLO_MIGRATION_TABLE = (
    'CREATE TABLE "migration" ("id" {key} PRIMARY KEY NOT NULL, '
    "\"name\" VARCHAR(200) NOT NULL DEFAULT '', \"app_name\" VARCHAR(200) NOT NULL DEFAULT '', "
    '"ran_on" TIMESTAMP NOT NULL DEFAULT current_timestamp)'
)


async def test_a_database_piccolo_migrated_carries_on(fresh: Fresh, tmp_path: Path) -> None:
    if fresh.kind == "mysql":
        pytest.skip(NO_ARRAYS)
    shutil.copytree(HISTORY, tmp_path / "migrations")
    context = context_for(fresh.engine, tmp_path / "migrations")
    db = fresh.engine
    await forwards("music", FIRST, context=context)
    # The migration table exactly as Piccolo 1.38 creates and fills it.
    await db.fetch_sql('DROP TABLE "migration"')
    key = "INTEGER" if fresh.kind == "sqlite" else "SERIAL"
    await db.fetch_sql(PICCOLO_MIGRATION_TABLE.format(key=key))
    await db.fetch_sql(f"INSERT INTO migration (name, app_name) VALUES ('{FIRST}', 'music')")
    assert await forwards("music", context=context) == [SECOND]
    assert [r.ran for r in await check("music", context=context)] == [True, True]
    assert await backwards("music", "all", context=context) == [SECOND, FIRST]
    assert await db.fetch_sql("SELECT count(*) AS n FROM migration") == [{"n": 0}]


async def test_forwards_one_runs_only_the_next(fresh: Fresh, tmp_path: Path) -> None:
    """``forwards(app, "1")`` (Piccolo's ``piccolo migrations forwards app 1``): only the next
    pending migration; ``"all"`` every pending one."""
    if fresh.kind == "mysql":
        pytest.skip(NO_ARRAYS)
    shutil.copytree(HISTORY, tmp_path / "migrations")
    context = context_for(fresh.engine, tmp_path / "migrations")
    assert await forwards("music", "1", context=context) == [FIRST]
    assert await forwards("music", "1", context=context) == [SECOND]
    assert await forwards("music", "1", context=context) == []
    assert await backwards("music", "all", context=context) == [SECOND, FIRST]
    assert await forwards("music", "all", context=context) == [FIRST, SECOND]
    assert await backwards("music", "all", context=context) == [SECOND, FIRST]
