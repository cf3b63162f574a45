"""Piccolo's ``piccolo.apps.migrations.commands.check``: which migrations ran, printed.

Example::

    from vivace.apps.migrations.commands.check import check

    await check("music")
"""

from __future__ import annotations

from vivace.migrations.commands import MigrationContext
from vivace.migrations.commands import check as check_migrations

__all__ = ["check"]


async def check(app_name: str = "all") -> None:
    """Print every migration of ``app_name`` (or of every app, ``"all"``) and whether it
    ran, with the configured engine (``vivace migrations check``).

    Example: ``await check()`` prints ``music  2026-12-01T03:23:44:434772  yes  ...``
    (``vivace.migrations.commands.check`` returns the rows instead).
    """
    context = MigrationContext.from_configuration()
    await check_migrations(app_name, context=context)
