"""Piccolo's import path ``piccolo.columns.combination``: condition combinators and raw conditions.

Example: ``from vivace.columns.combination import And, Or, WhereRaw``.
"""

from vivace.query import (
    And,
    Or,
    WhereRaw,
)

__all__ = [
    "And",
    "Or",
    "WhereRaw",
]
