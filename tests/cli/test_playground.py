"""``vivace playground run``: example data, the tour's real results, script, shell, engines."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vivace.cli import main
from vivace.playground import AsyncConsole, run_source

# Lines of the tour's output that prove each step ran on the example data.
TOUR_RESULTS = (
    "{'name': 'Pythonistas', 'manager.name': 'Guido'}",
    "('Pythonistas', 1000, 'Guido')",
    "{'name': 'Graydon', 'bands': ['Rustaceans', 'C-Sharps']}",
    "{'name': 'Pythonistas', 'genres': ['Rock', 'Jazz']}",
    "'tickets': 3",
    "{'band_1.name': 'C-Sharps', 'starts': datetime.datetime(2026, 7, 12, 22, 0)}",
    "'facilities': {'mixing_desk': True, 'rooms': 3}",
    "{'name': 'Pythonistas', 'popularity': 1001}",
)


def assert_full_tour(out: str) -> None:
    for expected in TOUR_RESULTS:
        assert expected in out, expected
    assert out.count("\n# ") == 8


def test_sqlite_in_a_temporary_file_that_is_removed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playground", "run"]) == 0
    captured = capsys.readouterr()
    assert_full_tour(captured.out)
    match = re.search(r"SQLite database: (\S+) \(a temporary file", captured.err)
    assert match is not None
    assert not Path(match.group(1)).exists()


def test_sqlite_file_kept_and_script_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database, script = tmp_path / "play.sqlite", tmp_path / "try.py"
    script.write_text(
        "rows = await Band.select(Band.name).where(Band.popularity > 900)\n"
        "print('script saw', rows, await Genre.count())\n"
    )
    assert main(["playground", "start", f"--database={database}", f"--script={script}"]) == 0
    out = capsys.readouterr().out
    assert "script saw [{'name': 'Pythonistas'}] 3" in out
    assert database.stat().st_size > 0


def test_postgres(pg_flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playground", "run", "--engine=postgres", *pg_flags]) == 0
    out = capsys.readouterr().out
    assert_full_tour(out.replace("Decimal('149.70')", "Decimal('149.7')"))
    # A second run starts again from the example data.
    assert main(["playground", "run", "--engine=postgres", *pg_flags]) == 0
    assert "'popularity': 1001" in capsys.readouterr().out


def test_postgres_database_name_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playground", "run", "--engine=postgres", '--database=x"y']) == 2
    assert "--database: letters, digits and _ only" in capsys.readouterr().err


async def test_mysql(mysql_db: object, capsys: pytest.CaptureFixture[str]) -> None:
    """The tour on MariaDB, in a database of its own (the playground's tables would hold
    foreign keys to the session database's tables), which the playground creates as it
    does on PostgreSQL (it stopped at "Unknown database" on a bare server)."""
    from tests.conftest import MY_HOST, MY_PORT, MY_USER, _mysql_admin

    database = f"vivace_playground_{os.getpid()}"
    await _mysql_admin(f"DROP DATABASE IF EXISTS `{database}`")
    flags = [
        f"--host={MY_HOST}",
        f"--port={MY_PORT}",
        f"--user={MY_USER}",
        f"--database={database}",
    ]
    try:
        code = await asyncio.to_thread(main, ["playground", "run", "--engine=mysql", *flags])
    finally:
        await _mysql_admin(f"DROP DATABASE IF EXISTS `{database}`")
    assert code == 0
    captured = capsys.readouterr()
    assert f"Creating the database {database}" in captured.err
    assert_full_tour(captured.out.replace("Decimal('149.70')", "Decimal('149.7')"))


def test_mysql_database_name_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playground", "run", "--engine=mysql", "--database=x`y"]) == 2
    assert "--database: letters, digits and _ only" in capsys.readouterr().err


@pytest.fixture
def typed_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Lines the shell will read as if typed at a terminal (then Ctrl-D)."""
    lines: list[str] = []

    def raw_input(self: AsyncConsole, prompt: str = "") -> str:
        if not lines:
            raise EOFError
        return lines.pop(0)

    monkeypatch.setattr(AsyncConsole, "raw_input", raw_input)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    yield lines


def test_interactive_shell_awaits_at_top_level(
    typed_lines: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    typed_lines += [
        "rows = await Band.select(Band.name).order_by(Band.name)",
        "print('typed:', [row['name'] for row in rows])",
        "1 / 0",
        "await Manager.count()",
    ]
    assert main(["playground", "run", "--no_ipython"]) == 0
    captured = capsys.readouterr()
    assert "typed: ['C-Sharps', 'Pythonistas', 'Rustaceans']" in captured.out
    assert "ZeroDivisionError" in captured.err  # shown, and the shell went on
    assert captured.out.rstrip().endswith("4")  # 3 managers + the one of the tour
    assert "await Band.select(Band.name, Band.manager.name)" in captured.err  # the banner


def test_run_source_returns_the_last_expression() -> None:
    namespace: dict[str, object] = {"asyncio": asyncio}
    source = "x = await asyncio.sleep(0, result=20)\nx + 1"
    assert asyncio.run(run_source(source, namespace)) == 21
    assert asyncio.run(run_source("y = 1", namespace)) is None
    assert namespace["y"] == 1


def test_the_readme_command_runs_without_a_terminal() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "vivace"), "playground", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert_full_tour(done.stdout)


def test_asking_for_ipython_without_it_says_how_to_get_it(
    typed_lines: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from vivace.playground.console import has_ipython

    if has_ipython():
        pytest.skip("IPython is installed here: the shell would start")
    assert main(["playground", "run", "--ipython"]) == 1
    assert "IPython is not installed: pip install ipython" in capsys.readouterr().err
