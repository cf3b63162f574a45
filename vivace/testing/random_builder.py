"""Piccolo's import path ``piccolo.testing.random_builder``: random values of every column type.

Example: ``from vivace.testing.random_builder import RandomBuilder``.
"""

from vivace.testing.random_values import RandomBuilder

__all__ = [
    "RandomBuilder",
]
