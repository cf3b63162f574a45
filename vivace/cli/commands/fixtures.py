"""``vivace fixtures dump|load``: the apps' rows as a JSON file, and back.

Example::

    $ vivace fixtures dump --apps=music > music.json
    $ vivace fixtures load music.json --chunk_size=5000
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from vivace.cli.group import VivaceGroup
from vivace.cli.output import note, progress
from vivace.cli.pending import warn_if_migrations_pending
from vivace.conf import AppRegistry, Configuration, load_configuration
from vivace.fixtures import count_rows, dump_fixture, load_fixture, plan_load
from vivace.fixtures.dump import Selection


@click.group(name="fixtures", cls=VivaceGroup)
def group() -> None:
    """Save rows to a JSON file and load them again.

    \b
    Example:
        vivace fixtures dump > all.json
    """


def _names(option: str) -> list[str] | None:
    """``"a,b"`` -> ``["a", "b"]``; ``"all"`` -> None (everything)."""
    if option == "all":
        return None
    return [name.strip() for name in option.split(",") if name.strip()]


def _selection(registry: AppRegistry, apps: str, tables: str) -> Selection:
    app_names, table_names = _names(apps), _names(tables)
    configs = registry.sorted_app_configs()
    if app_names is not None:
        configs = [registry.require_app_config(name) for name in app_names]
    chosen: list[tuple[str, list[Any]]] = [
        (
            config.app_name,
            [t for t in config.table_classes if table_names is None or t.__name__ in table_names],
        )
        for config in configs
    ]
    found = {t.__name__ for _, found_tables in chosen for t in found_tables}
    missing = sorted(set(table_names or ()) - found)
    if missing:
        raise click.BadParameter(f"no table {missing[0]!r} in the apps", param_hint="--tables")
    return chosen


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


async def _load(path: Path, configuration: Configuration, chunk_size: int) -> dict[str, int]:
    registry, db = configuration.app_registry, configuration.db
    try:
        await warn_if_migrations_pending(configuration)
        plan = plan_load(path, registry)
        with progress(plan.total, "Loading") as bar:
            return await load_fixture(path, registry, chunk_size, bar.update, plan)
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
def load(file: Path | None, path_option: Path | None, chunk_size: int) -> None:
    """Insert a fixture's rows in one transaction, referenced tables first.

    A bad row changes nothing: the error names its table and position.

    \b
    Examples:
        vivace fixtures load music.json
        vivace fixtures load --path=music.json --chunk_size=5000
    """
    path = file or path_option
    if path is None:
        raise click.UsageError("give the fixture file: vivace fixtures load FILE")
    configuration = load_configuration()
    counts = asyncio.run(_load(path, configuration, chunk_size))
    for label, rows in counts.items():
        click.echo(f"{label}: {rows} rows")
