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
from vivace.orm.table import UpdateSelf

__all__ = [
    "Create",
    "First",
    "GetOrCreate",
    "LockStrength",
    "Objects",
    "UpdateSelf",
]
