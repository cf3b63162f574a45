"""Piccolo's import path ``piccolo.query.base``: the base class of every query, and
``FrozenQuery``, what ``freeze()`` gives.

Example: ``from vivace.query.base import FrozenQuery, Query``;
``frozen: FrozenQuery[list[dict[str, Any]]] = Band.select().freeze()``.
"""

from vivace.orm import Query
from vivace.orm.frozen import FrozenQuery

__all__ = [
    "FrozenQuery",
    "Query",
]
