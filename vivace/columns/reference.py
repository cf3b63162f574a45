"""Piccolo's import path ``piccolo.columns.reference``: references to tables defined later.

Example: ``from vivace.columns.reference import LazyTableReference``.
"""

from vivace.columns import LazyTableReference

__all__ = [
    "LazyTableReference",
]
