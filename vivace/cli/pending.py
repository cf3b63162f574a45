"""A warning, once per command, when the database is behind the apps' migrations.

Commands that work on the project's database (shell, sql_shell, fixtures) call it first: a
dump or a load against a schema that misses migrations fails in confusing ways otherwise.

Example::

    await warn_if_migrations_pending(configuration)
    # stderr: "Warning: 2 migrations have not run (music: 2); vivace migrations forwards all"
"""

from __future__ import annotations

from collections import Counter

from vivace.cli.output import note
from vivace.conf import Configuration
from vivace.exceptions import VivaceError
from vivace.migrations.commands import MigrationContext, check


async def pending_migrations(configuration: Configuration) -> Counter[str]:
    """How many migrations have not run, per app (empty without a configured DB)."""
    if configuration.db is None or not configuration.app_registry.apps:
        return Counter()
    context = MigrationContext(configuration.db, configuration.app_registry, output=lambda _: None)
    rows = await check(context=context)
    return Counter(row.app_name for row in rows if not row.ran)


async def warn_if_migrations_pending(configuration: Configuration) -> None:
    """Print one warning line when migrations have not run; never fail the command for it."""
    try:
        pending = await pending_migrations(configuration)
    except VivaceError as error:
        note(f"Warning: could not check the migrations ({error})")
        return
    if pending:
        per_app = ", ".join(f"{app}: {count}" for app, count in sorted(pending.items()))
        total = sum(pending.values())
        count = "1 migration has" if total == 1 else f"{total} migrations have"
        note(f"Warning: {count} not run ({per_app}); vivace migrations forwards all")
