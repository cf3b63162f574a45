"""The commands of the project's apps (``AppConfig(commands=[...])``) as ``vivace <app> <command>``.

A function's signature becomes its options, as Piccolo's ``targ`` does: a parameter without
a default is an argument, one with a default an option (``--name``), a ``bool`` default a
flag; coroutine functions are run with ``asyncio.run``; the docstring is the help.

Example::

    # music/vivace_app.py
    async def reset_ratings(band: str, dry_run: bool = False) -> None:
        "Set a band's ratings back to 0."

    APP_CONFIG = AppConfig("music", ..., commands=[Command(reset_ratings, aliases=["reset"])])

    $ vivace music reset_ratings Pythonistas --dry_run
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import click

from vivace.cli.group import VivaceGroup
from vivace.conf import AppConfig, Command


def _parameter(parameter: inspect.Parameter) -> click.Parameter:
    default = parameter.default
    if default is inspect.Parameter.empty:
        annotated = parameter.annotation if isinstance(parameter.annotation, type) else str
        return click.Argument([parameter.name], type=annotated)
    if isinstance(default, bool):
        if default:
            flag = f"--{parameter.name}/--no_{parameter.name}"
            return click.Option([flag, parameter.name], default=True, show_default=True)
        return click.Option([f"--{parameter.name}", parameter.name], is_flag=True)
    return click.Option(
        [f"--{parameter.name}", parameter.name],
        default=default,
        type=None if default is None else type(default),
        show_default=True,
    )


def command_from_callable(command: Command) -> click.Command:
    """A click command running ``command.callable`` with the values given on the line."""
    function: Callable[..., Any] = command.callable

    def invoke(**values: Any) -> None:
        result = function(**values)
        if inspect.iscoroutine(result):
            asyncio.run(result)

    parameters = [_parameter(p) for p in inspect.signature(function).parameters.values()]
    return click.Command(
        name=command.name,
        callback=invoke,
        params=parameters,
        help=inspect.getdoc(function) or f"The {command.name} command.",
    )


def app_group(config: AppConfig) -> click.Group:
    """The group ``vivace <app_name>`` of an app's commands, with their aliases."""
    commands = config.get_commands()
    aliases = {alias: c.name for c in commands for alias in c.aliases}
    group = VivaceGroup(
        name=config.app_name,
        aliases=aliases,
        help=f"Commands of the {config.app_name} app.",
    )
    for command in commands:
        group.add_command(command_from_callable(command))
    return group
