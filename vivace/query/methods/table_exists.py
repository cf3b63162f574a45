"""Piccolo's import path ``piccolo.query.methods.table_exists``: the ``table_exists`` query class.

Example: ``from vivace.query.methods.table_exists import TableExists``.
"""

from vivace.orm import TableExists

__all__ = [
    "TableExists",
]
