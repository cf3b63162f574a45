"""Piccolo's import path ``piccolo.columns.base``: the column base class and foreign-key actions.

Example: ``from vivace.columns.base import Column, OnDelete``.
"""

from vivace.schema.column import (
    Column,
    ColumnKwargs,
    ColumnMeta,
    OnDelete,
    OnUpdate,
)

__all__ = [
    "Column",
    "ColumnKwargs",
    "ColumnMeta",
    "OnDelete",
    "OnUpdate",
]
