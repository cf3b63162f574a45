"""Piccolo's ``piccolo.apps.migrations.commands.new``: write a migration file from Python.

Example::

    from vivace.apps.migrations.commands.new import new

    await new("music", auto=True, desc="add fame", auto_input="y")
"""

from __future__ import annotations

from vivace.migrations.commands import MigrationContext
from vivace.migrations.commands import new as new_migration

__all__ = ["new"]


async def new(
    app_name: str, auto: bool = False, desc: str = "", auto_input: str | None = None
) -> None:
    """Write a new migration for ``app_name`` (or ``"all"``) with the configured engine, as
    ``vivace migrations new`` does: empty, or with ``auto`` the changes between the app's
    migrations and its tables. Progress is printed; ``auto_input`` (``"y"``/``"n"``) answers
    the rename questions, which are asked on the terminal otherwise.

    Example: ``await new("music", auto=True, auto_input="y")`` writes
    ``music/migrations/music_2026_..._.py`` (nothing when no change is found).
    """
    context = MigrationContext.from_configuration()
    await new_migration(app_name, auto=auto, desc=desc, auto_input=auto_input, context=context)
