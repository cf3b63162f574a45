"""``vivace fixtures dump|load``: the apps' rows as a JSON file, and back.

Example::

    $ vivace fixtures dump --apps=music > music.json
    $ vivace fixtures load music.json --chunk_size=5000
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

import click

from vivace.cli.group import VivaceGroup
from vivace.cli.output import note, progress
from vivace.cli.pending import warn_if_migrations_pending
from vivace.conf import AppRegistry, Configuration, load_configuration
from vivace.fixtures import (
    FixtureError,
    count_rows,
    dump_fixture,
    load_fixture,
    plan_load,
    select_tables,
)
from vivace.fixtures.dump import Selection


@click.group(name="fixtures", cls=VivaceGroup)
def group() -> None:
    """Save rows to a JSON file and load them again.

    \b
    Example:
        vivace fixtures dump > all.json
    """


def _selection(registry: AppRegistry, apps: str, tables: str) -> Selection:
    try:
        return select_tables(registry, apps, tables)
    except FixtureError as error:
        raise click.BadParameter(str(error), param_hint="--tables") from None


async def _dump(
    out: TextIO, selection: Selection, batch_size: int, configuration: Configuration
) -> int:
    db = configuration.db
    try:
        await warn_if_migrations_pending(configuration)
        with progress(await count_rows(selection), "Dumping") as bar:
            return await dump_fixture(out, selection, batch_size, on_progress=bar.update)
    finally:
        if db is not None:
            await db.close_connection_pool()


@group.command(name="dump")
@click.option("--apps", default="all", show_default=True, help="Apps to dump: a,b or all.")
@click.option("--tables", default="all", show_default=True, help="Tables: Band,Manager or all.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--batch_size", "--batch-size", default=1000, show_default=True, help="Rows read per query."
)
def dump(apps: str, tables: str, output: Path | None, batch_size: int) -> None:
    """Write the rows of the apps' tables as JSON: {"app": {"Table": [rows]}}.

    \b
    Examples:
        vivace fixtures dump > all.json
        vivace fixtures dump --apps=music --tables=Band,Manager --output=music.json
    """
    configuration = load_configuration()
    selection = _selection(configuration.app_registry, apps, tables)
    if output is None:
        written = asyncio.run(_dump(sys.stdout, selection, batch_size, configuration))
    else:
        with output.open("w", encoding="utf-8") as out:
            written = asyncio.run(_dump(out, selection, batch_size, configuration))
    note(f"Dumped {written} rows")


async def _load(
    path: Path, configuration: Configuration, chunk_size: int, on_conflict: str | None = None
) -> dict[str, int]:
    registry, db = configuration.app_registry, configuration.db
    try:
        await warn_if_migrations_pending(configuration)
        plan = plan_load(path, registry)
        with progress(plan.total, "Loading") as bar:
            return await load_fixture(
                path, registry, chunk_size, bar.update, plan, on_conflict_action=on_conflict
            )
    finally:
        if db is not None:
            await db.close_connection_pool()


@group.command(name="load")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--path",
    "path_option",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The fixture file (Piccolo's spelling of FILE).",
)
@click.option(
    "--chunk_size", "--chunk-size", default=1000, show_default=True, help="Rows per INSERT."
)
@click.option(
    "--on_conflict",
    "--on-conflict",
    type=click.Choice(["DO NOTHING", "DO UPDATE"], case_sensitive=False),
    default=None,
    help="Upsert by primary key: skip (DO NOTHING) or overwrite (DO UPDATE) existing rows.",
)
def load(
    file: Path | None, path_option: Path | None, chunk_size: int, on_conflict: str | None
) -> None:
    """Insert a fixture's rows in one transaction, referenced tables first.

    A bad row changes nothing: the error names its table and position.

    \b
    Examples:
        vivace fixtures load music.json
        vivace fixtures load --path=music.json --chunk_size=5000
        vivace fixtures load music.json --on_conflict="DO UPDATE"
    """
    path = file or path_option
    if path is None:
        raise click.UsageError("give the fixture file: vivace fixtures load FILE")
    configuration = load_configuration()
    action = None if on_conflict is None else on_conflict.upper()
    counts = asyncio.run(_load(path, configuration, chunk_size, action))
    for label, rows in counts.items():
        click.echo(f"{label}: {rows} rows")
