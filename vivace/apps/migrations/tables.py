"""Piccolo's ``piccolo.apps.migrations.tables``: the ``migration`` table.

Example: ``from vivace.apps.migrations.tables import Migration``.
"""

from vivace.migrations.table import Migration

__all__ = ["Migration"]
