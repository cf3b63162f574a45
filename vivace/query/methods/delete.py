"""Piccolo's import path ``piccolo.query.methods.delete``: the ``delete`` query class.

Example: ``from vivace.query.methods.delete import Delete``.
"""

from vivace.exceptions import DeletionError
from vivace.orm import Delete

__all__ = [
    "Delete",
    "DeletionError",
]
