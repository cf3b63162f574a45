"""Renames and key changes through auto migrations, on every engine: a table and a column
renamed with their own index, ``UNIQUE`` and foreign keys (MariaDB keeps such names as
they were made: Vivace renames them), a key's ``ON DELETE`` and nullability, a length
and digits. After each step the migrated database equals one created from the tables;
backwards gives the earlier schema back; rows survive."""

from __future__ import annotations

from tests.migrations.conftest import Project, run, schema_differences
from vivace import create_db_tables, drop_db_tables

V1 = """
class Owner(Table):
    name = Varchar(length=30, unique=True, index=True)

class Pet(Table):
    name = Varchar(length=30, unique=True, index=True)
    owner = ForeignKey(Owner, index=True)
    parent = ForeignKey("self", null=True)
    weight = Numeric(digits=(5, 2), default=decimal.Decimal("1.50"))
"""

# the table renamed (class and tablename)
V2 = V1.replace("class Pet(Table):", "class Animal(Table):")

# a column renamed, a key made nullable with another ON DELETE, length and digits widened
V3 = """
class Owner(Table):
    name = Varchar(length=30, unique=True, index=True)

class Animal(Table):
    title = Varchar(length=60, unique=True, index=True)
    owner = ForeignKey(Owner, index=True, null=True, on_delete=OnDelete.set_null)
    parent = ForeignKey("self", null=True)
    weight = Numeric(digits=(7, 3), default=decimal.Decimal("2.500"))
"""


def _created_schema(project: Project) -> object:
    """The schema of the current tables created fresh in the project's database (the
    migrated tables dropped first, then put back by the caller's forwards)."""
    tables = project.tables()

    async def create() -> None:
        engine = project.engine()
        try:
            for table in tables.values():
                table._meta.db = engine
            await create_db_tables(*tables.values())
        finally:
            await engine.close_connection_pool()

    run(create())
    schema = project.introspect()

    async def drop() -> None:
        engine = project.engine()
        try:
            for table in tables.values():
                table._meta.db = engine
            await drop_db_tables(*tables.values())
        finally:
            await engine.close_connection_pool()

    run(drop())
    return schema


def test_renames_and_key_changes(project: Project) -> None:
    app = project.package
    schemas = []
    for version in (V1, V2, V3):
        project.write_tables("import decimal\n" + version)
        assert project.run("migrations", "new", app, "--auto", "--auto_input=y") == 0
        assert project.run("migrations", "forwards", app) == 0
        if version is V1:
            project.fetch("INSERT INTO owner (name) VALUES ('Ann')")
            project.fetch("INSERT INTO pet (name, owner, weight) VALUES ('Rex', 1, 3.25)")
        schemas.append(project.introspect())
    assert len(project.migration_files()) == 3
    assert project.run("migrations", "new", app, "--auto") == 0  # nothing left to migrate
    assert len(project.migration_files()) == 3
    animal = project.fetch("SELECT title, owner, weight FROM animal")
    assert [(r["title"], r["owner"], float(r["weight"])) for r in animal] == [("Rex", 1, 3.25)]
    if project.fresh.kind == "mysql":  # MariaDB's names were renamed with the table/column
        names = project.fetch(
            "SELECT constraint_name AS name FROM information_schema.table_constraints "
            "WHERE table_schema = DATABASE() AND table_name = 'animal' ORDER BY 1"
        )
        assert [r["name"] for r in names] == [
            "animal_owner_fkey",
            "animal_parent_fkey",
            "animal_title_key",
            "PRIMARY",
        ]
    # the keys act under their new names: ON DELETE SET NULL now
    project.fetch("DELETE FROM owner")
    assert project.fetch("SELECT owner FROM animal") == [{"owner": None}]
    project.fetch("INSERT INTO owner (id, name) VALUES (1, 'Ann')")
    project.fetch("UPDATE animal SET owner = 1")

    for expected in reversed(schemas[:-1]):
        assert project.run("migrations", "backwards", app, "--auto_agree") == 0
        assert schema_differences(project.introspect(), expected) == []
    pets = project.fetch("SELECT name, owner FROM pet")
    assert pets == [{"name": "Rex", "owner": 1}]
    assert project.run("migrations", "forwards", app) == 0
    assert schema_differences(project.introspect(), schemas[-1]) == []

    # the migrated schema is the one the final tables make from nothing
    # click's spelling of the flag works as Piccolo's does
    assert project.run("migrations", "backwards", app, "all", "--auto-agree") == 0
    created = _created_schema(project)
    assert project.run("migrations", "forwards", app) == 0
    assert schema_differences(project.introspect(), created) == []  # type: ignore[arg-type]
