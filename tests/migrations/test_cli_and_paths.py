"""The ``vivace migrations`` group in-process (exit codes, one-line errors), Piccolo's
programmatic ``run_forwards``/``run_backwards`` and Piccolo's import paths."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.migrations.conftest import Project, run
from vivace.apps.migrations.auto import MigrationManager as AutoManager
from vivace.apps.migrations.auto.migration_manager import MigrationManager
from vivace.apps.migrations.commands.backwards import run_backwards
from vivace.apps.migrations.commands.forwards import run_forwards
from vivace.apps.migrations.tables import Migration
from vivace.conf import load_configuration
from vivace.migrations import MigrationManager as Primary
from vivace.migrations.table import Migration as PrimaryMigration

TABLES = """
class Band(Table):
    name = Varchar(length=20)
"""


def closing(coroutine: Any) -> Any:
    """Run a coroutine that uses the configured engine, then close that engine's pool."""

    async def go() -> Any:
        try:
            return await coroutine
        finally:
            await load_configuration().db.close_connection_pool()

    return run(go())


def test_piccolo_paths() -> None:
    assert MigrationManager is Primary and AutoManager is Primary
    assert Migration is PrimaryMigration


def test_cli_and_programmatic_runs(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    app = project.package
    project.write_tables(TABLES)
    assert project.run("migrations", "n", app, "--auto", "--desc=first") == 0
    assert project.run("migrations", "check") == 0
    assert "first" in capsys.readouterr().out
    assert project.run("migrations", "forwards", "nope") == 1
    assert "no app called 'nope'" in capsys.readouterr().err
    result = closing(run_forwards(app))
    assert result.success and result.message == "ran 1 migration(s)"
    assert project.run("migrations", "forwards", app, "--fake") == 0  # nothing pending: no question
    assert closing(run_backwards(app)).success is False  # not agreed: nothing undone
    assert closing(run_backwards(app, auto_agree=True)).success
    assert project.fetch("SELECT count(*) AS n FROM migration") == [{"n": 0}]
    assert project.run("migrations", "forwards", "all", "--preview") == 0
    assert f"CREATE TABLE {project.fresh.engine.dialect.quote('band')}" in capsys.readouterr().out
    assert closing(run_forwards(app, preview=True)).success
    assert closing(run_forwards(app, "no-such-id")).success is False
    assert project.run("migrations", "f", "all") == 0
    assert project.run("migrations", "b", app, "all", "--auto_agree", "--clean") == 0
    assert project.migration_files() == []
    assert project.run("migrations", "clean", app, "--auto_agree") == 0
    assert project.run("migrations", "squash", app, "--auto_agree") == 0
    assert "nothing to squash" in capsys.readouterr().out


def test_rename_asked_on_the_terminal(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = project.package
    project.write_tables(TABLES)
    assert project.run("migrations", "new", app, "--auto") == 0
    project.write_tables(TABLES.replace("name =", "title ="))
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert project.run("migrations", "new", app, "--auto") == 0
    assert "Did you rename the column name to title on the table Band?" in capsys.readouterr().out
    newest = project.migration_files()[-1].read_text()
    assert "manager.rename_column(" in newest and "drop_column" not in newest
