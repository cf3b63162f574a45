"""The playground's printed tour: each step is real code, run on the example data.

A step's source is shown as typed at the shell, then its result, so what a newcomer reads is
exactly what ran.

Example::

    await print_tour(namespace, print)
"""

from __future__ import annotations

import pprint
from collections.abc import Callable
from typing import Any

from vivace.playground.console import run_source

# (title, source): the last line of each source is the value shown.
STEPS: tuple[tuple[str, str], ...] = (
    (
        "Select with a join: a foreign key followed by a dot (keys are the dotted paths)",
        "await Band.select(Band.name, Band.manager.name)"
        ".order_by(Band.popularity, ascending=False)",
    ),
    (
        "Objects with a related row: the manager is fetched in the same query",
        'band = await Band.objects(Band.manager).get(Band.name == "Pythonistas")\n'
        "band.name, band.popularity, band.manager.name",
    ),
    (
        "A reverse relation: each manager with the names of its bands",
        "await Manager.select(Manager.name, Manager.bands(Band.name, as_list=True))"
        ".order_by(Manager.name)",
    ),
    (
        "Many to many: each band with its genres",
        "await Band.select(Band.name, Band.genres(Genre.name, as_list=True)).order_by(Band.name)",
    ),
    (
        "An aggregate: tickets sold per venue, through two joins",
        "await Ticket.select(\n"
        "    Ticket.concert.venue.name, Count(alias='tickets'), Sum(Ticket.price, alias='sold')\n"
        ").group_by(Ticket.concert.venue.name).order_by(Ticket.concert.venue.name)",
    ),
    (
        "A timestamp column: the concerts after the first of July",
        "await Concert.select(Concert.band_1.name, Concert.starts)"
        ".where(Concert.starts > datetime.datetime(2026, 7, 1))",
    ),
    (
        "A JSON column: stored as text, read as Python data with output(load_json=True)",
        "await RecordingStudio.select(RecordingStudio.name, RecordingStudio.facilities)"
        ".output(load_json=True)",
    ),
    (
        "A transaction: both writes commit together, or neither does",
        "async with DB.transaction():\n"
        "    await Manager.insert(Manager(name='Ada'))\n"
        "    await Band.update({Band.popularity: Band.popularity + 1})"
        ".where(Band.name == 'Pythonistas')\n"
        "await Band.select(Band.name, Band.popularity).where(Band.name == 'Pythonistas').first()",
    ),
)


def _as_prompt(source: str) -> str:
    lines = source.rstrip("\n").split("\n")
    return "\n".join(
        (">>> " if not line.startswith((" ", ")")) else "... ") + line for line in lines
    )


async def print_tour(namespace: dict[str, Any], write: Callable[[str], None]) -> None:
    """Run every step of the tour in ``namespace``, writing its source and its result."""
    for number, (title, source) in enumerate(STEPS, start=1):
        write(f"\n# {number}. {title}")
        write(_as_prompt(source))
        result = await run_source(source, namespace, filename=f"<tour step {number}>")
        write(pprint.pformat(result, width=100, sort_dicts=False))
