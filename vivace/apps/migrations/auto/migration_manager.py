"""Piccolo's ``piccolo.apps.migrations.auto.migration_manager``: a re-export.

Example: ``from vivace.apps.migrations.auto.migration_manager import MigrationManager``.
"""

from vivace.migrations.manager import MigrationManager

__all__ = ["MigrationManager"]
