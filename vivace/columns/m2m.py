"""Piccolo's import path ``piccolo.columns.m2m``: many-to-many relations.

Example: ``from vivace.columns.m2m import M2M``.
"""

from vivace.columns import M2M

__all__ = [
    "M2M",
]
