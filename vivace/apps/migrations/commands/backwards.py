"""Piccolo's ``piccolo.apps.migrations.commands.backwards``: a re-export.

Example: ``from vivace.apps.migrations.commands.backwards import run_backwards``.
"""

from vivace.migrations.commands import MigrationResult, backwards, run_backwards

__all__ = ["MigrationResult", "backwards", "run_backwards"]
