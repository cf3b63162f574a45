"""Piccolo's import path ``piccolo.columns.defaults.timestamp``: the timestamp column defaults.

Example: ``from vivace.columns.defaults.timestamp import TimestampCustom``.
"""

from vivace.schema.defaults import (
    TimestampCustom,
    TimestampNow,
    TimestampOffset,
)

__all__ = [
    "TimestampCustom",
    "TimestampNow",
    "TimestampOffset",
]
