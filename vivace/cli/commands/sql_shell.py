"""``vivace sql_shell run``: the database's own client (psql, sqlite3, mariadb) with the
configuration's credentials.

Example::

    $ vivace sql_shell run
    $ vivace sql_shell run -- -c 'select count(*) from band'     # arguments for the client
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from vivace.cli.group import VivaceGroup
from vivace.cli.pending import warn_if_migrations_pending
from vivace.conf import Configuration, Finder, load_configuration


@dataclass(frozen=True)
class ClientCall:
    """A client program, its arguments and the environment variables it reads secrets from."""

    programs: tuple[str, ...]  # the first one installed is used
    arguments: list[str]
    environment: dict[str, str]
    install_hint: str


def _postgres(engine: Any) -> ClientCall:
    config = engine.config
    arguments = [
        f"--host={config.get('host', 'localhost')}",
        f"--port={config.get('port', 5432)}",
        f"--username={config.get('user', os.environ.get('USER', 'postgres'))}",
        f"--dbname={config.get('database', 'postgres')}",
    ]
    secret = {"PGPASSWORD": str(config["password"])} if config.get("password") else {}
    return ClientCall(("psql",), arguments, secret, "apt install postgresql-client")


def _sqlite(engine: Any) -> ClientCall:
    return ClientCall(("sqlite3",), [str(engine.path)], {}, "apt install sqlite3")


def _mysql(engine: Any) -> ClientCall:
    config = engine.config
    arguments = [
        f"--host={config.get('host', 'localhost')}",
        f"--port={config.get('port', 3306)}",
        f"--user={config.get('user', 'root')}",
        str(config.get("database", "")),
    ]
    secret = {"MYSQL_PWD": str(config["password"])} if config.get("password") else {}
    return ClientCall(("mariadb", "mysql"), arguments, secret, "apt install mariadb-client")


# Which client speaks to which engine (keyed by Engine.engine_type).
CLIENTS: dict[str, Callable[[Any], ClientCall]] = {
    "postgres": _postgres,
    "sqlite": _sqlite,
    "mysql": _mysql,
}


async def _check_migrations(configuration: Configuration) -> None:
    try:
        await warn_if_migrations_pending(configuration)
    finally:
        await configuration.db.close_connection_pool()


@click.group(name="sql_shell", cls=VivaceGroup, aliases={"start": "run"})
def group() -> None:
    """The database's own SQL client.

    \b
    Example:
        vivace sql_shell run
    """


@group.command(name="run", context_settings={"ignore_unknown_options": True})
@click.argument("client_args", nargs=-1, type=click.UNPROCESSED)
def run(client_args: tuple[str, ...]) -> int:
    """Open psql, sqlite3 or mariadb on the configured database (DB in vivace_conf.py).

    Arguments after -- go to the client.

    \b
    Examples:
        vivace sql_shell run
        vivace sql_shell run -- -c 'select 1'        # psql
        vivace sql_shell run 'select 1'              # sqlite3
    """
    configuration = load_configuration()
    engine = Finder().get_engine()
    asyncio.run(_check_migrations(configuration))
    make_call = CLIENTS.get(engine.engine_type)
    if make_call is None:
        raise click.ClickException(f"no SQL client is known for {engine.engine_type} engines")
    call = make_call(engine)
    program = next((found for p in call.programs if (found := shutil.which(p))), None)
    if program is None:
        wanted = " or ".join(call.programs)
        raise click.ClickException(f"{wanted} is not installed ({call.install_hint})")
    done = subprocess.run(
        [program, *call.arguments, *client_args], env={**os.environ, **call.environment}
    )
    return done.returncode
