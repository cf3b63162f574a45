"""Piccolo's import path ``piccolo.query.methods.objects``: the ``objects`` query class.

Example: ``from vivace.query.methods.objects import Create``.
"""

from vivace.orm import (
    Create,
    First,
    GetOrCreate,
    Objects,
)
from vivace.orm.select import LockStrength

__all__ = [
    "Create",
    "First",
    "GetOrCreate",
    "LockStrength",
    "Objects",
]
