"""Piccolo's import path ``piccolo.columns.defaults.real``: the float column defaults.

Example: ``from vivace.columns.defaults.real import InfinityFloat``;
``Real(default=InfinityFloat())``.
"""

from vivace.schema.defaults import (
    InfinityFloat,
    NegativeInfinityFloat,
)

__all__ = [
    "InfinityFloat",
    "NegativeInfinityFloat",
]
