"""``forwards APP|all [ID] [--fake] [--preview]``: run the migrations that did not run.

Example::

    await forwards("music", context=context)                 # every pending migration
    await forwards("music", "2026-12-01T03:23:44:434772", context=context)   # up to that one
    await forwards("music", preview=True, context=context)   # print the SQL, change nothing
"""

from __future__ import annotations

from vivace.exceptions import MigrationError
from vivace.migrations.commands.base import ALL, History, MigrationContext
from vivace.migrations.runner import Plan, plan_migration, run_plan
from vivace.migrations.safety import safety_warnings
from vivace.migrations.table import record_ran

#: ``forwards(app, "1")``: only the next pending migration (Piccolo's, as ``backwards``'s
#: ``"1"`` undoes only the latest).
NEXT = "1"


async def forwards(
    app_name: str,
    migration_id: str | None = None,
    fake: bool = False,
    preview: bool = False,
    *,
    context: MigrationContext,
) -> list[str]:
    """Run (or with ``fake`` only record, or with ``preview`` only print) the pending
    migrations of ``app_name`` (its dependencies first) or of every app (``all``).
    Returns the IDs run. ``migration_id``: run up to and including it; ``"1"`` (Piccolo's)
    runs only the next pending migration; ``"all"`` (or None) every pending one."""
    if migration_id == ALL:
        migration_id = None
    if migration_id is not None and app_name == ALL:
        raise MigrationError("give an app name, not 'all', to run up to a migration ID")
    done: list[str] = []
    for config in context.app_configs(app_name):
        history = await context.history(config)
        target = migration_id if config.app_name == app_name else None
        done.extend(await _forwards_app(history, target, fake, preview, context))
    return done


async def _forwards_app(
    history: History,
    migration_id: str | None,
    fake: bool,
    preview: bool,
    context: MigrationContext,
) -> list[str]:
    app = history.app_config.app_name
    ran = await context.ran(app)
    pending = history.pending(ran)
    if not preview:
        await record_recognised_squashes(history, ran, context)
    if migration_id == NEXT and NEXT not in history.ids:
        pending = pending[:1]
    elif migration_id is not None:
        stop = history.index(migration_id)
        if migration_id in ran:
            context.output(f"{app}: {migration_id} has already run")
        pending = [i for i in pending if i <= stop]
    if not pending:
        context.output(f"{app}: no migrations to run")
        return []
    ids = [history.ids[i] for i in pending]
    if fake and migration_id is None and not preview:
        listing = ", ".join(ids)
        question = f"{app}: mark {len(ids)} migration(s) as run without running them ({listing})?"
        if not context.confirm(question):
            context.output(f"{app}: nothing marked")
            return []
    verb = "Previewing" if preview else ("Faking" if fake else "Running")
    context.output(f"{verb} {len(ids)} migration(s) of {app}:")
    ddl = context.engine.dialect.ddl
    for index in pending:
        plan = plan_migration(history.managers[index], history.state_before(index), ddl)
        plan.replaces = history.replaced(index)
        warnings = [] if fake else safety_warnings(plan, context.engine.dialect)
        if preview:
            _show(plan, warnings, context)
            continue
        for warning in warnings:
            context.output(f"  ! {warning}")
        await run_plan(context.engine, plan, fake=fake)
        context.output(f"  - {history.ids[index]} [{'faked' if fake else 'forwards'}]")
    return ids


def _show(plan: Plan, warnings: list[str], context: MigrationContext) -> None:
    context.output(f"  - {plan.manager.migration_id} [preview {plan.direction}]")
    for sql in plan.statements:
        context.output(f"{sql};")
    if plan.later:
        context.output("-- after the migration's transaction has committed, each on its own:")
        for sql in plan.later:
            context.output(f"{sql};")
    if plan.raw:
        context.output(f"-- and {len(plan.raw)} raw function(s), not run in a preview")
    for warning in warnings:
        context.output(f"-- ! {warning}")


async def record_recognised_squashes(
    history: History, ran: list[str], context: MigrationContext
) -> None:
    """A squashed migration whose whole history ran counts as run: record it."""
    done = set(ran)
    for index, migration_id in enumerate(history.ids):
        if migration_id not in done and history.is_ran(index, done):
            await record_ran(context.engine, history.app_config.app_name, migration_id)
            context.output(
                f"{history.app_config.app_name}: {migration_id} squashes migrations that ran: "
                "recorded as run"
            )
