"""Piccolo's import path ``piccolo.columns.defaults.date``: the date column defaults.

Example: ``from vivace.columns.defaults.date import DateCustom``.
"""

from vivace.schema.defaults import (
    DateCustom,
    DateNow,
    DateOffset,
)

__all__ = [
    "DateCustom",
    "DateNow",
    "DateOffset",
]
