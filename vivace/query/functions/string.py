"""Piccolo's import path ``piccolo.query.functions.string``: the string functions.

Example: ``from vivace.query.functions.string import Concat``.
"""

from vivace.functions.string import (
    Concat,
    Length,
    Lower,
    Ltrim,
    Replace,
    Reverse,
    Rtrim,
    Upper,
)

__all__ = [
    "Concat",
    "Length",
    "Lower",
    "Ltrim",
    "Replace",
    "Reverse",
    "Rtrim",
    "Upper",
]
