"""Piccolo's import path ``piccolo.query.methods.count``: the ``count`` query class.

Example: ``from vivace.query.methods.count import Count``.
"""

from vivace.orm import Count

__all__ = [
    "Count",
]
