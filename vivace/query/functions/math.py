"""Piccolo's import path ``piccolo.query.functions.math``: the math functions.

Example: ``from vivace.query.functions.math import Abs``.
"""

from vivace.functions.math import (
    Abs,
    Ceil,
    Floor,
    Round,
)

__all__ = [
    "Abs",
    "Ceil",
    "Floor",
    "Round",
]
