"""Migrations: Piccolo's file format and ``migration`` table, auto detection, squashing.

Example::

    from vivace.migrations import MigrationManager
"""
