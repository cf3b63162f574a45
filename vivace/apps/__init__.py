"""Piccolo's ``piccolo.apps.*`` import paths, as thin re-exports of Vivace's modules.

Example: ``from vivace.apps.migrations.auto.migration_manager import MigrationManager``.
"""
