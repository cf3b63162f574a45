"""Piccolo's import path ``piccolo.query.functions.conditional``: the conditional functions.

Example: ``from vivace.query.functions.conditional import Coalesce``.
"""

from vivace.functions.conditional import (
    Coalesce,
    NullIf,
)

__all__ = [
    "Coalesce",
    "NullIf",
]
