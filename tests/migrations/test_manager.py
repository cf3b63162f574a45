"""``MigrationManager`` without a database: Piccolo's older call shapes, class changes by
``alter_column``, and the mistakes it reports."""

from __future__ import annotations

import pytest

from vivace.columns import Array, ForeignKey, Integer, Varchar
from vivace.dialects import PostgresDialect, SQLiteDialect
from vivace.exceptions import MigrationError
from vivace.migrations import MigrationManager
from vivace.migrations.history import replay
from vivace.migrations.params import class_default_params
from vivace.migrations.runner import plan_migration
from vivace.schema.spec import SchemaSpec


def band_manager() -> MigrationManager:
    manager = MigrationManager(migration_id="1", app_name="app")
    manager.add_table("Band", "band", columns=[Varchar(length=5)])
    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="name",
        column_class_name="Varchar",  # older Piccolo files name the class only
        params={"length": 10, "db_column_name": "band_name"},
    )
    return manager


def test_older_call_shapes_and_class_changes() -> None:
    first = band_manager()
    second = MigrationManager(migration_id="2", app_name="app")
    second.alter_column("Band", "band", "name", params={"default": 3}, column_class=Integer)
    second.add_column(
        "Band", "band", "tags", column_class=Array, params={"base_column": Varchar(length=4)}
    )
    third = MigrationManager(migration_id="3", app_name="app")
    third.alter_column(
        "Band", "band", "tags", params={"base_column": Integer()}, column_class=Array
    )
    third.alter_column("Band", "band", "name", params={}, column_class=Varchar)
    schema = replay([first, second, third]).schema
    band = schema.table("Band")
    name = band.column("name")
    assert name.column_class == "Varchar" and name.db_column_name == "band_name"
    assert name.param("length") == class_default_params("Varchar")["length"]
    assert band.column("tags").param("base_column").column_class == "Integer"


def test_mistakes_are_reported() -> None:
    manager = MigrationManager(migration_id="9", app_name="app")
    with pytest.raises(MigrationError, match="unknown column class 'Nope'"):
        manager.add_column("Band", "band", "x", column_class_name="Nope")
    with pytest.raises(MigrationError, match="cannot make Integer column 'x'"):
        manager.add_column("Band", "band", "x", column_class=Integer, params={"length": 3})
    with pytest.raises(MigrationError, match="unknown constraint class"):
        manager.add_constraint("Band", "band", "c", "Primary", {})
    alter = MigrationManager(migration_id="2", app_name="app")
    alter.alter_column("Band", "band", "missing", params={"null": True})
    with pytest.raises(MigrationError, match="migration 2: alter_column: band has no column"):
        replay([band_manager(), alter])
    to_fk = MigrationManager(migration_id="3", app_name="app")
    to_fk.alter_column("Band", "band", "name", params={}, column_class=ForeignKey)
    with pytest.raises(MigrationError, match="cannot become a ForeignKey"):
        replay([band_manager(), to_fk])
    twice = MigrationManager(migration_id="4", app_name="app")
    twice.add_table("Band", "band")
    with pytest.raises(MigrationError, match="already exists"):
        replay([band_manager(), twice])
    gone = MigrationManager(migration_id="5", app_name="app")
    gone.drop_table("Ghost", "ghost")
    with pytest.raises(MigrationError, match="Ghost"):
        replay([gone])


async def test_snapshot_needs_the_runner() -> None:
    with pytest.raises(MigrationError, match="needs the migration runner"):
        await MigrationManager().get_table_from_snapshot("Band")
    assert replay([]).schema == SchemaSpec()


def test_a_schema_is_made_once_per_step() -> None:
    """A table added in a schema, or moved to one, makes the schema once (it was sent
    twice: harmless with IF NOT EXISTS, but twice in every preview)."""
    manager = MigrationManager(migration_id="1", app_name="app")
    manager.add_table("Band", "band", schema="music")
    manager.change_table_schema("Band", "band", new_schema="archive", old_schema="music")
    statements = plan_migration(manager, SchemaSpec(), PostgresDialect().ddl).statements
    assert statements.count('CREATE SCHEMA IF NOT EXISTS "music"') == 1
    assert statements.count('CREATE SCHEMA IF NOT EXISTS "archive"') == 1
    on_sqlite = plan_migration(manager, SchemaSpec(), SQLiteDialect().ddl).statements
    assert not any("SCHEMA" in sql for sql in on_sqlite)
