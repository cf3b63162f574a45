"""Piccolo's import path ``piccolo.query.methods.exists``: the ``exists`` query class.

Example: ``from vivace.query.methods.exists import Exists``.
"""

from vivace.orm import Exists

__all__ = [
    "Exists",
]
