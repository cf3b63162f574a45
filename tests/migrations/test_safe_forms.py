"""The safe forms of PostgreSQL schema changes (``index_concurrently=True``,
``validate_separately=True``): the same end state as the plain forms (introspected), no
safety warning once asked for, the second steps after the migration's transaction, locks
that let writers go on, and the same files running unchanged on SQLite."""

from __future__ import annotations

import asyncio
import importlib.util
import textwrap
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.conftest import pg_config
from tests.migrations.conftest import Fresh, Project
from vivace import Table
from vivace.columns import Varchar
from vivace.conf import AppConfig, AppRegistry
from vivace.exceptions import MigrationError, NotNullViolation
from vivace.migrations import MigrationManager
from vivace.migrations.commands import MigrationContext, backwards, forwards, new
from vivace.migrations.runner import plan_migration, run_plan
from vivace.migrations.safety import safety_warnings
from vivace.schema.spec import SchemaSpec

HEADER = """
from vivace import Table
from vivace.columns import ForeignKey, Integer, OnDelete, Varchar
from vivace.migrations import MigrationManager


class Boss(Table, tablename="boss"):
    pass


ID = "{id}"
VERSION = "0.1.0"
DESCRIPTION = "{id}"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)
"""

BASE_ID, PLAIN_ID, SAFE_ID = (f"2026-02-01T00:00:0{n}:000000" for n in (1, 2, 3))

BASE = """
manager.add_table(class_name="Boss", tablename="boss")
manager.add_column(
    table_class_name="Boss", tablename="boss", column_name="name",
    column_class=Varchar, params={"length": 20},
)
manager.add_table(class_name="Band", tablename="band")
manager.add_column(
    table_class_name="Band", tablename="band", column_name="name",
    column_class=Varchar, params={"length": 20, "null": True},
)
manager.add_column(
    table_class_name="Band", tablename="band", column_name="rank",
    column_class=Integer, params={"null": True, "default": None},
)
manager.add_column(
    table_class_name="Band", tablename="band", column_name="boss",
    column_class=ForeignKey, params={"references": Boss, "null": True},
)
"""

# Every change the safety check warns about and that has a safe form; {index} and
# {validate} are empty for the plain forms.
CHANGES = """
manager.add_column(
    table_class_name="Band", tablename="band", column_name="code",
    column_class=Varchar,
    params={{"length": 20, "null": True, "unique": True, "default": None}},{index}
)
manager.add_column(
    table_class_name="Band", tablename="band", column_name="label",
    column_class=Varchar, params={{"null": True, "index": True}},{index}
)
manager.add_column(
    table_class_name="Band", tablename="band", column_name="leader",
    column_class=ForeignKey, params={{"references": Boss, "null": True}},{validate}
)
manager.alter_column(
    table_class_name="Band", tablename="band", column_name="rank",
    params={{"null": False}}, old_params={{"null": True}},{validate}
)
manager.alter_column(
    table_class_name="Band", tablename="band", column_name="name",
    params={{"unique": True, "index": True}},{index}
)
manager.alter_column(
    table_class_name="Band", tablename="band", column_name="boss",
    params={{"on_delete": OnDelete.set_null}},{validate}
)
manager.add_constraint(
    table_class_name="Band", tablename="band", constraint_name="band_name_rank",
    constraint_class="Unique", params={{"columns": ["name", "rank"]}},{index}
)
manager.add_constraint(
    table_class_name="Band", tablename="band", constraint_name="rank_positive",
    constraint_class="Check", params={{"condition": '"rank" >= 0'}},{validate}
)
"""


class App:
    """One app whose migrations live in ``folder``, with a context recording output."""

    def __init__(self, engine: Any, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(exist_ok=True)
        self.lines: list[str] = []
        registry = AppRegistry(app_configs=[AppConfig("app", folder)])
        self.context = MigrationContext(engine, registry, self.lines.append, lambda _: True)

    def write(self, migration_id: str, body: str) -> Path:
        path = self.folder / f"m_{migration_id[-12:].replace(':', '_')}.py"
        code = textwrap.indent(textwrap.dedent(body), "    ")
        path.write_text(HEADER.format(id=migration_id) + code + "\n    return manager\n")
        return path

    def take_output(self) -> str:
        text = "\n".join(self.lines)
        self.lines.clear()
        return text


def changes(safe: bool) -> str:
    index = "\n    index_concurrently=True," if safe else ""
    validate = "\n    validate_separately=True," if safe else ""
    return CHANGES.format(index=index, validate=validate)


async def fill(engine: Any) -> None:
    await engine.fetch_sql("INSERT INTO boss (name) VALUES ('Guido')")
    for name, rank in (("Py", 1), ("Rs", 2)):
        await engine.fetch_sql(f"INSERT INTO band (name, rank, boss) VALUES ('{name}', {rank}, 1)")


async def test_safe_forms_end_as_the_plain_forms(fresh: Fresh, tmp_path: Path) -> None:
    db = fresh.engine
    app = App(db, tmp_path / "migrations")
    app.write(BASE_ID, BASE)
    await forwards("app", context=app.context)
    await fill(db)

    plain = app.write(PLAIN_ID, changes(safe=False))
    await forwards("app", preview=True, context=app.context)
    preview = app.take_output()
    await forwards("app", context=app.context)
    plain_schema = await db.introspect()
    await backwards("app", auto_agree=True, context=app.context)
    plain.unlink()

    app.write(SAFE_ID, changes(safe=True))
    app.take_output()
    await forwards("app", preview=True, context=app.context)
    safe_preview = app.take_output()
    await forwards("app", context=app.context)
    safe_run = app.take_output()
    assert await db.introspect() == plain_schema
    rows = await db.fetch_sql("SELECT name, rank, boss, leader FROM band ORDER BY rank")
    assert rows == [
        {"name": "Py", "rank": 1, "boss": 1, "leader": None},
        {"name": "Rs", "rank": 2, "boss": 1, "leader": None},
    ]
    assert " ! " not in safe_run and "-- !" not in safe_preview  # no warning left
    if fresh.kind == "postgres":
        # The plain forms are warned about, naming the option that makes them safe.
        assert preview.count("index_concurrently=True") == 4
        assert preview.count("validate_separately=True") == 4
        after = safe_preview.split("after the migration's transaction has committed")[1]
        assert after.count("CREATE UNIQUE INDEX CONCURRENTLY") == 3
        assert after.count('CREATE INDEX CONCURRENTLY "band_label"') == 1
        assert after.count("VALIDATE CONSTRAINT") == 4
        assert '"band_boss_fkey" FOREIGN KEY ("boss")' in safe_preview
        assert 'ALTER COLUMN "rank" SET NOT NULL' in after
        assert '"band_name_rank" UNIQUE USING INDEX "band_name_rank"' in after
    else:  # SQLite runs the same files as without the options
        assert "CONCURRENTLY" not in safe_preview and "NOT VALID" not in safe_preview
        assert "after the migration's transaction" not in safe_preview
    with pytest.raises(NotNullViolation):  # the NOT NULL is in force
        await db.fetch_sql("INSERT INTO band (name) VALUES ('Null')")


async def test_new_auto_safe_writes_the_options(fresh: Fresh, tmp_path: Path) -> None:
    app = App(fresh.engine, tmp_path / "migrations")
    app.write(BASE_ID, BASE)
    module = tmp_path / "safe_tables.py"
    module.write_text(
        textwrap.dedent(
            """
            from vivace import Table
            from vivace.columns import Integer, Varchar, ForeignKey, Unique

            class Boss(Table, tablename="boss"):
                name = Varchar(length=20)

            class Band(Table, tablename="band"):
                name = Varchar(length=20, null=True, index=True)
                rank = Integer(null=False)
                boss = ForeignKey(Boss, null=True)
                leader = ForeignKey(Boss, null=True)
                code = Varchar(length=20, null=True, unique=True)
                pair = Unique([name, rank])
            """
        )
    )
    spec = importlib.util.spec_from_file_location("safe_tables_mod", module)
    assert spec is not None and spec.loader is not None
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    config = AppConfig("app", app.folder, table_classes=[tables.Boss, tables.Band])
    app.context.registry = AppRegistry(app_configs=[config])
    [path] = await new("app", auto=True, safe=True, context=app.context)
    source = Path(path).read_text()
    assert source.count("index_concurrently=True") == 3  # name's index, code, pair
    assert source.count("validate_separately=True") == 2  # rank NOT NULL, leader's key
    await forwards("app", context=app.context)
    assert "!" not in app.take_output()
    assert await new("app", auto=True, context=app.context) == []  # nothing left to do


def manager(safe: bool, index: bool = False) -> MigrationManager:
    """band.rank's NOT NULL and CHECK (or with ``index``, a new indexed column), in Python."""
    made = MigrationManager(migration_id="x", app_name="app")
    if index:
        made.add_column(
            "Band",
            "band",
            "label",
            column_class_name="Varchar",
            params={"index": True},
            index_concurrently=safe,
        )
        return made
    made.alter_column("Band", "band", "rank", params={"null": False}, validate_separately=safe)
    made.add_constraint(
        "Band",
        "band",
        "rank_positive",
        "Check",
        {"condition": '"rank" >= 0'},
        validate_separately=safe,
    )
    return made


async def base_state(engine: Any, tmp_path: Path) -> SchemaSpec:
    app = App(engine, tmp_path / "migrations")
    app.write(BASE_ID, BASE)
    await forwards("app", context=app.context)
    await fill(engine)
    return (await app.context.history("app")).schema


async def lock_modes(connection: Any, sql: str) -> set[str]:
    """The locks ``sql`` takes on band, seen from inside its transaction (rolled back)."""
    await connection.execute("BEGIN")
    try:
        await connection.execute(sql)
        rows = await connection.fetch(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'band'::regclass"
        )
    finally:
        await connection.execute("ROLLBACK")
    return {row["mode"] for row in rows}


ON_POSTGRES = pytest.mark.parametrize("fresh", ["postgres"], indirect=True)


@ON_POSTGRES
async def test_validation_steps_take_locks_that_let_writers_go_on(
    fresh: Fresh, tmp_path: Path
) -> None:
    postgres_db = fresh.engine
    before = await base_state(postgres_db, tmp_path)
    ddl, dialect = postgres_db.dialect.ddl, postgres_db.dialect
    plain = plan_migration(manager(False), before, ddl)
    safe = plan_migration(manager(True), before, ddl)
    assert len(safety_warnings(plain, dialect)) == 2 and safety_warnings(safe, dialect) == []
    assert plain.later == [] and len(safe.later) == 4
    connection = await asyncpg.connect(**pg_config(postgres_db.config["database"]))
    try:
        # Plain: SET NOT NULL and ADD CHECK scan under ACCESS EXCLUSIVE (no reads, no writes).
        for sql in plain.statements:
            assert "AccessExclusiveLock" in await lock_modes(connection, sql)
        # Safe: a short step, then the validations under SHARE UPDATE EXCLUSIVE (writes go on).
        for sql in safe.statements:
            await connection.execute(sql)
        validations = [sql for sql in safe.later if "VALIDATE CONSTRAINT" in sql]
        assert len(validations) == 2
        for sql in validations:
            assert await lock_modes(connection, sql) == {"ShareUpdateExclusiveLock"}
    finally:
        await connection.close()


async def build_while_a_writer_waits(engine: Any, tmp_path: Path, safe: bool) -> bool:
    """Run the index build of ``manager(safe, index=True)`` while a transaction that wrote
    to band is open; whether another session's insert got through meanwhile."""
    before = await base_state(engine, tmp_path)
    plan = plan_migration(manager(safe, index=True), before, engine.dialect.ddl)
    builds = plan.later if safe else plan.statements[1:]
    await engine.execute_ddl(plan.statements[:1])  # ADD COLUMN, before anyone writes
    database = engine.config["database"]
    writer, builder, other = [await asyncpg.connect(**pg_config(database)) for _ in range(3)]
    try:
        await writer.execute("BEGIN; INSERT INTO band (name, rank) VALUES ('W', 9)")

        async def build() -> None:
            for sql in builds:
                await builder.execute(sql)

        task = asyncio.create_task(build())
        pid = builder.get_server_pid()
        for _ in range(200):  # until the build waits for the writer's transaction
            rows = await other.fetch(
                "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", pid
            )
            if rows:
                break
            await asyncio.sleep(0.02)
        assert rows, "the index build never waited for the open transaction"
        await other.execute("SET lock_timeout = '1s'")
        try:
            await other.execute("INSERT INTO band (name, rank) VALUES ('X', 8)")
            inserted = True
        except asyncpg.exceptions.LockNotAvailableError:
            inserted = False
        assert not task.done()
        await writer.execute("COMMIT")
        await asyncio.wait_for(task, 10)
        valid = await other.fetchval(
            "SELECT bool_and(i.indisvalid) FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid WHERE c.relname = 'band_label'"
        )
        assert valid is True
        return inserted
    finally:
        for connection in (writer, builder, other):
            await connection.close()


@ON_POSTGRES
async def test_concurrent_index_build_lets_writers_go_on(fresh: Fresh, tmp_path: Path) -> None:
    assert await build_while_a_writer_waits(fresh.engine, tmp_path, safe=True)


@ON_POSTGRES
async def test_plain_index_build_blocks_writers(fresh: Fresh, tmp_path: Path) -> None:
    assert not await build_while_a_writer_waits(fresh.engine, tmp_path, safe=False)


@ON_POSTGRES
async def test_a_failed_concurrent_build_says_what_to_run_again(
    fresh: Fresh, tmp_path: Path
) -> None:
    db = fresh.engine
    app = App(db, tmp_path / "migrations")
    app.write(BASE_ID, BASE)
    await forwards("app", context=app.context)
    await fill(db)
    await db.fetch_sql("INSERT INTO band (name, rank) VALUES ('Py', 5)")  # a duplicate name
    app.write(
        SAFE_ID,
        """
        manager.alter_column(
            table_class_name="Band", tablename="band", column_name="name",
            params={"unique": True}, index_concurrently=True,
        )
        """,
    )
    with pytest.raises(MigrationError, match="ran and is recorded") as failure:
        await forwards("app", context=app.context)
    message = str(failure.value)
    assert "alter_column band.name" in message and "could not create unique index" in message
    invalid = "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    invalid += "WHERE c.relname = 'band_name_key'"
    assert await db.fetch_sql(invalid) == [{"indisvalid": False}]  # left by the failed build
    statements = message.split("the first of them drops it):\n", 1)[1].rstrip(";").split(";\n")
    assert statements[0].startswith("DO $vivace$") and len(statements) == 3
    await db.fetch_sql("DELETE FROM band WHERE rank = 5")
    await db.execute_ddl(statements)  # what the user runs once the cause is fixed
    assert await db.fetch_sql(invalid) == [{"indisvalid": True}]
    band = (await db.introspect()).by_tablename("band")
    assert band is not None and band.column("name").unique


class SafeBand(Table):
    name = Varchar(length=20)


async def test_create_index_concurrently(db: Any, use_tables: Any) -> None:
    await use_tables(db, SafeBand)
    query = SafeBand.create_index([SafeBand.name], concurrently=True)
    assert ("CONCURRENTLY" in str(query)) == db.dialect.warns_about_schema_locks
    await query
    assert "safe_band_name" in await SafeBand.indexes()


@ON_POSTGRES
async def test_unique_nulls_not_distinct_through_a_concurrent_index(
    fresh: Fresh, tmp_path: Path
) -> None:
    db = fresh.engine
    before = await base_state(db, tmp_path)
    schemas = []
    for safe in (False, True):
        made = MigrationManager(migration_id=f"pair-{safe}", app_name="app")
        params = {"columns": ["name", "boss"], "nulls_distinct": False}
        made.add_constraint("Band", "band", "band_pair", "Unique", params, index_concurrently=safe)
        plan = plan_migration(made, before, db.dialect.ddl)
        assert bool(plan.later) == safe
        await run_plan(db, plan)
        schemas.append(await db.introspect())
        await run_plan(db, plan_migration(made, before, db.dialect.ddl, backwards=True))
    assert schemas[0] == schemas[1]
    band = schemas[1].by_tablename("band")
    assert band is not None
    assert [c.nulls_distinct for c in band.constraints if c.name == "band_pair"] == [False]


@pytest.mark.parametrize("fresh", ["sqlite"], indirect=True)
def test_the_command_line_writes_the_options(project: Project) -> None:
    app = project.package
    project.write_tables("class Band(Table):\n    name = Varchar(length=20)\n")
    assert project.run("migrations", "new", app, "--auto") == 0
    project.write_tables("class Band(Table):\n    name = Varchar(length=20, index=True)\n")
    assert project.run("migrations", "new", app, "--auto", "--safe") == 0
    assert "index_concurrently=True" in project.migration_files()[-1].read_text()
    assert project.run("migrations", "forwards", app) == 0
    assert project.introspect().by_tablename("band").column("name").index
