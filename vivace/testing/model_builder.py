"""Piccolo's import path ``piccolo.testing.model_builder``: rows with random valid values.

Example: ``from vivace.testing.model_builder import ModelBuilder``.
"""

from vivace.testing.builders import ModelBuilder

__all__ = [
    "ModelBuilder",
]
