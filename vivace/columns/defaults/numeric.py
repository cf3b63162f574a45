"""Piccolo's import path ``piccolo.columns.defaults.numeric``: the numeric column defaults.

Vivace's ``Numeric`` stores finite values only, so a column refuses these (docs/piccolo.md).

Example: ``from vivace.columns.defaults.numeric import InfinityDecimal``.
"""

from vivace.schema.defaults import (
    InfinityDecimal,
    NegativeInfinityDecimal,
)

__all__ = [
    "InfinityDecimal",
    "NegativeInfinityDecimal",
]
