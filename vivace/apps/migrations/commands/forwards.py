"""Piccolo's ``piccolo.apps.migrations.commands.forwards``: a re-export.

Example: ``from vivace.apps.migrations.commands.forwards import run_forwards``.
"""

from vivace.migrations.commands import MigrationResult, forwards, run_forwards

__all__ = ["MigrationResult", "forwards", "run_forwards"]
