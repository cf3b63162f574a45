"""``vivace migrations``: write, run, undo, check, clean and squash migrations.

Piccolo's argument shapes (``--auto``, ``--desc``, ``--auto_input=y``, ``--fake``,
``--preview``, ``--auto_agree``, ``--clean``), so scripts carry over.

Example::

    $ vivace migrations new music --auto
    $ vivace migrations forwards music --preview
    $ vivace migrations forwards all
    $ vivace migrations backwards music --auto_agree
    $ vivace migrations squash music
"""

from __future__ import annotations

import asyncio
from typing import Any

import click

from vivace.cli.group import VivaceGroup
from vivace.migrations.commands import (
    MigrationContext,
    backwards,
    check,
    clean,
    forwards,
    new,
    squash,
)


@click.group(
    name="migrations",
    cls=VivaceGroup,
    aliases={
        "n": "new",
        "create": "new",
        "f": "forwards",
        "forward": "forwards",
        "b": "backwards",
        "back": "backwards",
        "backward": "backwards",
    },
)
def group() -> None:
    """Write migrations from your tables and run them.

    \b
    Example:
        vivace migrations new music --auto
        vivace migrations forwards all
    """


def _context() -> MigrationContext:
    return MigrationContext.from_configuration(
        output=click.echo, confirm=lambda question: click.confirm(question, default=False)
    )


def _run(make: Any) -> Any:
    """Run a command coroutine with the configured engine, closing its pool afterwards."""
    context = _context()

    async def body() -> Any:
        try:
            return await make(context)
        finally:
            await context.engine.close_connection_pool()

    return asyncio.run(body())


@group.command(name="new")
@click.argument("app_name")
@click.option(
    "--auto", is_flag=True, help="Write the changes between the migrations and the tables."
)
@click.option("--desc", default="", help="A description stored in the file.")
@click.option(
    "--auto_input",
    "--auto-input",
    type=click.Choice(["y", "n"]),
    default=None,
    help="Answer every rename question with y or n (for scripts).",
)
@click.option(
    "--safe",
    is_flag=True,
    help="With --auto: write index_concurrently=True / validate_separately=True where they "
    "apply (PostgreSQL then builds and validates without blocking writes).",
)
def new_command(app_name: str, auto: bool, desc: str, auto_input: str | None, safe: bool) -> None:
    """Write a new migration for APP_NAME (or all).

    \b
    Examples:
        vivace migrations new music --auto
        vivace migrations new all --auto --auto_input=y --desc="add fame"
        vivace migrations new music --auto --safe
    """
    _run(lambda c: new(app_name, auto=auto, desc=desc, auto_input=auto_input, safe=safe, context=c))


@group.command(name="forwards")
@click.argument("app_name")
@click.argument("migration_id", required=False)
@click.option("--fake", is_flag=True, help="Record the migrations as run without running them.")
@click.option("--preview", is_flag=True, help="Print the SQL (and warnings); change nothing.")
def forwards_command(app_name: str, migration_id: str | None, fake: bool, preview: bool) -> None:
    """Run the migrations of APP_NAME (or all) that did not run, up to MIGRATION_ID
    (1: only the next one).

    \b
    Examples:
        vivace migrations forwards all
        vivace migrations forwards music --preview
        vivace migrations forwards music 1
        vivace migrations forwards music 2026-12-01T03:23:44:434772 --fake
    """
    _run(lambda c: forwards(app_name, migration_id, fake=fake, preview=preview, context=c))


@group.command(name="backwards")
@click.argument("app_name")
@click.argument("migration_id", required=False, default="1")
@click.option("--auto_agree", "--auto-agree", is_flag=True, help="Do not ask for confirmation.")
@click.option("--clean", "clean_files", is_flag=True, help="Delete the undone migration files.")
@click.option("--preview", is_flag=True, help="Print the SQL; change nothing.")
def backwards_command(
    app_name: str, migration_id: str, auto_agree: bool, clean_files: bool, preview: bool
) -> None:
    """Undo migrations of APP_NAME: the latest (default), MIGRATION_ID and later ones, or all.

    \b
    Examples:
        vivace migrations backwards music
        vivace migrations backwards music all --auto_agree
    """
    _run(
        lambda c: backwards(
            app_name,
            migration_id,
            auto_agree=auto_agree,
            clean=clean_files,
            preview=preview,
            context=c,
        )
    )


@group.command(name="check")
@click.argument("app_name", required=False)
def check_command(app_name: str | None) -> None:
    """Show which migrations ran (of APP_NAME, or of every app).

    \b
    Example:
        vivace migrations check music
    """
    _run(lambda c: check(app_name, context=c))


@group.command(name="clean")
@click.argument("app_name")
@click.option("--auto_agree", "--auto-agree", is_flag=True, help="Do not ask for confirmation.")
def clean_command(app_name: str, auto_agree: bool) -> None:
    """Forget migrations of APP_NAME that ran but whose file is gone.

    \b
    Example:
        vivace migrations clean music --auto_agree
    """
    _run(lambda c: clean(app_name, auto_agree=auto_agree, context=c))


@group.command(name="squash")
@click.argument("app_name")
@click.option("--auto_agree", "--auto-agree", is_flag=True, help="Do not ask for confirmation.")
def squash_command(app_name: str, auto_agree: bool) -> None:
    """Replace the migrations of APP_NAME by one that builds the same schema.

    Databases that ran the old migrations recognise the new one as run.

    \b
    Example:
        vivace migrations squash music --auto_agree
    """
    _run(lambda c: squash(app_name, auto_agree=auto_agree, context=c))
