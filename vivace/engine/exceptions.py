"""Piccolo's import path ``piccolo.engine.exceptions``: ``TransactionError``.

Example: ``from vivace.engine.exceptions import TransactionError``.
"""

from vivace.exceptions import TransactionError

__all__ = ["TransactionError"]
