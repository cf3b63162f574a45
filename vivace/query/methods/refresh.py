"""Piccolo's import path ``piccolo.query.methods.refresh``: the query behind ``row.refresh()``.

Example: ``from vivace.query.methods.refresh import Refresh``.
"""

from vivace.orm.table import Refresh

__all__ = ["Refresh"]
