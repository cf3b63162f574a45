"""Piccolo's import path ``piccolo.columns.defaults.time``: the time column defaults.

Example: ``from vivace.columns.defaults.time import TimeCustom``.
"""

from vivace.schema.defaults import (
    TimeCustom,
    TimeNow,
    TimeOffset,
)

__all__ = [
    "TimeCustom",
    "TimeNow",
    "TimeOffset",
]
