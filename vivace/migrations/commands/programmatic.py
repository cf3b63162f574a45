"""Piccolo's programmatic entry points: ``run_forwards`` / ``run_backwards`` return a
``MigrationResult`` instead of raising (for test setups and deploy scripts).

Example::

    result = await run_forwards("all")
    assert result.success, result.message
"""

from __future__ import annotations

from dataclasses import dataclass

from vivace.exceptions import VivaceError
from vivace.migrations.commands.backwards import LATEST, backwards
from vivace.migrations.commands.base import ALL, MigrationContext
from vivace.migrations.commands.forwards import forwards


@dataclass
class MigrationResult:
    """Whether a run succeeded, and what happened (or went wrong).

    Example::

        result = await run_forwards("music")
        # MigrationResult(success=True, message="ran 2 migration(s)")
        if not result.success:
            sys.exit(result.message)  # what went wrong
    """

    success: bool
    message: str | None = None


async def run_forwards(
    app_name: str, migration_id: str = ALL, fake: bool = False, preview: bool = False
) -> MigrationResult:
    """Run the pending migrations of ``app_name`` (or ``all``) with the configured engine,
    up to ``migration_id`` (``"all"``: every one). Nothing is asked."""
    lines: list[str] = []
    try:
        context = MigrationContext.from_configuration(output=lines.append, confirm=lambda q: True)
        target = None if migration_id == ALL else migration_id
        ids = await forwards(app_name, target, fake=fake, preview=preview, context=context)
    except VivaceError as error:
        return MigrationResult(False, str(error))
    return MigrationResult(
        True, f"ran {len(ids)} migration(s)" if not preview else "\n".join(lines)
    )


async def run_backwards(
    app_name: str,
    migration_id: str = LATEST,
    auto_agree: bool = False,
    clean: bool = False,
    preview: bool = False,
) -> MigrationResult:
    """Undo migrations of ``app_name`` with the configured engine (``"1"``: the latest,
    ``"all"``, or an ID and every later one); without ``auto_agree`` nothing is undone."""
    lines: list[str] = []
    try:
        context = MigrationContext.from_configuration(
            output=lines.append, confirm=lambda q: auto_agree
        )
        ids = await backwards(
            app_name, migration_id, auto_agree, clean=clean, preview=preview, context=context
        )
    except VivaceError as error:
        return MigrationResult(False, str(error))
    if not ids and not preview:
        return MigrationResult(False, "\n".join(lines) or "nothing undone")
    return MigrationResult(True, f"undid {len(ids)} migration(s)")
