"""Piccolo's import path ``piccolo.query.functions.array``: the array functions.

Example: ``from vivace.query.functions.array import ArrayAppend``.
"""

from vivace.functions.array import (
    ArrayAppend,
    ArrayCat,
    ArrayOverlap,
    ArrayPrepend,
    ArrayRemove,
    ArrayReplace,
)

__all__ = [
    "ArrayAppend",
    "ArrayCat",
    "ArrayOverlap",
    "ArrayPrepend",
    "ArrayRemove",
    "ArrayReplace",
]
