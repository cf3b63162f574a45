"""Piccolo's ``piccolo.apps.migrations.commands.clean``: forget migrations without a file.

Example::

    from vivace.apps.migrations.commands.clean import clean

    await clean("music", auto_agree=True)
"""

from __future__ import annotations

from vivace.migrations.commands import MigrationContext
from vivace.migrations.commands import clean as clean_migrations

__all__ = ["clean"]


async def clean(app_name: str, auto_agree: bool = False) -> None:
    """Delete the rows of the ``migration`` table of ``app_name`` whose migration file is
    gone, with the configured engine; asks first on the terminal unless ``auto_agree``
    (``vivace migrations clean``).

    Example: ``await clean("music", auto_agree=True)`` prints
    ``music: forgot 1 migration(s)`` after a migration file was deleted.
    """
    context = MigrationContext.from_configuration()
    await clean_migrations(app_name, auto_agree=auto_agree, context=context)
