"""``vivace asgi new``: the generated apps pass their own tests."""

from __future__ import annotations

import importlib.util
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli


def run_generated_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("framework", ["starlette", "fastapi"])
def test_the_generated_app_passes_its_own_tests(
    in_project: Path, framework: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("asgi", "new", f"--name=todo_{framework}", f"--framework={framework}") == 0
    assert "Next: cd todo_" in capsys.readouterr().out
    folder = in_project / f"todo_{framework}"
    conf = (folder / "vivace_conf.py").read_text()
    assert 'AppRegistry(apps=["home.vivace_app"])' in conf
    done = run_generated_tests(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_litestar_and_hypercorn_files(in_project: Path) -> None:
    assert run_cli("asgi", "create", "--framework=litestar", "--server=hypercorn") == 0
    folder = in_project / "asgi_app"
    for source in folder.rglob("*.py"):
        py_compile.compile(str(source), doraise=True)
    assert "litestar" in (folder / "requirements.txt").read_text()
    assert "hypercorn" in (folder / "main.py").read_text()
    if importlib.util.find_spec("litestar") is not None:
        done = run_generated_tests(folder)
        assert done.returncode == 0, done.stdout + done.stderr


def test_asgi_new_mistakes(in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("asgi", "new", "--name=my-app") == 2
    assert run_cli("asgi", "new", "--framework=django") == 2
    assert "'django' is not one of 'fastapi', 'litestar', 'starlette'" in capsys.readouterr().err
    (in_project / "asgi_app").mkdir()
    assert run_cli("asgi", "new") == 1
    assert "asgi_app exists already" in capsys.readouterr().err
