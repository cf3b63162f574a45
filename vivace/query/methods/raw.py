"""Piccolo's import path ``piccolo.query.methods.raw``: the ``raw`` query class.

Example: ``from vivace.query.methods.raw import Raw``.
"""

from vivace.orm import Raw

__all__ = [
    "Raw",
]
