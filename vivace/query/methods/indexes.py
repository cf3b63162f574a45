"""Piccolo's import path ``piccolo.query.methods.indexes``: the ``indexes`` query class.

Example: ``from vivace.query.methods.indexes import Indexes``.
"""

from vivace.orm import Indexes

__all__ = [
    "Indexes",
]
