"""Piccolo's import path ``piccolo.columns.indexes``: index kinds.

Example: ``from vivace.columns.indexes import IndexMethod``.
"""

from vivace.columns import IndexMethod

__all__ = [
    "IndexMethod",
]
