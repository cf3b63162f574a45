"""``new APP|all [--auto] [--safe] [--desc] [--auto_input=y|n]``: write a migration file.

Without ``--auto`` the file is empty (for hand-written operations); with it, the file
holds the changes between what the app's migrations build and the app's tables. ``--safe``
writes the safe forms (``index_concurrently=True``, ``validate_separately=True``) into the
calls that change tables already there (PostgreSQL builds and validates without blocking
writes; other databases run the calls as without them).

Example::

    await new("music", auto=True, auto_input="y", context=context)   # [".../music_2026_....py"]
"""

from __future__ import annotations

import os
from collections import Counter

from vivace.migrations.commands.base import ALL, MigrationContext
from vivace.migrations.differ import answer_with, diff_schemas
from vivace.migrations.history import migrations_folder
from vivace.migrations.safety import with_safe_forms
from vivace.migrations.writer import migration_file_name, new_migration_id, render_migration
from vivace.schema.spec import SchemaSpec
from vivace.schema.table_spec import schema_spec


async def new(
    app_name: str,
    auto: bool = False,
    desc: str = "",
    auto_input: str | None = None,
    safe: bool = False,
    *,
    context: MigrationContext,
) -> list[str]:
    """Write a new migration for one app or every app; returns the paths written (none
    when ``--auto`` finds no change).

    Example: ``await new("music", auto=True, desc="add fame", context=context)`` ->
    ``[".../music/migrations/music_2026_12_01t03_23_44_434772.py"]``.
    """
    configs = (
        context.registry.sorted_app_configs()
        if app_name == ALL
        else [context.registry.require_app_config(app_name)]
    )
    # Rename questions: answered by --auto_input, else asked like every other question.
    ask = answer_with(auto_input) if auto_input is not None else context.confirm
    written: list[str] = []
    for config in configs:
        # The app's tables first: the files' stand-in tables must not resolve their names.
        target = schema_spec(*config.table_classes)
        if auto:
            history = await context.history(config)
            operations = diff_schemas(history.schema, target, ask)
            if safe:
                operations = with_safe_forms(operations, history.schema)
            if not operations:
                context.output(f"{config.app_name}: no changes detected")
                continue
            counts = Counter(op.describe().split(" ")[0] for op in operations)
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            context.output(f"{config.app_name}: {summary}")
            source = render_migration(
                new_migration_id(), config.app_name, desc, operations, history.schema
            )
        else:
            source = render_migration(new_migration_id(), config.app_name, desc, [], SchemaSpec())
        written.append(write_migration(migrations_folder(config), config.app_name, source))
        context.output(f"{config.app_name}: wrote {written[-1]}")
    return written


def write_migration(folder: str, app_name: str, source: str) -> str:
    """Write ``source`` as a new file in ``folder`` (made, with ``__init__.py``, if missing)."""
    os.makedirs(folder, exist_ok=True)
    init = os.path.join(folder, "__init__.py")
    if not os.path.exists(init):
        open(init, "w").close()
    migration_id = source.split("ID = ", 1)[1].split("\n", 1)[0].strip("'\"")
    path = os.path.join(folder, migration_file_name(app_name, migration_id))
    with open(path, "x", encoding="utf-8") as file:
        file.write(source)
    return path
