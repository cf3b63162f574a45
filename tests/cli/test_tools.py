"""``shell run``, ``sql_shell run``, ``tester run`` and ``meta`` on real projects and databases."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import PG_HOST, PG_PORT, PG_USER

SETUP = "await Music.create_table(if_not_exists=True)\nawait Music.insert(Music(name='Ada'))\n"


def make_project(project: Path, *engine: str) -> None:
    assert run_cli("project", "new", *engine) == 0
    assert run_cli("app", "new", "music", "--register") == 0


def use_postgres(project: Path, database: str) -> None:
    """Point the generated configuration at the tests' PostgreSQL database."""
    conf = project / "vivace_conf.py"
    config = {"host": PG_HOST, "port": PG_PORT, "user": PG_USER, "database": database}
    lines = conf.read_text().splitlines()
    lines = [
        f"DB = PostgresEngine(config={config!r})" if x.startswith("DB =") else x for x in lines
    ]
    conf.write_text("\n".join(lines) + "\n")


def shell(monkeypatch: pytest.MonkeyPatch, lines: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    return run_cli("shell", "run")


def test_shell_runs_piped_lines_with_the_apps_tables(
    in_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(in_project)
    capsys.readouterr()
    assert shell(monkeypatch, SETUP + "print('count', await Music.count())\n") == 0
    captured = capsys.readouterr()
    # The REPL shows each expression's value (create_table's [] as Piccolo's, the insert's
    # ids); piped input gets no prompts.
    assert captured.out == "[]\n[{'id': 1}]\ncount 1\n"
    assert "music: Music" in captured.err


def test_sql_shell_sqlite_and_a_missing_client(
    in_project: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    make_project(in_project)
    assert shell(monkeypatch, SETUP) == 0
    capfd.readouterr()
    assert run_cli("sql_shell", "run", "select name from music") == 0
    assert capfd.readouterr().out.strip() == "Ada"
    assert run_cli("sql_shell", "start", ".nosuchdotcommand") == 1  # the client's exit code
    monkeypatch.setenv("PATH", str(in_project))
    assert run_cli("sql_shell", "run") == 1
    assert "Error: sqlite3 is not installed (apt install sqlite3)" in capfd.readouterr().err


def test_shell_and_sql_shell_on_postgres(
    in_project: Path,
    cli_pg_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    make_project(in_project, "--engine=postgres")
    use_postgres(in_project, cli_pg_database)
    assert shell(monkeypatch, "await Music.drop_table(if_exists=True)\n" + SETUP) == 0
    capfd.readouterr()
    assert run_cli("sql_shell", "run", "--", "-tAc", "select name from music") == 0
    assert capfd.readouterr().out.strip() == "Ada"


def test_sql_shell_without_a_configuration(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("sql_shell", "run") == 1
    assert "no configuration with a DB was found" in capsys.readouterr().err


def test_tester_runs_pytest_with_the_test_configuration(
    in_project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    make_project(in_project)
    assert run_cli("tester", "run") == 1
    assert "no module vivace_conf_test" in capfd.readouterr().err
    (in_project / "vivace_conf_test.py").write_text("from vivace_conf import *\nMARK = 'test'\n")
    (in_project / "tests").mkdir()
    (in_project / "tests" / "test_conf.py").write_text(
        "import os\n\n\ndef test_conf():\n"
        "    assert os.environ['VIVACE_CONF'] == 'vivace_conf_test'\n"
    )
    pytest_args = "--pytest_args=-q -p no:cacheprovider tests"
    assert run_cli("tester", "run", pytest_args) == 0
    assert "1 passed" in capfd.readouterr().out
    assert run_cli("tester", "run", pytest_args, "--setup_conf=vivace_conf") == 1  # test fails


def test_commands_on_the_database_warn_once_about_pending_migrations(
    in_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(in_project)
    assert run_cli("migrations", "new", "music", "--auto") == 0
    capsys.readouterr()
    assert run_cli("fixtures", "dump") == 1  # the table is not there yet
    warning = "Warning: 1 migration has not run (music: 1); vivace migrations forwards all"
    assert capsys.readouterr().err.count(warning) == 1
    assert shell(monkeypatch, "await Music.count()\n") == 0  # the shell shows errors, goes on
    err = capsys.readouterr().err
    assert warning in err and "no such table: music" in err
    assert run_cli("migrations", "forwards", "all") == 0
    capsys.readouterr()
    assert run_cli("fixtures", "dump") == 0
    assert "Warning" not in capsys.readouterr().err
    (in_project / "music" / "migrations" / "broken.py").write_text("import nosuchmodule\n")
    assert run_cli("fixtures", "dump") in (0, 1)
    assert "could not check the migrations" in capsys.readouterr().err
