"""The migrations commands as functions, on both engines: one transaction per migration
(a failure changes nothing and names the migration and the operation), ``--fake`` asks,
``--preview`` changes nothing, backwards to an ID, ``check``, ``clean``, ``squash``, raw
functions, tables from the snapshot, and PostgreSQL's safety warnings."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.migrations.conftest import Fresh
from vivace.conf import AppConfig, AppRegistry
from vivace.exceptions import ConfigurationError, MigrationError
from vivace.migrations.commands import (
    MigrationContext,
    backwards,
    check,
    clean,
    forwards,
    new,
    squash,
)

HEADER = """
from vivace.columns import Integer, Varchar, BigInt
from vivace.migrations import MigrationManager

ID = "{id}"
VERSION = "0.1.0"
DESCRIPTION = "{id}"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)
"""

FILES = {
    "2026-01-01T00:00:01:000000": """
    manager.add_table(class_name="Band", tablename="band")
    manager.add_column(
        table_class_name="Band", tablename="band", column_name="name",
        column_class=Varchar, params={"length": 20, "unique": True},
    )
    manager.add_column(
        table_class_name="Band", tablename="band", column_name="rank",
        column_class=Integer, params={"default": 0},
    )
    """,
    "2026-01-01T00:00:02:000000": """
    async def fill():
        band = await manager.get_table_from_snapshot("Band")
        await band.insert(band(name="Py", rank=3))

    async def empty():
        band = await manager.get_table_from_snapshot("Band", offset=-1)
        await band.delete(force=True)

    manager.add_raw(fill)
    manager.add_raw_backwards(empty)
    """,
    "2026-01-01T00:00:03:000000": """
    manager.alter_column(
        table_class_name="Band", tablename="band", column_name="rank",
        params={"index": True}, old_params={"index": False},
        column_class=BigInt, old_column_class=Integer,
    )
    manager.add_column(
        table_class_name="Band", tablename="band", column_name="label",
        column_class=Varchar, params={"null": True, "index": True},
    )
    """,
}


class Harness:
    """An app whose migration files live in ``folder``; a context that records output."""

    def __init__(self, engine: Any, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(exist_ok=True)
        registry = AppRegistry(app_configs=[AppConfig("app", folder)])
        self.lines: list[str] = []
        self.answers: list[bool] = []
        self.questions: list[str] = []
        self.context = MigrationContext(engine, registry, self.lines.append, self.confirm)

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answers.pop(0) if self.answers else True

    def write(self, migration_id: str, body: str) -> Path:
        path = self.folder / f"m_{migration_id[-12:].replace(':', '_')}.py"
        path.write_text(
            HEADER.format(id=migration_id)
            + textwrap.indent(textwrap.dedent(body), "    ")
            + "\n    return manager\n"
        )
        return path

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def harness(fresh: Fresh, tmp_path: Path) -> Harness:
    made = Harness(fresh.engine, tmp_path / "migrations")
    for migration_id, body in FILES.items():
        made.write(migration_id, body)
    return made


IDS = list(FILES)


async def tables(engine: Any) -> list[str]:
    return sorted(t.tablename for t in await engine.introspect() if t.tablename != "migration")


async def test_forwards_backwards_raw_and_snapshot_tables(harness: Harness, fresh: Fresh) -> None:
    db, context = fresh.engine, harness.context
    assert await forwards("app", preview=True, context=context) == IDS
    assert await tables(db) == []  # a preview changes nothing
    create = f"CREATE TABLE {db.dialect.quote('band')}"
    assert create in harness.output and "raw function" in harness.output
    assert await forwards("app", IDS[1], context=context) == IDS[:2]
    assert await db.fetch_sql("SELECT name, rank FROM band") == [{"name": "Py", "rank": 3}]
    assert await forwards("app", IDS[1], context=context) == []
    assert await forwards("app", context=context) == IDS[2:]
    band = (await db.introspect()).by_tablename("band")
    assert band is not None and band.column("rank").column_class == "BigInt"
    assert band.column("rank").index
    rows = await check(context=context)
    assert [(r.migration_id, r.ran) for r in rows] == [(i, True) for i in IDS]

    assert await backwards("app", IDS[1], preview=True, context=context) == IDS[:0:-1]
    assert await backwards("app", IDS[1], context=context) == [IDS[2], IDS[1]]
    assert harness.questions[-1].startswith("app: undo 2 migration(s)")
    assert await db.fetch_sql("SELECT count(*) AS n FROM band") == [{"n": 0}]  # raw backwards
    assert await backwards("app", IDS[2], context=context) == []  # it has not run
    harness.answers = [False]
    assert await backwards("app", context=context) == []
    assert await backwards("app", "all", auto_agree=True, clean=True, context=context) == IDS[:1]
    assert not (harness.folder / "m_01_000000.py").exists()
    assert await tables(db) == []


async def test_a_failure_changes_nothing(harness: Harness, fresh: Fresh) -> None:
    harness.write(
        "2026-01-01T00:00:04:000000",
        """
        manager.add_column(
            table_class_name="Band", tablename="band", column_name="extra",
            column_class=Integer, params={},
        )
        manager.add_constraint(
            table_class_name="Band", tablename="band", constraint_name="big_rank",
            constraint_class="Check", params={"condition": '"rank" > 100'},
        )
        """,
    )
    await forwards("app", IDS[-1], context=harness.context)
    with pytest.raises(MigrationError) as caught:
        await forwards("app", context=harness.context)
    message = str(caught.value)
    assert "2026-01-01T00:00:04:000000" in message and "band.big_rank" in message
    band = (await fresh.engine.introspect()).by_tablename("band")
    if fresh.kind == "mysql":
        # MariaDB commits each DDL statement: the added column stays, and the message
        # says so, listing what ran
        assert band is not None and band.get_column("extra") is not None
        assert "not transactional" in message and "ADD COLUMN `extra`" in message
    else:
        assert band is not None and band.get_column("extra") is None
    ran = await fresh.engine.fetch_sql("SELECT name FROM migration")
    assert [r["name"] for r in ran] == IDS


async def test_fake_asks_and_records_only(harness: Harness, fresh: Fresh) -> None:
    harness.answers = [False]
    assert await forwards("app", fake=True, context=harness.context) == []
    assert "mark 3 migration(s) as run" in harness.questions[0]
    assert await forwards("app", fake=True, context=harness.context) == IDS
    assert await tables(fresh.engine) == []
    assert await forwards("app", context=harness.context) == []


async def test_clean_and_squash(harness: Harness, fresh: Fresh) -> None:
    context = harness.context
    await forwards("app", context=context)
    before = await fresh.engine.introspect()
    path = await squash("app", auto_agree=True, context=context)
    assert path is not None and "REPLACES" in Path(path).read_text()
    assert "raw function(s)" in harness.output
    assert [r.ran for r in await check("app", context=context)] == [True]
    assert await clean("app", auto_agree=True, context=context) == IDS
    assert await forwards("app", context=context) == []
    assert await fresh.engine.introspect() == before
    assert await clean("app", context=context) == []
    assert await squash("app", context=context) is None  # one file left


async def test_squash_recognises_partial_history(harness: Harness, fresh: Fresh) -> None:
    await forwards("app", IDS[0], context=harness.context)
    harness.answers = [False]
    assert await squash("app", context=harness.context) is None
    assert await squash("app", auto_agree=True, context=harness.context)
    with pytest.raises(MigrationError, match="only part of the history"):
        await forwards("app", context=harness.context)


async def test_new_writes_files(harness: Harness, tmp_path: Path) -> None:
    for path in harness.folder.glob("m_*.py"):
        path.unlink()
    [path] = await new("app", desc="hand made", context=harness.context)
    assert "DESCRIPTION = 'hand made'" in Path(path).read_text()
    assert await new("all", auto=True, context=harness.context) == []
    assert "no changes detected" in harness.output


async def test_errors(harness: Harness, tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no migration 'nope'"):
        await forwards("app", "nope", context=harness.context)
    with pytest.raises(MigrationError, match="not 'all'"):
        await forwards("all", "x", context=harness.context)
    with pytest.raises(ConfigurationError, match="no app called 'zzz'"):
        await forwards("zzz", context=harness.context)
    (harness.folder / "broken.py").write_text("ID = '9'\nasync def forwards():\n    return 1\n")
    with pytest.raises(MigrationError, match="must return a MigrationManager"):
        await forwards("app", context=harness.context)
    (harness.folder / "broken.py").write_text("import nowhere_module_xyz\n")
    with pytest.raises(MigrationError, match="cannot import the migration file"):
        await forwards("app", context=harness.context)


async def test_safety_warnings(harness: Harness, fresh: Fresh) -> None:
    await forwards("app", IDS[1], context=harness.context)
    harness.write(
        "2026-01-01T00:00:05:000000",
        """
        manager.alter_column(
            table_class_name="Band", tablename="band", column_name="rank",
            params={"null": False}, old_params={}, column_class=BigInt,
        )
        manager.add_constraint(
            table_class_name="Band", tablename="band", constraint_name="rank_positive",
            constraint_class="Check", params={"condition": '"rank" >= 0'},
        )
        """,
    )
    await forwards("app", preview=True, context=harness.context)
    output = harness.output
    if fresh.kind == "postgres":
        assert "rewrites band" in output and "CONCURRENTLY" in output
        assert "VALIDATE CONSTRAINT" in output
    else:
        assert "rewrites" not in output and "CONCURRENTLY" not in output


async def test_without_a_transaction(harness: Harness, fresh: Fresh) -> None:
    path = harness.write(
        "2026-01-01T00:00:06:000000",
        """
        manager.add_column(
            table_class_name="Band", tablename="band", column_name="plain",
            column_class=Integer, params={"null": True},
        )
        """,
    )
    path.write_text(
        path.read_text().replace(
            "description=DESCRIPTION)", "description=DESCRIPTION, wrap_in_transaction=False)"
        )
    )
    assert await forwards("app", context=harness.context) == [*IDS, "2026-01-01T00:00:06:000000"]
    band = (await fresh.engine.introspect()).by_tablename("band")
    assert band is not None and band.get_column("plain") is not None


async def test_dependencies_run_first_even_unregistered(
    fresh: Fresh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / f"depapp_{id(fresh)}"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "vivace_app.py").write_text(
        "import os\nfrom vivace.conf import AppConfig\n"
        "APP_CONFIG = AppConfig('dep', os.path.join(os.path.dirname(__file__), 'migrations'))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    dependency = Harness(fresh.engine, package / "migrations")
    body = FILES[IDS[0]].replace("Band", "Label").replace("band", "label")
    path = dependency.write("2025-01-01T00:00:00:000000", body)
    path.write_text(path.read_text().replace('app_name="app"', 'app_name="dep"'))
    registry = AppRegistry(
        app_configs=[
            AppConfig(
                "app",
                tmp_path / "migrations",
                migration_dependencies=[f"{package.name}.vivace_app"],
            )
        ]
    )
    (tmp_path / "migrations").mkdir()
    context = MigrationContext(fresh.engine, registry, lambda line: None, lambda q: True)
    assert await forwards("app", context=context) == ["2025-01-01T00:00:00:000000"]
    assert await tables(fresh.engine) == ["label"]


async def test_hand_written_foreign_key_to_self(harness: Harness, fresh: Fresh) -> None:
    """``add_column(..., column_class=ForeignKey, params={"references": "self"})`` as a
    Piccolo user writes it by hand: the key points at the table it is added to (loading
    the history failed on it, for every command of the app)."""
    path = harness.write(
        "2026-01-01T00:00:07:000000",
        """
        manager.add_column(
            table_class_name="Band", tablename="band", column_name="mentor",
            column_class=ForeignKey, params={"references": "self", "null": True},
        )
        """,
    )
    path.write_text(
        path.read_text().replace(
            "from vivace.columns import Integer", "from vivace.columns import ForeignKey, Integer"
        )
    )
    assert await forwards("app", context=harness.context) == [*IDS, "2026-01-01T00:00:07:000000"]
    band = (await fresh.engine.introspect()).by_tablename("band")
    assert band is not None
    mentor = band.get_column("mentor")
    assert mentor is not None and mentor.column_class == "ForeignKey"
    assert mentor.param("references").tablename == "band"
    await fresh.engine.fetch_sql("INSERT INTO band (name, rank) VALUES ('a', 1)")
    await fresh.engine.fetch_sql("INSERT INTO band (name, rank, mentor) VALUES ('b', 1, 1)")
    assert [r.ran for r in await check("app", context=harness.context)] == [True] * 4
    assert await backwards("app", context=harness.context) == ["2026-01-01T00:00:07:000000"]
