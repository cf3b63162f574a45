"""Piccolo's import path ``piccolo.columns.defaults.timestamp``: the timestamp column defaults.

Example: ``from vivace.columns.defaults.timestamp import TimestampCustom``.
"""

from vivace.schema.defaults import (
    DatetimeDefault,
    TimestampCustom,
    TimestampNow,
    TimestampOffset,
)

__all__ = [
    "DatetimeDefault",
    "TimestampCustom",
    "TimestampNow",
    "TimestampOffset",
]
