"""Piccolo's import path ``piccolo.querystring``: raw SQL fragments with ``{}`` placeholders.

Example: ``from vivace.querystring import QueryString``.
"""

from vivace.query import QueryString

__all__ = [
    "QueryString",
]
