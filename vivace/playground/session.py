"""One playground session: bind the example tables to an engine, fill them, print the tour,
then run a script, open a shell, or stop.

Example::

    run_playground(SQLiteEngine(path="/tmp/play.sqlite"), interactive=False)
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vivace.functions import Avg, Count, Max, Min, Sum
from vivace.playground.console import interact, run_source
from vivace.playground.data import create_example_data
from vivace.playground.tables import TABLES
from vivace.playground.tour import print_tour

BANNER = (
    "Vivace playground: the example tables are in scope ({tables}).\n"
    "Try: await Band.select(Band.name, Band.manager.name)     (Ctrl-D to leave)"
)


def bind_tables(engine: Any) -> None:
    """Point every example table at ``engine``."""
    for table in TABLES:
        table._meta.db = engine


def playground_namespace(engine: Any) -> dict[str, Any]:
    """What the tour, a script and the shell see: the tables, aggregates, ``DB``, datetime."""
    namespace: dict[str, Any] = {table.__name__: table for table in TABLES}
    for function in (Avg, Count, Max, Min, Sum):
        namespace[function.__name__] = function
    namespace.update(DB=engine, datetime=datetime, decimal=decimal, asyncio=asyncio)
    return namespace


def run_playground(
    engine: Any,
    *,
    interactive: bool,
    script: Path | None = None,
    use_ipython: bool | None = None,
    write: Callable[[str], None] = print,
) -> None:
    """Fill the example tables on ``engine``, print the tour, then the script or the shell.

    One event loop carries the whole session, so the pool opened for the data serves the
    shell too; it is closed at the end.
    """
    bind_tables(engine)
    namespace = playground_namespace(engine)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(create_example_data())
        loop.run_until_complete(print_tour(namespace, write))
        if script is not None:
            write(f"\n# Running {script}")
            source = script.read_text(encoding="utf-8")
            loop.run_until_complete(run_source(source, namespace, filename=str(script)))
        elif interactive:
            tables = ", ".join(table.__name__ for table in TABLES)
            interact(namespace, loop, BANNER.format(tables=tables), use_ipython)
    finally:
        loop.run_until_complete(engine.close_connection_pool())
        loop.close()
