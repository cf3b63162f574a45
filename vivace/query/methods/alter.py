"""Piccolo's import path ``piccolo.query.methods.alter``: the ``alter`` query class.

Example: ``from vivace.query.methods.alter import Alter``.
"""

from vivace.orm import Alter

__all__ = [
    "Alter",
]
