"""Piccolo's import path ``piccolo.constraints``: composite table constraints.

Example: ``from vivace.constraints import Unique, Check``.
"""

from vivace.columns import (
    Check,
    Unique,
)

__all__ = [
    "Check",
    "Unique",
]
