"""``check [APP]``: which migrations ran.

Example::

    rows = await check(context=context)
    # [CheckRow(app_name="music", migration_id="2026-...", description="", ran=True)]
"""

from __future__ import annotations

from dataclasses import dataclass

from vivace.migrations.commands.base import ALL, MigrationContext


@dataclass(frozen=True)
class CheckRow:
    """One migration file and whether it ran.

    Example, the migrations still to run::

        rows = await check("music", context=context)
        [row.migration_id for row in rows if not row.ran]
    """

    app_name: str
    migration_id: str
    description: str
    ran: bool


async def check(app_name: str | None = None, *, context: MigrationContext) -> list[CheckRow]:
    """Every migration of one app (or all apps) and whether it ran; printed as a table.

    Example::

        await check("music", context=context)
        # [CheckRow(app_name="music", migration_id="2026-12-01T03:23:44:434772",
        #           description="", ran=True)]
    """
    rows: list[CheckRow] = []
    for config in context.app_configs(app_name or ALL):
        if app_name not in (None, ALL) and config.app_name != app_name:
            continue
        history = await context.history(config)
        ran = set(await context.ran(config.app_name))
        for index, file in enumerate(history.files):
            rows.append(
                CheckRow(config.app_name, file.id, file.description, history.is_ran(index, ran))
            )
    width = max([len(r.app_name) for r in rows] + [3])
    context.output(f"{'app'.ljust(width)}  {'migration'.ljust(26)}  ran  description")
    for row in rows:
        mark = "yes" if row.ran else "no "
        line = f"{row.app_name.ljust(width)}  {row.migration_id.ljust(26)}  {mark}  "
        context.output(line + row.description)
    return rows
