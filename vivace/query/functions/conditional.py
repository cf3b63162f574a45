"""Piccolo's import path ``piccolo.query.functions.conditional``: the conditional functions.

Example: ``from vivace.query.functions.conditional import Case, Coalesce, When``.
"""

from vivace.functions.conditional import (
    Case,
    Coalesce,
    NullIf,
    When,
)

__all__ = [
    "Case",
    "Coalesce",
    "NullIf",
    "When",
]
