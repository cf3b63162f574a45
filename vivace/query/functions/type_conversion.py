"""Piccolo's import path ``piccolo.query.functions.type_conversion``: the type conversion functions.

Example: ``from vivace.query.functions.type_conversion import Cast``.
"""

from vivace.functions.type_conversion import Cast

__all__ = [
    "Cast",
]
