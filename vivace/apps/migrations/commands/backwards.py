"""Piccolo's ``piccolo.apps.migrations.commands.backwards``: ``run_backwards`` (returns a
``MigrationResult``) and ``backwards`` (the command: exits with status 1 on failure).

Example: ``from vivace.apps.migrations.commands.backwards import run_backwards``.
"""

from __future__ import annotations

import sys

from vivace.migrations.commands import MigrationResult, run_backwards

__all__ = ["MigrationResult", "backwards", "run_backwards"]


async def backwards(
    app_name: str,
    migration_id: str = "1",
    auto_agree: bool = False,
    clean: bool = False,
    preview: bool = False,
) -> None:
    """Undo migrations of ``app_name`` with the configured engine: the latest (``"1"``),
    ``migration_id`` and every later one, or ``"all"``; on failure print why and exit with
    status 1 (Piccolo's command; ``run_backwards`` returns the result instead).

    Example: ``await backwards("music", auto_agree=True)`` undoes the latest migration.
    """
    result = await run_backwards(
        app_name, migration_id, auto_agree=auto_agree, clean=clean, preview=preview
    )
    if result.message:
        print(result.message)
    if not result.success:
        sys.exit(1)
