"""Piccolo's import path ``piccolo.query.base``: the base class of every query.

Example: ``from vivace.query.base import Query``.
"""

from vivace.orm import Query

__all__ = [
    "Query",
]
