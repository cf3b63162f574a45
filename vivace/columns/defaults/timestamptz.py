"""Piccolo's import path ``piccolo.columns.defaults.timestamptz``: the timestamptz column defaults.

Example: ``from vivace.columns.defaults.timestamptz import TimestamptzCustom``.
"""

from vivace.schema.defaults import (
    TimestamptzCustom,
    TimestamptzNow,
    TimestamptzOffset,
)

__all__ = [
    "TimestamptzCustom",
    "TimestamptzNow",
    "TimestamptzOffset",
]
