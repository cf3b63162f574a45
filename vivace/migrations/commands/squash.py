"""``squash APP``: replace an app's history by one migration building the same schema.

The new file lists the IDs it replaces (``REPLACES``): a database that ran them all
counts it as run (and records it on the next ``forwards``); a fresh database runs it
alone. Raw functions of the old files (data changes) are not carried over.

Example::

    await squash("music", auto_agree=True, context=context)   # ".../music_2026_....py"
"""

from __future__ import annotations

import os

from vivace.migrations.commands.base import MigrationContext
from vivace.migrations.commands.new import write_migration
from vivace.migrations.differ import diff_schemas
from vivace.migrations.history import migrations_folder
from vivace.migrations.writer import new_migration_id, render_migration
from vivace.schema.spec import SchemaSpec


async def squash(
    app_name: str, auto_agree: bool = False, *, context: MigrationContext
) -> str | None:
    """Write the squashed migration and delete the files it replaces; returns its path.

    Example: ``path = await squash("music", auto_agree=True, context=context)`` (None when
    the app has fewer than two migrations, or the question was answered no).
    """
    history = await context.history(app_name)
    if len(history.files) < 2:
        context.output(f"{app_name}: fewer than two migrations, nothing to squash")
        return None
    raw = sum(len(m.raw) for m in history.managers)
    if raw:
        context.output(f"{app_name}: {raw} raw function(s) of the old files are not carried over")
    question = f"{app_name}: replace {len(history.files)} migration files by one?"
    if not (auto_agree or context.confirm(question)):
        context.output(f"{app_name}: nothing squashed")
        return None
    replaces: list[str] = []
    for index, migration_id in enumerate(history.ids):
        replaces.extend(history.replaced(index))
        replaces.append(migration_id)
    operations = diff_schemas(SchemaSpec(), history.schema, ask=lambda question: False)
    description = f"squashed {len(history.files)} migrations"
    source = render_migration(
        new_migration_id(), app_name, description, operations, SchemaSpec(), replaces
    )
    path = write_migration(migrations_folder(history.app_config), app_name, source)
    for file in history.files:
        os.remove(file.path)
    context.output(f"{app_name}: squashed {len(history.files)} migrations into {path}")
    return path
