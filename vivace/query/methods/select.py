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

__all__ = [
    "Avg",
    "Count",
    "Max",
    "Min",
    "Select",
    "Sum",
]
