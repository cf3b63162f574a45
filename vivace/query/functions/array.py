"""Piccolo's import path ``piccolo.query.functions.array``: the array functions.

Example: ``from vivace.query.functions.array import ArrayAppend``.
"""

from vivace.functions.array import (
    ArrayAppend,
    ArrayCat,
    ArrayPrepend,
    ArrayRemove,
    ArrayReplace,
)

__all__ = [
    "ArrayAppend",
    "ArrayCat",
    "ArrayPrepend",
    "ArrayRemove",
    "ArrayReplace",
]
