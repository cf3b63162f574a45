"""Piccolo's import path ``piccolo.query.methods.select``: the ``select`` query class.

Example: ``from vivace.query.methods.select import Select``.
"""

from vivace.functions import (
    Avg,
    Count,
    Max,
    Min,
    Sum,
)
from vivace.orm import Select
from vivace.orm.select import LockStrength

__all__ = [
    "Avg",
    "Count",
    "LockStrength",
    "Max",
    "Min",
    "Select",
    "Sum",
]
