"""Piccolo's import path ``piccolo.query.mixins``: the clause helpers users name.

Example: ``from vivace.query.mixins import LockStrength, OnConflictAction``.
"""

from vivace.exceptions import DistinctOnError
from vivace.orm.select import LockStrength
from vivace.query import OrderByRaw
from vivace.query.methods.insert import OnConflictAction

__all__ = [
    "DistinctOnError",
    "LockStrength",
    "OnConflictAction",
    "OrderByRaw",
]
