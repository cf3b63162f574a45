"""``vivace asgi new``: a working ASGI app (Starlette, FastAPI or Litestar) with its tests.

Example::

    $ vivace asgi new --name=todo --framework=fastapi
    $ cd todo && pip install -r requirements.txt && python -m pytest && python main.py
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from vivace.cli.group import VivaceGroup
from vivace.cli.options import root_option
from vivace.cli.registration import register_app
from vivace.cli.scaffold import render, write_new


@dataclass(frozen=True)
class Framework:
    """What differs between the frameworks: the app template, requirement and test client."""

    requirement: str
    test_client_import: str
    test_client_call: str


FRAMEWORKS = {
    "starlette": Framework(
        "starlette", "from starlette.testclient import TestClient", "TestClient(app)"
    ),
    "fastapi": Framework("fastapi", "from fastapi.testclient import TestClient", "TestClient(app)"),
    "litestar": Framework(
        "litestar>=2.25", "from litestar.testing import TestClient", "TestClient(app=app)"
    ),
}
SERVERS = ("uvicorn", "hypercorn")


@click.group(name="asgi", cls=VivaceGroup, aliases={"create": "new"})
def group() -> None:
    """Make an ASGI web app on Vivace.

    \b
    Example:
        vivace asgi new --framework=fastapi
    """


def _write_project(folder: Path, name: str, framework_name: str, server: str) -> None:
    framework = FRAMEWORKS[framework_name]
    values = {
        "name": name,
        "app_name": "home",
        "module": "home",
        "class_name": "Task",
        "framework_requirement": framework.requirement,
        "server": server,
        "test_client_import": framework.test_client_import,
        "test_client_call": framework.test_client_call,
        "engine_class": "SQLiteEngine",
        "engine_arguments": f'path=os.path.join(HERE, "{name}.sqlite")',
    }
    files = {
        "vivace_conf.py": "project/vivace_conf.py.tmpl",
        "vivace_conf_test.py": "asgi/vivace_conf_test.py.tmpl",
        "app.py": f"asgi/{framework_name}_app.py.tmpl",
        "main.py": f"asgi/main_{server}.py.tmpl",
        "requirements.txt": "asgi/requirements.txt.tmpl",
        "pyproject.toml": "asgi/pyproject.toml.tmpl",
        "home/__init__.py": "app/__init__.py.tmpl",
        "home/tables.py": "asgi/home_tables.py.tmpl",
        "home/vivace_app.py": "app/vivace_app.py.tmpl",
        "home/migrations/__init__.py": "app/migrations__init__.py.tmpl",
        "tests/__init__.py": "app/__init__.py.tmpl",
        "tests/conftest.py": "asgi/tests_conftest.py.tmpl",
        "tests/test_tasks.py": "asgi/test_tasks.py.tmpl",
    }
    for relative, template in files.items():
        write_new(folder / relative, render(template, **values))
    register_app(folder / "vivace_conf.py", "home.vivace_app")


@group.command(name="new")
@root_option("The folder the app's folder is made in")
@click.option("--name", default="asgi_app", show_default=True, help="The app's folder and name.")
@click.option(
    "--framework",
    type=click.Choice(sorted(FRAMEWORKS)),
    default="starlette",
    show_default=True,
    help="The web framework.",
)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default="uvicorn",
    show_default=True,
    help="The ASGI server main.py runs.",
)
def new(root: Path, name: str, framework: str, server: str) -> None:
    """Make an ASGI app: a tasks resource (list, create, read, update, delete), its tests,
    a pool opened and closed in the app's lifespan, SQLite by default.

    \b
    Examples:
        vivace asgi new
        vivace asgi new --name=todo --framework=fastapi --server=uvicorn
    """
    if not name.isidentifier():
        raise click.BadParameter("a Python identifier (letters, digits, _)", param_hint="--name")
    folder = root / name
    if folder.exists():
        raise click.ClickException(f"{folder} exists already")
    _write_project(folder, name, framework, server)
    steps = "pip install -r requirements.txt && python -m pytest && python main.py"
    click.echo(f"Next: cd {folder} && {steps}")
