"""Terminal manners: colour and progress only when a person is watching.

Example::

    with progress(length=len(rows), label="Loading") as bar:
        for row in rows:
            bar.update(1)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

import click

if TYPE_CHECKING:
    # Only for the annotation: click types its bar in a private module.
    from click._termui_impl import ProgressBar


class Progress(Protocol):
    """What a command may do with a progress bar: advance it."""

    def update(self, n_steps: int) -> None: ...


class _Silent:
    """The progress bar of a pipe or a log file: nothing is drawn."""

    def update(self, n_steps: int) -> None:
        """Ignore the step (nobody watches)."""


def is_terminal(stream: object = None) -> bool:
    """True when ``stream`` (stderr by default) is an interactive terminal."""
    target = sys.stderr if stream is None else stream
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress(length: int | None, label: str) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal, else a silent stand-in.

    Example::

        with progress(length=3, label="Dumping") as bar:
            bar.update(1)
    """
    if not is_terminal():
        yield _Silent()
        return
    bar: ProgressBar[int]
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar


def error_line(message: str) -> None:
    """Print one error line on stderr (red on a terminal); a database's DETAIL lines are joined."""
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    click.secho(f"Error: {one_line}", fg="red", err=True)


def note(message: str) -> None:
    """Print a secondary remark on stderr (dim on a terminal), leaving stdout to the results."""
    click.secho(message, dim=True, err=True)
