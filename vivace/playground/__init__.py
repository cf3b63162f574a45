"""The playground: an example music schema with data, a printed tour, and an async shell.

``vivace playground run`` is its command line; ``run_playground`` the same from Python.

Example::

    from vivace.engine import SQLiteEngine
    from vivace.playground import run_playground

    run_playground(SQLiteEngine(path="/tmp/play.sqlite"), interactive=False)
"""

from vivace.playground.console import AsyncConsole, interact, run_source
from vivace.playground.session import run_playground
from vivace.playground.tables import (
    TABLES,
    Band,
    Concert,
    Genre,
    GenreToBand,
    Manager,
    RecordingStudio,
    Ticket,
    Venue,
)

__all__ = [
    "TABLES",
    "AsyncConsole",
    "Band",
    "Concert",
    "Genre",
    "GenreToBand",
    "Manager",
    "RecordingStudio",
    "Ticket",
    "Venue",
    "interact",
    "run_playground",
    "run_source",
]
