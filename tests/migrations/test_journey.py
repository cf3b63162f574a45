"""The journey of issue 8, through the ``vivace`` command, on SQLite, PostgreSQL and MariaDB:
tables -> auto migration -> forwards -> add/drop/rename/alter columns and tables, a new
foreign key, an M2M -> auto -> preview -> forwards -> backwards -> forwards -> squash; a
database migrated from the squashed file, one migrated from the original files and one
created from the final tables have the same schema; rows survive every step that does
not drop them."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import _admin
from tests.migrations.conftest import Project, create_mysql_database, run, schema_differences
from vivace import create_db_tables

V1 = """
class Manager(Table):
    name = Varchar(length=50)

class Studio(Table):
    name = Varchar()

class Band(Table):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(Manager)
    popularity = Integer(default=0)
    label = Varchar(length=20, default="none")
"""

V2 = """
class Manager(Table):
    name = Varchar(length=100, null=True)
    rating = Integer(default=3)

class Studio(Table):
    name = Varchar()

class Band(Table):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(Manager)
    fame = BigInt(default=0)
    studio = ForeignKey(Studio, null=True)
    genres = M2M(LazyTableReference("GenreToBand", module_path=__name__))

class Genre(Table):
    title = Varchar(length=30)

class GenreToBand(Table):
    band = ForeignKey(Band)
    genre = ForeignKey(Genre)
"""

V3 = """
class Manager(Table):
    name = Varchar(length=100, null=True)
    rating = Integer(default=3)

class Band(Table):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(Manager)
    fame = BigInt(default=0)
    genres = M2M(LazyTableReference("GenreToBand", module_path=__name__))

class Style(Table):
    title = Varchar(length=30)

class GenreToBand(Table):
    band = ForeignKey(Band)
    genre = ForeignKey(Style)
"""


def vivace_command(project: Project, *argv: str) -> subprocess.CompletedProcess[str]:
    """The real ``vivace`` command, in the project's folder."""
    env = {**os.environ, "VIVACE_CONF": project.conf, "PYTHONPATH": str(project.root)}
    command = [os.path.join(os.path.dirname(sys.executable), "vivace"), *argv]
    return subprocess.run(
        command, cwd=project.root, env=env, capture_output=True, text=True, timeout=120
    )


def band_rows(project: Project) -> list[tuple[str, int]]:
    column = "fame" if "fame" in str(project.fetch("SELECT * FROM band")[0]) else "popularity"
    rows = project.fetch(f'SELECT name, "{column}" AS fame FROM band ORDER BY name')
    return [(r["name"], int(r["fame"])) for r in rows]


def test_journey(project: Project) -> None:
    app = project.package
    project.write_tables(V1)
    if project.fresh.kind == "sqlite":  # the real command, once per step kind
        result = vivace_command(project, "migrations", "new", app, "--auto")
        assert result.returncode == 0, result.stderr
        result = vivace_command(project, "migrations", "forwards", app)
        assert result.returncode == 0, result.stderr
        assert "forwards" in result.stdout
    else:
        assert project.run("migrations", "new", app, "--auto") == 0
        assert project.run("migrations", "forwards", app) == 0
    assert project.run("migrations", "new", app, "--auto") == 0
    assert len(project.migration_files()) == 1  # right after forwards: no changes
    project.fetch("INSERT INTO manager (name) VALUES ('Guido')")
    project.fetch("INSERT INTO band (name, manager, popularity, label) VALUES ('Py', 1, 1000, 'x')")
    v1_schema = project.introspect()

    project.write_tables(V2)
    assert project.run("migrations", "new", app, "--auto", "--auto_input=y") == 0
    assert len(project.migration_files()) == 2
    assert project.run("migrations", "forwards", app, "--preview") == 0
    assert schema_differences(project.introspect(), v1_schema) == []  # a preview changes nothing
    assert project.run("migrations", "forwards", app) == 0
    assert band_rows(project) == [("Py", 1000)]
    assert project.fetch("SELECT name, rating FROM manager") == [{"name": "Guido", "rating": 3}]
    project.fetch("INSERT INTO genre (title) VALUES ('rock')")
    project.fetch("INSERT INTO genre_to_band (band, genre) VALUES (1, 1)")
    v2_schema = project.introspect()

    project.write_tables(V3)
    assert project.run("migrations", "new", app, "--auto", "--auto_input=y") == 0
    assert project.run("migrations", "forwards", app) == 0
    assert project.run("migrations", "new", app, "--auto") == 0
    assert len(project.migration_files()) == 3
    assert project.fetch("SELECT title FROM style") == [{"title": "rock"}]
    assert project.run("migrations", "backwards", app, "--auto_agree") == 0
    assert schema_differences(project.introspect(), v2_schema) == []
    assert project.fetch("SELECT title FROM genre") == [{"title": "rock"}]
    assert band_rows(project) == [("Py", 1000)]
    assert project.run("migrations", "forwards", app) == 0
    migrated = project.introspect()

    assert project.run("migrations", "squash", app, "--auto_agree") == 0
    assert len(project.migration_files()) == 1
    assert project.run("migrations", "forwards", app) == 0  # recognised: nothing to run
    assert schema_differences(project.introspect(), migrated) == []
    assert band_rows(project) == [("Py", 1000)]

    # A new database migrated from the squashed file, and one made from the final tables.
    _other_database(project, "squashed")
    assert project.run("migrations", "forwards", app) == 0
    assert schema_differences(project.introspect(), migrated) == []
    _other_database(project, "created")
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
    assert schema_differences(project.introspect(), migrated) == []


def _other_database(project: Project, label: str) -> None:
    """Point the project's configuration at a new empty database; returns its source."""
    fresh = project.fresh
    if fresh.kind == "sqlite":
        source = f"SQLiteEngine(path={str(project.root / (label + '.sqlite'))!r})"
    elif fresh.kind == "mysql":
        name = f"{project.package}_{label}"
        run(create_mysql_database(name))
        project.extra_databases.append(name)
        config = eval(fresh.engine_source.removeprefix("MySQLEngine(config=")[:-1])
        source = f"MySQLEngine(config={ {**config, 'database': name}!r})"
    else:
        name = f"{project.package}_{label}"
        run(_admin(f'CREATE DATABASE "{name}"'))
        project.extra_databases.append(name)
        config = eval(fresh.engine_source.removeprefix("PostgresEngine(config=")[:-1])
        source = f"PostgresEngine(config={ {**config, 'database': name}!r})"
    conf = project.root / f"{project.conf}.py"
    conf.write_text(conf.read_text().replace(fresh.engine_source, source))
    fresh.engine_source = source
