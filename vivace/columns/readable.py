"""Piccolo's import path ``piccolo.columns.readable``: a row's human-readable form.

Example: ``from vivace.columns.readable import Readable``.
"""

from vivace.columns import Readable

__all__ = [
    "Readable",
]
