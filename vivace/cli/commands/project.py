"""``vivace project new``: write a ``vivace_conf.py`` that runs at once.

Example::

    $ vivace project new                       # SQLite, a file next to the conf
    $ vivace project new --engine=postgres --root=myproject
"""

from __future__ import annotations

from pathlib import Path

import click

from vivace.cli.engines import ENGINE_NAMES, engine_class
from vivace.cli.group import VivaceGroup
from vivace.cli.options import root_option
from vivace.cli.scaffold import render, write_new

# What each engine's DB line is made with (the conf sits in the project's root).
ENGINE_ARGUMENTS = {
    "sqlite": 'path=os.path.join(HERE, "$name.sqlite")',
    "postgres": (
        'config={"host": "localhost", "port": 5432, "database": "$name", '
        '"user": "postgres", "password": ""}'
    ),
    "mysql": (
        'config={"host": "localhost", "port": 3306, "database": "$name", '
        '"user": "root", "password": ""}'
    ),
}

#: Engines whose database must exist before the first migration (SQLite makes its file;
#: a server stops the first migration at "database ... does not exist").
SERVER_ENGINES = frozenset({"postgres", "mysql"})


@click.group(name="project", cls=VivaceGroup, aliases={"create": "new"})
def group() -> None:
    """Start a Vivace project.

    \b
    Example:
        vivace project new --engine=postgres
    """


@group.command(name="new")
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="sqlite",
    show_default=True,
    help="The database the project uses.",
)
@root_option("The project's folder")
@click.option("--force", is_flag=True, help="Replace an existing vivace_conf.py.")
def new(engine: str, root: Path, force: bool) -> None:
    """Write vivace_conf.py: the database (DB) and the apps (APP_REGISTRY).

    The database is named after the project's folder.

    \b
    Examples:
        vivace project new
        vivace project new --engine=postgres --root=myproject
    """
    chosen = engine_class(engine)
    name = root.resolve().name.replace("-", "_") or "vivace"
    arguments = ENGINE_ARGUMENTS[engine].replace("$name", name)
    text = render(
        "project/vivace_conf.py.tmpl",
        engine_class=chosen.__name__,
        engine_arguments=arguments,
    )
    write_new(root / "vivace_conf.py", text, force)
    if engine in SERVER_ENGINES:
        click.echo(f"Create the database {name} on the server first (CREATE DATABASE {name})")
    click.echo("Next: vivace app new NAME --register")
