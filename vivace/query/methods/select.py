"""Piccolo's import path ``piccolo.query.methods.select``: the ``select`` query class.

Example: ``from vivace.query.methods.select import Select, SelectRaw``.
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
from vivace.query import SelectRaw

__all__ = [
    "Avg",
    "Count",
    "LockStrength",
    "Max",
    "Min",
    "Select",
    "SelectRaw",
    "Sum",
]
