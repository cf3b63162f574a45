"""Piccolo's import path ``piccolo.query.operators.json``: the expressions that reach into
a JSON value. Vivace has one node for both kinds of step, ``JSONGet``
(``vivace.sql.json_paths``): ``JSONQueryString`` and ``GetChildElement`` are that class,
``GetElementFromPath`` builds it for a whole path. ``arrow()``, ``[key]`` and
``from_path()`` on a ``JSON``/``JSONB`` column are the usual way to make them.

Example::

    from vivace.query.operators.json import GetChildElement, GetElementFromPath

    await Band.select(GetChildElement(Band.facts, "genre"))
    await Band.select(GetElementFromPath(Band.facts, ["members", 0, "name"]))
    isinstance(Band.facts.arrow("genre"), GetChildElement)   # True
"""

from __future__ import annotations

from vivace.sql.json_paths import JSONGet
from vivace.sql.nodes import Expr

#: A step into a JSON value (Piccolo's base of both steps); compare with ``==``/``eq()``.
#: Example: ``.where(JSONQueryString(Band.facts, "genre") == "rock")``.
JSONQueryString = JSONGet

#: One key or index into a JSON value: ``GetChildElement(Band.facts, "members")``, as
#: ``Band.facts.arrow("members")``.
GetChildElement = JSONGet


class GetElementFromPath(JSONGet):
    """A whole path into a JSON value (keys and indexes), as ``from_path()``.

    Example: ``Band.select(GetElementFromPath(Band.facts, ["members", 0, "name"]))``.
    """

    __slots__ = ()

    def __init__(self, identifier: Expr, path: list[str | int]) -> None:
        super().__init__(identifier, path, path=True)


__all__ = [
    "GetChildElement",
    "GetElementFromPath",
    "JSONQueryString",
]
