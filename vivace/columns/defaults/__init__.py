"""``vivace.columns.defaults``: defaults computed when a row is made.

Example::

    from vivace.columns.defaults import TimestamptzNow
"""

from vivace.schema.defaults import (
    UUID4,
    UUID7,
    DateCustom,
    DateNow,
    DateOffset,
    InfinityDecimal,
    InfinityFloat,
    IntervalCustom,
    NegativeInfinityDecimal,
    NegativeInfinityFloat,
    TimeCustom,
    TimeNow,
    TimeOffset,
    TimestampCustom,
    TimestampNow,
    TimestampOffset,
    TimestamptzCustom,
    TimestamptzNow,
    TimestamptzOffset,
)

__all__ = [
    "UUID4",
    "UUID7",
    "DateCustom",
    "DateNow",
    "DateOffset",
    "InfinityDecimal",
    "InfinityFloat",
    "IntervalCustom",
    "NegativeInfinityDecimal",
    "NegativeInfinityFloat",
    "TimeCustom",
    "TimeNow",
    "TimeOffset",
    "TimestampCustom",
    "TimestampNow",
    "TimestampOffset",
    "TimestamptzCustom",
    "TimestamptzNow",
    "TimestamptzOffset",
]
