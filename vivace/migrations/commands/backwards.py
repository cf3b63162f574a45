"""``backwards APP [ID|all] [--auto_agree] [--clean] [--preview]``: undo migrations.

``ID`` undoes that migration and every later one; ``all`` undoes them all; the default
(``"1"``, Piccolo's) undoes the latest.

Example::

    await backwards("music", auto_agree=True, context=context)      # the latest one
    await backwards("music", "all", preview=True, context=context)  # print the SQL
"""

from __future__ import annotations

import os

from vivace.migrations.commands.base import ALL, MigrationContext
from vivace.migrations.commands.forwards import _show
from vivace.migrations.runner import plan_migration, run_plan

LATEST = "1"


async def backwards(
    app_name: str,
    migration_id: str = LATEST,
    auto_agree: bool = False,
    clean: bool = False,
    preview: bool = False,
    *,
    context: MigrationContext,
) -> list[str]:
    """Undo migrations of one app (latest first); ``clean`` deletes their files too.
    Returns the IDs undone.

    Example: ``await backwards("music", "all", auto_agree=True, context=context)`` undoes
    every migration of music that ran.
    """
    history = await context.history(app_name)
    ran = set(await context.ran(app_name))
    done = [i for i, migration_id_ in enumerate(history.ids) if migration_id_ in ran]
    if migration_id == ALL:
        chosen = done
    elif migration_id == LATEST:
        chosen = done[-1:]
    else:
        first = history.index(migration_id)
        if migration_id not in ran:
            context.output(f"{app_name}: {migration_id} has not run")
            return []
        chosen = [i for i in done if i >= first]
    if not chosen:
        context.output(f"{app_name}: no migrations to undo")
        return []
    undo = list(reversed(chosen))
    ids = [history.ids[i] for i in undo]
    if not (preview or auto_agree):
        question = f"{app_name}: undo {len(ids)} migration(s) ({', '.join(ids)})?"
        if not context.confirm(question):
            context.output(f"{app_name}: nothing undone")
            return []
    ddl = context.engine.dialect.ddl
    for index in undo:
        manager = history.managers[index]
        plan = plan_migration(manager, history.state_before(index), ddl, backwards=True)
        plan.replaces = history.replaced(index)
        if preview:
            _show(plan, [], context)
            continue
        await run_plan(context.engine, plan)
        context.output(f"  - {history.ids[index]} [backwards]")
        if clean:
            os.remove(history.files[index].path)
            context.output(f"    deleted {history.files[index].path}")
    return ids
