"""Piccolo's import path ``piccolo.query.methods.objects``: the ``objects`` query class.

Example: ``from vivace.query.methods.objects import Create``.
"""

from vivace.orm import (
    Create,
    First,
    GetOrCreate,
    Objects,
)

__all__ = [
    "Create",
    "First",
    "GetOrCreate",
    "Objects",
]
