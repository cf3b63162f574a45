"""``vivace shell run``: a Python shell with every app's tables imported and top-level ``await``.

Example::

    $ vivace shell run
    >>> await Band.select(Band.name)
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import click

from vivace.cli.group import VivaceGroup
from vivace.cli.pending import warn_if_migrations_pending
from vivace.conf import Configuration, load_configuration
from vivace.playground.console import interact


@click.group(name="shell", cls=VivaceGroup, aliases={"start": "run"})
def group() -> None:
    """A Python shell on the project's tables.

    \b
    Example:
        vivace shell run
    """


def shell_namespace(configuration: Configuration) -> tuple[dict[str, Any], list[str]]:
    """The tables of every registered app by class name (``app_Name`` when two clash) and ``DB``."""
    namespace: dict[str, Any] = {"DB": configuration.db}
    lines: list[str] = []
    for app_name, config in configuration.app_registry.app_configs.items():
        names = []
        for table in config.table_classes:
            name = table.__name__
            if name in namespace:
                name = f"{app_name}_{name}"
            namespace[name] = table
            names.append(name)
        lines.append(f"  {app_name}: {', '.join(names) or '(no tables)'}")
    return namespace, lines


@group.command(name="run")
@click.option(
    "--ipython/--no_ipython",
    default=None,
    help="Use IPython (default: when it is installed and this is a terminal).",
)
def run(ipython: bool | None) -> None:
    """Open a shell where the apps' tables are imported and `await` works at the top level.

    Piped input is run line by line, so the shell works in scripts too.

    \b
    Examples:
        vivace shell run
        echo 'await Band.count()' | vivace shell run
    """
    configuration = load_configuration()
    namespace, lines = shell_namespace(configuration)
    if ipython is None and not sys.stdin.isatty():
        ipython = False
    banner = "\n".join(["Vivace shell: the tables of the apps are imported.", *lines])
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(warn_if_migrations_pending(configuration))
        interact(namespace, loop, banner, ipython)
    finally:
        db = namespace["DB"]
        if db is not None:
            loop.run_until_complete(db.close_connection_pool())
        loop.close()
