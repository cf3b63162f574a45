"""Piccolo's import path ``piccolo.query.methods.update``: the ``update`` query class.

Example: ``from vivace.query.methods.update import Update``.
"""

from vivace.exceptions import UpdateError
from vivace.orm import Update

__all__ = [
    "Update",
    "UpdateError",
]
