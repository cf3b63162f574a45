"""``vivace schema generate`` and ``vivace schema graph``.

Example::

    $ vivace schema generate --output=tables.py     # Table classes of an existing database
    $ vivace schema graph --output=schema.svg       # the apps' tables and foreign keys
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click

from vivace.apps.schema.commands.generate import tables_source, unmapped_columns
from vivace.cli.graph import DIRECTIONS, dot_source
from vivace.cli.group import VivaceGroup
from vivace.cli.output import note
from vivace.conf import Finder, load_configuration

# Output file endings Graphviz draws; anything else gets the DOT text itself.
DRAWN_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


@click.group(
    name="schema",
    cls=VivaceGroup,
    aliases={
        "gen": "generate",
        "mirror": "generate",
        "map": "graph",
        "visualise": "graph",
        "viz": "graph",
        "vis": "graph",
    },
)
def group() -> None:
    """Tables from a database, and a picture of the apps' tables.

    \b
    Example:
        vivace schema graph --output=schema.svg
    """


def _selected_apps(apps: str) -> list[tuple[str, list[Any]]]:
    registry = load_configuration().app_registry
    if apps == "all":
        configs = registry.sorted_app_configs()
    else:
        configs = [registry.require_app_config(name.strip()) for name in apps.split(",")]
    return [(config.app_name, list(config.table_classes)) for config in configs]


def _draw(source: str, output: Path) -> None:
    dot = shutil.which("dot")
    if dot is None:
        raise click.ClickException(
            f"Graphviz is not installed (apt install graphviz) to draw {output.name}; "
            "--output=FILE.dot writes the DOT text"
        )
    file_format = DRAWN_FORMATS[output.suffix.lower()]
    subprocess.run([dot, f"-T{file_format}", "-o", str(output)], input=source.encode(), check=True)


@group.command(name="graph")
@click.option("--apps", default="all", show_default=True, help="Apps to draw: a,b or all.")
@click.option(
    "--direction",
    type=click.Choice(DIRECTIONS),
    default="LR",
    show_default=True,
    help="Graphviz rankdir: left-right, top-bottom, ...",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .dot file, or .svg/.png/.pdf (drawn with Graphviz's dot). Default: stdout.",
)
def graph(apps: str, direction: str, output: Path | None) -> None:
    """The apps' tables and their foreign keys, as a Graphviz graph.

    \b
    Examples:
        vivace schema graph > schema.dot
        vivace schema graph --apps=music --direction=TB --output=music.svg
    """
    source = dot_source(_selected_apps(apps), direction)
    if output is None:
        click.echo(source, nl=False)
    elif output.suffix.lower() in DRAWN_FORMATS:
        _draw(source, output)
        click.echo(f"Wrote {output}")
    else:
        output.write_text(source, encoding="utf-8")
        click.echo(f"Wrote {output}")


async def _introspect(engine: Any, schema_name: str | None) -> Any:
    try:
        return await engine.introspect(schema_name=schema_name)
    finally:
        await engine.close_connection_pool()


@group.command(name="generate")
@click.option(
    "--schema_name",
    "--schema-name",
    default=None,
    help="The database schema to read (PostgreSQL; default: the default schema).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the source to this file instead of stdout.",
)
def generate(schema_name: str | None, output: Path | None) -> None:
    """Write Table classes for the tables of the configured database (DB).

    Foreign keys come in dependency order (self references and cycles by class name);
    what Vivace cannot express is kept as a comment.

    \b
    Examples:
        vivace schema generate > tables.py
        vivace schema generate --schema_name=billing --output=billing/tables.py
    """
    engine = Finder().get_engine()
    schema = asyncio.run(_introspect(engine, schema_name))
    source = tables_source(schema)
    if output is None:
        click.echo(source, nl=False)
    else:
        output.write_text(source, encoding="utf-8")
        click.echo(f"Wrote {len(schema.tables)} tables to {output}")
    remarks = unmapped_columns(schema)
    if remarks:
        note(f"{len(remarks)} columns have remarks (comments in the source): check them")
