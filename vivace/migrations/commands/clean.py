"""``clean APP [--auto_agree]``: remove ``migration`` rows whose file no longer exists.

Example::

    await clean("music", auto_agree=True, context=context)   # ["2026-..."]
"""

from __future__ import annotations

from vivace.migrations.commands.base import MigrationContext
from vivace.migrations.commands.forwards import record_recognised_squashes
from vivace.migrations.table import forget_ran


async def clean(app_name: str, auto_agree: bool = False, *, context: MigrationContext) -> list[str]:
    """Forget migrations that ran but have no file (a squashed history is recorded as the
    squash first, so the database stays recognised). Returns the IDs forgotten.

    Example: ``await clean("music", auto_agree=True, context=context)`` ->
    ``["2026-12-01T03:23:44:434772"]`` after that migration's file was deleted.
    """
    history = await context.history(app_name)
    ran = await context.ran(app_name)
    await record_recognised_squashes(history, ran, context)
    known = set(history.ids)
    orphans = [migration_id for migration_id in ran if migration_id not in known]
    if not orphans:
        context.output(f"{app_name}: nothing to clean")
        return []
    question = (
        f"{app_name}: forget {len(orphans)} migration(s) with no file ({', '.join(orphans)})?"
    )
    if not (auto_agree or context.confirm(question)):
        context.output(f"{app_name}: nothing cleaned")
        return []
    await forget_ran(context.engine, app_name, orphans)
    context.output(f"{app_name}: forgot {len(orphans)} migration(s)")
    return orphans
