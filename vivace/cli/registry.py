"""Which command groups ``vivace`` offers: the built-in groups, loaded only when used.

A built-in group is a module ``vivace/cli/commands/<name>.py`` exporting a click group named
``group``; listing its name in ``BUILTIN_GROUPS`` is all it takes. A name whose module is not
there (yet) is simply left out, so groups written in parallel plug in when they land.

Example::

    >>> "meta" in available_group_names()
    True
    >>> load_group("meta").name
    'meta'
"""

from __future__ import annotations

import importlib
import importlib.util

import click

COMMANDS_PACKAGE = "vivace.cli.commands"

# Piccolo's command groups, by module name (the module name is the command name).
BUILTIN_GROUPS = (
    "app",
    "asgi",
    "fixtures",
    "meta",
    "migrations",
    "playground",
    "project",
    "schema",
    "shell",
    "sql_shell",
    "tester",
    "user",
)


def available_group_names() -> list[str]:
    """The built-in groups whose module is present, in ``BUILTIN_GROUPS`` order."""
    return [
        name
        for name in BUILTIN_GROUPS
        if importlib.util.find_spec(f"{COMMANDS_PACKAGE}.{name}") is not None
    ]


def load_group(name: str) -> click.Command | None:
    """The click group of the built-in group ``name``, or None when it does not exist."""
    if name not in BUILTIN_GROUPS or name not in available_group_names():
        return None
    module = importlib.import_module(f"{COMMANDS_PACKAGE}.{name}")
    group: click.Command = module.group
    return group
