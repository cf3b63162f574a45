"""Piccolo's import path ``piccolo.columns.defaults.uuid``: the uuid column defaults.

Example: ``from vivace.columns.defaults.uuid import UUID4``.
"""

from vivace.schema.defaults import (
    UUID4,
    UUID7,
)

__all__ = [
    "UUID4",
    "UUID7",
]
