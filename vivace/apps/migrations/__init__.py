"""Piccolo's ``piccolo.apps.migrations`` path. Example:
``from vivace.apps.migrations.auto.migration_manager import MigrationManager``."""
