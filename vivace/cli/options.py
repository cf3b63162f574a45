"""Options several commands share, spelled once.

Example::

    @group.command(name="new")
    @root_option("The project's folder")
    def new(root: Path) -> None: ...
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def root_option(what: str) -> Callable[[F], F]:
    """``--root``: the folder a scaffold is written in (default: the current one)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        help=f"{what} (default: the current folder).",
    )
