"""The migrations commands as functions (the ``vivace migrations`` CLI calls these).

Example::

    context = MigrationContext.from_configuration()
    await forwards("all", context=context)
"""

from vivace.migrations.commands.backwards import backwards
from vivace.migrations.commands.base import MigrationContext
from vivace.migrations.commands.check import CheckRow, check
from vivace.migrations.commands.clean import clean
from vivace.migrations.commands.forwards import forwards
from vivace.migrations.commands.new import new
from vivace.migrations.commands.programmatic import MigrationResult, run_backwards, run_forwards
from vivace.migrations.commands.squash import squash

__all__ = [
    "CheckRow",
    "MigrationContext",
    "MigrationResult",
    "backwards",
    "check",
    "clean",
    "forwards",
    "new",
    "run_backwards",
    "run_forwards",
    "squash",
]
