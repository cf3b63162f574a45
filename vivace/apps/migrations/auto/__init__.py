"""Piccolo's ``piccolo.apps.migrations.auto``: ``from vivace.apps.migrations.auto import
MigrationManager``."""

from vivace.migrations.manager import MigrationManager

__all__ = ["MigrationManager"]
