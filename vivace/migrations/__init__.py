"""Migrations: Piccolo's file format and ``migration`` table, auto detection, squashing.

Example (a migration file)::

    from vivace.migrations import MigrationManager

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=ID, app_name="music")
        manager.drop_column(table_class_name="Band", tablename="band", column_name="fame")
        return manager
"""

from vivace.migrations.manager import MigrationManager

__all__ = ["MigrationManager"]
