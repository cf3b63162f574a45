"""``vivace playground run``: learn the API on example data, then keep going in a shell.

Example::

    $ vivace playground run                       # SQLite in a temporary file
    $ vivace playground run --engine=postgres --user=postgres --database=vivace_playground
    $ vivace playground run --script=try.py       # the tour, then your script; no shell
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from vivace.cli.engines import engine_class
from vivace.cli.group import VivaceGroup
from vivace.cli.output import note
from vivace.playground import run_playground

DEFAULT_DATABASE = "vivace_playground"


@dataclass(frozen=True)
class ServerOptions:
    """The connection flags of ``playground run``."""

    user: str | None
    password: str | None
    database: str | None
    host: str
    port: int | None


def _sqlite_engine(options: ServerOptions) -> tuple[Any, Callable[[], None]]:
    if options.database:
        note(f"SQLite database: {options.database} (kept after the session)")
        return engine_class("sqlite")(path=options.database), lambda: None
    folder = tempfile.mkdtemp(prefix="vivace-playground-")
    path = str(Path(folder) / "playground.sqlite")
    note(f"SQLite database: {path} (a temporary file, deleted on exit; --database=FILE keeps one)")
    return engine_class("sqlite")(path=path), lambda: shutil.rmtree(folder, True)


def _server_config(options: ServerOptions, default_port: int, default_user: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "host": options.host,
        "port": options.port or default_port,
        "user": options.user or default_user,
        "database": options.database or DEFAULT_DATABASE,
    }
    if options.password:
        config["password"] = options.password
    note(f"Database {config['database']} on {config['host']}:{config['port']} as {config['user']}")
    return config


def _checked_name(name: str) -> str:
    # The name goes into CREATE DATABASE as an identifier: no parameter can carry it.
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise click.BadParameter("letters, digits and _ only", param_hint="--database")
    return name


async def _create_postgres_database(config: dict[str, Any]) -> None:
    """Create the playground's database when the server does not have it yet."""
    name = _checked_name(config["database"])
    admin = engine_class("postgres")(config={**config, "database": "postgres"})
    try:
        found = await admin.fetch_sql("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        if not found:
            note(f"Creating the database {name}")
            await admin.execute_ddl([f'CREATE DATABASE "{name}"'])
    finally:
        await admin.close_connection_pool()


async def _create_mysql_database(config: dict[str, Any]) -> None:
    """Create the playground's database when the server does not have it yet (as for
    PostgreSQL: the README's ``--engine=mysql`` must work on a bare server)."""
    name = _checked_name(config["database"])
    admin_config = {key: value for key, value in config.items() if key != "database"}
    admin = engine_class("mysql")(config=admin_config)
    try:
        found = await admin.fetch_sql(
            "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s", [name]
        )
        if not found:
            note(f"Creating the database {name}")
            await admin.execute_ddl([f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"])
    finally:
        await admin.close_connection_pool()


def _postgres_engine(options: ServerOptions) -> tuple[Any, Callable[[], None]]:
    config = _server_config(options, default_port=5432, default_user="postgres")
    asyncio.run(_create_postgres_database(config))
    return engine_class("postgres")(config=config), lambda: None


def _mysql_engine(options: ServerOptions) -> tuple[Any, Callable[[], None]]:
    config = _server_config(options, default_port=3306, default_user="root")
    asyncio.run(_create_mysql_database(config))
    return engine_class("mysql")(config=config), lambda: None


ENGINES: dict[str, Callable[[ServerOptions], tuple[Any, Callable[[], None]]]] = {
    "sqlite": _sqlite_engine,
    "postgres": _postgres_engine,
    "mysql": _mysql_engine,
}


@click.group(name="playground", cls=VivaceGroup, aliases={"start": "run"})
def group() -> None:
    """Example tables and data to learn Vivace's API.

    \b
    Example:
        vivace playground run
    """


def _echo_tour_line(line: str) -> None:
    # Step titles stand out on a terminal; click drops the colour on a pipe.
    click.echo(click.style(line, fg="cyan", bold=True) if line.startswith("\n# ") else line)


@group.command(name="run")
@click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default="sqlite",
    show_default=True,
    help="The database to play on.",
)
@click.option("--user", help="Server user (postgres: postgres, mysql: root).")
@click.option("--password", help="Server password.")
@click.option(
    "--database",
    help=f"Server database (default {DEFAULT_DATABASE}); for sqlite a file to keep.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Server host.")
@click.option("--port", type=int, help="Server port (5432 / 3306).")
@click.option(
    "--ipython/--no_ipython",
    default=None,
    help="Use IPython for the shell (default: when it is installed).",
)
@click.option(
    "--script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run this file (top-level await allowed) after the tour, instead of a shell.",
)
def run(
    engine: str,
    user: str | None,
    password: str | None,
    database: str | None,
    host: str,
    port: int | None,
    ipython: bool | None,
    script: Path | None,
) -> None:
    """Create the example tables with data, show a tour of the API, then open a shell.

    The shell has the tables in scope and takes `await` at the top level. Without a
    terminal (stdin is not a tty) or with --script, it stops after the tour (or the script).

    \b
    Examples:
        vivace playground run
        vivace playground run --engine=postgres --user=postgres --database=play
        vivace playground run --script=queries.py
    """
    options = ServerOptions(user, password, database, host, port)
    chosen, cleanup = ENGINES[engine](options)
    try:
        run_playground(
            chosen,
            interactive=sys.stdin.isatty(),
            script=script,
            use_ipython=ipython,
            write=_echo_tour_line,
        )
    finally:
        cleanup()
