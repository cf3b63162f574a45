"""Piccolo's import path ``piccolo.apps.user.tables``: the user table.

Example: ``from vivace.apps.user.tables import BaseUser``.
"""

from vivace.auth import BaseUser
from vivace.auth.user import logger

__all__ = [
    "BaseUser",
    "logger",
]
