"""``project new``, ``app new [--register]``, ``app show_all`` and the apps' own commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from vivace.cli.registration import register_app
from vivace.exceptions import ConfigurationError

APP_WITH_COMMANDS = '''
import os

from vivace.conf import AppConfig, Command, table_finder


async def hello(name: str, times: int = 1, loud: bool = False, polite: bool = True) -> None:
    """Greet someone."""
    word = "HELLO" if loud else "hello"
    print(" ".join([word] * times), name, "please" if polite else "")


def tally(count: int) -> None:
    print("tally", count * 2)


APP_CONFIG = AppConfig(
    app_name="music",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=table_finder(modules=["music.tables"], exclude_imported=True),
    commands=[Command(hello, aliases=["hi"]), tally],
)
'''


def test_project_and_app_scaffolds_run_at_once(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("project", "new") == 0
    assert run_cli("app", "new", "music", "--register") == 0
    assert run_cli("app", "show_all") == 0
    out = capsys.readouterr().out
    assert "Registered music.vivace_app in vivace_conf.py" in out
    assert out.rstrip().endswith("music  music.vivace_app")
    for name in ("__init__.py", "tables.py", "vivace_app.py", "migrations/__init__.py"):
        assert (in_project / "music" / name).is_file()
    conf = (in_project / "vivace_conf.py").read_text()
    assert "SQLiteEngine(path=os.path.join(HERE," in conf
    # The generated app imports and finds its example table.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import vivace_conf; "
            "print([t.__name__ for t in vivace_conf.APP_REGISTRY.get_table_classes('music')])",
        ],
        capture_output=True,
        text=True,
        cwd=in_project,
    )
    assert done.stdout.strip() == "['Music']", done.stderr


def test_project_new_engines_and_existing_files(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("project", "create", "--engine=postgres", "--root=pg") == 0
    assert '"database": "pg"' in (in_project / "pg" / "vivace_conf.py").read_text()
    # The first migration would stop at 'database "pg" does not exist': said up front.
    assert "Create the database pg on the server first (CREATE DATABASE pg)" in (
        capsys.readouterr().out
    )
    assert run_cli("project", "new", "--engine=mysql", "--root=my") == 0
    assert "Create the database my on the server first" in capsys.readouterr().out
    assert run_cli("project", "new", "--root=lite") == 0
    assert "Create the database" not in capsys.readouterr().out
    assert run_cli("project", "new", "--root=pg") == 1
    assert "exists already (--force replaces it)" in capsys.readouterr().err
    assert run_cli("project", "new", "--root=pg", "--force") == 0
    assert "SQLiteEngine" in (in_project / "pg" / "vivace_conf.py").read_text()


def test_app_new_mistakes(in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("app", "new", "1x") == 2
    assert "Invalid value for APP_NAME" in capsys.readouterr().err
    assert run_cli("app", "new", "blog", "--root=apps") == 0
    assert '"apps.blog.vivace_app"' in capsys.readouterr().out
    assert run_cli("app", "new", "blog", "--root=apps") == 1
    assert run_cli("app", "new", "shop", "--register") == 1
    assert "no vivace_conf.py to register the app in" in capsys.readouterr().err
    assert not (in_project / "shop").exists()  # refused before writing: run it again as is
    assert run_cli("app", "list") == 0
    assert "No apps are registered" in capsys.readouterr().out


def test_app_commands_become_cli_commands(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("project", "new") == 0
    assert run_cli("app", "new", "music", "--register") == 0
    (in_project / "music" / "vivace_app.py").write_text(APP_WITH_COMMANDS)
    capsys.readouterr()
    assert run_cli("music", "hi", "Ada", "--times=2", "--loud", "--no_polite") == 0
    assert capsys.readouterr().out == "HELLO HELLO Ada \n"
    assert run_cli("music", "tally", "21") == 0
    assert capsys.readouterr().out == "tally 42\n"
    assert run_cli("music", "tally", "x") == 2
    assert run_cli("--help") == 0
    assert "music" in capsys.readouterr().out
    assert run_cli("music", "hello", "--help") == 0
    assert "Greet someone." in capsys.readouterr().out


def test_help_still_works_in_a_broken_project(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_project / "vivace_conf.py").write_text("APP_REGISTRY = 1\n")
    assert run_cli("--help") == 0
    captured = capsys.readouterr()
    assert "project" in captured.out and "apps' commands are not listed" in captured.err
    assert run_cli("nosuchapp") == 1  # the configuration error, in one line
    assert "APP_REGISTRY in vivace_conf is not an AppRegistry" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("R = AppRegistry(apps=[])\n", 'R = AppRegistry(apps=["m.vivace_app"])\n'),
        (
            'R = AppRegistry(apps=["a.vivace_app",])\n',
            'R = AppRegistry(apps=["a.vivace_app","m.vivace_app"])\n',
        ),
        (
            'R = AppRegistry(\n    apps=[\n        "a.vivace_app"\n    ]\n)\n',
            'R = AppRegistry(\n    apps=[\n        "a.vivace_app",\n'
            '        "m.vivace_app",\n    ]\n)\n',
        ),
    ],
)
def test_register_app_keeps_the_layout(tmp_path: Path, source: str, expected: str) -> None:
    conf = tmp_path / "vivace_conf.py"
    conf.write_text(source)
    assert register_app(conf, "m.vivace_app") is True
    assert conf.read_text() == expected
    assert register_app(conf, "m.vivace_app") is False


def test_register_app_needs_a_registry(tmp_path: Path) -> None:
    conf = tmp_path / "vivace_conf.py"
    conf.write_text("DB = None\n")
    with pytest.raises(ConfigurationError, match="has no AppRegistry"):
        register_app(conf, "m.vivace_app")
