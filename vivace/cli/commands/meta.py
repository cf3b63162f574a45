"""``vivace meta``: information about the installed Vivace.

Example::

    $ vivace meta version
    0.1.0
"""

from __future__ import annotations

import click

import vivace
from vivace.cli.group import VivaceGroup


@click.group(name="meta", cls=VivaceGroup, aliases={"v": "version"})
def group() -> None:
    """Information about the installed Vivace.

    \b
    Example:
        vivace meta version
    """


@group.command(name="version")
def version() -> None:
    """Print the installed Vivace version.

    \b
    Example:
        vivace meta version
    """
    click.echo(vivace.__version__)
