"""Piccolo's import path ``piccolo.query.functions.datetime``: the datetime functions.

Example: ``from vivace.query.functions.datetime import AtTimeZone``.
"""

from vivace.functions.datetime import (
    AtTimeZone,
    Day,
    Extract,
    Hour,
    Minute,
    Month,
    Second,
    Strftime,
    Year,
)

__all__ = [
    "AtTimeZone",
    "Day",
    "Extract",
    "Hour",
    "Minute",
    "Month",
    "Second",
    "Strftime",
    "Year",
]
