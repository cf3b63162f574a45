"""``vivace.query``: raw SQL fragments and condition combinators.

Example::

    from vivace.query import WhereRaw, QueryString
    await Band.select().where(WhereRaw("popularity > {}", 100))

Also: ``CTE`` (common table expressions, ``vivace.orm.cte``), ``Exists`` (an EXISTS
subquery condition) and ``Placeholder`` (a value given per run of a frozen query).
The aggregates ``Avg``, ``Count``, ``Max``, ``Min`` and ``Sum`` are here too, where
Piccolo's documentation imports them (``from vivace.query import Avg``); Piccolo's
module paths ``vivace.query.functions.*`` and ``vivace.query.methods.*`` also work.
"""

from __future__ import annotations

from typing import Any

from vivace.dialects import Dialect
from vivace.engine import engine_finder
from vivace.functions import Avg, Count, Max, Min, Sum
from vivace.orm.cte import CTE
from vivace.sql import And, Or, Raw
from vivace.sql.nodes import set_default_dialect_finder
from vivace.sql.placeholder import Placeholder
from vivace.sql.subquery import Exists


def _configured_dialect() -> Dialect | None:
    """The configured engine's dialect (``vivace_conf.DB``), or None without one."""
    engine = engine_finder()
    return None if engine is None else engine.dialect


# ``str(QueryString("SELECT {}", "x"))`` without a column is written by the configured engine.
set_default_dialect_finder(_configured_dialect)


class QueryString(Raw):
    """A raw SQL fragment with ``{}`` placeholders bound as parameters.

    Usable in select (give ``alias=``), where, order_by and update:
    ``QueryString("upper({})", Band.name, alias="upper_name")``.
    """

    __slots__ = ()

    def __init__(self, template: str, *args: Any, alias: str | None = None) -> None:
        super().__init__(template, args, alias=alias)


class WhereRaw(QueryString):
    """A raw condition: ``WhereRaw("name = {}", "Pythonistas")``."""

    __slots__ = ()


class OrderByRaw(QueryString):
    """A raw sort key, its ``{}`` bound: ``.order_by(OrderByRaw("random()"))``.

    Sorted as ``order_by(..., ascending=...)`` says, as any other key:
    ``.order_by(OrderByRaw("abs(popularity - {})", 1900), ascending=False)``.
    """

    __slots__ = ()


class SelectRaw(QueryString):
    """A raw selected expression, named in its SQL (or by ``alias=``):
    ``Band.select(Band.name, SelectRaw("upper(name) AS up"))`` gives ``{"name": ..., "up": ...}``.
    """

    __slots__ = ()


__all__ = [
    "CTE",
    "And",
    "Avg",
    "Count",
    "Exists",
    "Max",
    "Min",
    "Or",
    "OrderByRaw",
    "Placeholder",
    "QueryString",
    "SelectRaw",
    "Sum",
    "WhereRaw",
]
