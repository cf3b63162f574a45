"""Piccolo's import path ``piccolo.columns.defaults.base``: the base column defaults.

Example: ``from vivace.columns.defaults.base import Default``.
"""

from vivace.schema.defaults import Default

__all__ = [
    "Default",
]
