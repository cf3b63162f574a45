"""Piccolo's ``piccolo.apps.migrations.commands.forwards``: ``run_forwards`` (returns a
``MigrationResult``) and ``forwards`` (the command: exits with status 1 on failure).

Example: ``from vivace.apps.migrations.commands.forwards import run_forwards``.
"""

from __future__ import annotations

import sys

from vivace.migrations.commands import MigrationResult, run_forwards

__all__ = ["MigrationResult", "forwards", "run_forwards"]


async def forwards(
    app_name: str, migration_id: str = "all", fake: bool = False, preview: bool = False
) -> None:
    """Run the pending migrations of ``app_name`` (or ``"all"``) up to ``migration_id``
    with the configured engine; on failure print why and exit with status 1 (Piccolo's
    command; ``run_forwards`` returns the result instead).

    Example: ``await forwards("music")``; ``await forwards("music", preview=True)`` prints
    the SQL and changes nothing.
    """
    result = await run_forwards(app_name, migration_id, fake=fake, preview=preview)
    if result.message:
        print(result.message)
    if not result.success:
        sys.exit(1)
