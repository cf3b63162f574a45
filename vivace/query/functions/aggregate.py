"""Piccolo's import path ``piccolo.query.functions.aggregate``: the aggregate functions.

Example: ``from vivace.query.functions.aggregate import Avg``.
"""

from vivace.functions.aggregate import (
    Avg,
    Count,
    Max,
    Min,
    Sum,
)

__all__ = [
    "Avg",
    "Count",
    "Max",
    "Min",
    "Sum",
]
