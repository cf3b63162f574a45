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
from vivace.schema.foreign_key import ForeignKeyMeta

__all__ = [
    "Column",
    "ColumnKwargs",
    "ColumnMeta",
    "ForeignKeyMeta",
    "OnDelete",
    "OnUpdate",
]
