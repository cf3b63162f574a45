"""Piccolo's import path ``piccolo.columns.defaults.interval``: the interval column defaults.

Example: ``from vivace.columns.defaults.interval import IntervalCustom``.
"""

from vivace.schema.defaults import IntervalCustom

__all__ = [
    "IntervalCustom",
]
