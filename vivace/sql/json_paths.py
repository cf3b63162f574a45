"""Reaching into JSON values: ``Band.facts.arrow("members")``, ``Band.facts["members"][0]``
and ``Band.facts.from_path(["members", 0, "name"])``.

The result is JSON (text, parsed by ``output(load_json=True)``), keyed as the column it
starts from (``"facts"``), as in Piccolo. Keys and paths are bound parameters; the dialect
renders them (``visit_json_get``): PostgreSQL with ``->`` and ``#>``, SQLite with ``->`` and
a JSON path.

Example::

    await Band.select(Band.facts["members"][0]).where(Band.facts.arrow("genre") == "rock")
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, cast

from vivace.exceptions import QueryError
from vivace.sql.nodes import ColumnNode, Condition, Expr, Param
from vivace.types import ValueType

_KEY_TYPES = (str, int)


class JSONGet(Expr):
    """One step into a JSON value: a key or index (``arrow``), or a whole ``path``."""

    __slots__ = ("json", "key", "path", "int_key")
    visit_name = "json_get"

    def __init__(self, json: Expr, key: Any, path: bool = False) -> None:
        if path:
            if not isinstance(key, list | tuple) or not all(
                isinstance(k, _KEY_TYPES) and not isinstance(k, bool) for k in key
            ):
                raise QueryError("from_path() takes a list of keys (str) and indexes (int)")
            key = list(key)
        elif not isinstance(key, _KEY_TYPES) or isinstance(key, bool):
            raise QueryError(f"a JSON key is a str or an int index, got {key!r}")
        self.json, self.path = json, path
        self.int_key = not path and isinstance(key, int)
        self.key = Param(key, None)

    @property
    def value_type(self) -> ValueType | None:
        return self.json.value_type

    @property
    def column(self) -> ColumnNode | None:
        """The JSON column the path starts from."""
        json = self.json
        while isinstance(json, JSONGet):
            json = json.json
        return json if isinstance(json, ColumnNode) else None

    @property
    def result_name(self) -> str:
        column = self.column
        return "?column?" if column is None else str(column._meta.get_default_alias())

    def arrow(self, key: str | int) -> JSONGet:
        """One level deeper: ``Band.facts.arrow("a").arrow(0)``."""
        return JSONGet(self, key)

    def __getitem__(self, key: str | int) -> JSONGet:
        return JSONGet(self, key)

    def eq(self, value: Any) -> Condition:
        """``== value`` (Piccolo's spelling): ``.where(Band.facts.arrow("x").eq(True))``."""
        return cast(Condition, self == value)

    def ne(self, value: Any) -> Condition:
        """``!= value`` (Piccolo's spelling)."""
        return cast(Condition, self != value)

    __iter__ = None  # indexing is no iteration

    def _key(self, values: list[Any]) -> Hashable:
        return ("JSON", self.path, self.int_key, self.json._key(values), self.key._key(values))


def json_path_text(keys: Sequence[str | int]) -> str:
    """SQLite's JSON path for keys: ``["a", 0, "b c"]`` -> ``$."a"[0]."b c"``."""
    parts = ["$"]
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif '"' in key:
            raise QueryError(f"a JSON key with a double quote cannot be reached on SQLite: {key!r}")
        else:
            parts.append(f'."{key}"')
    return "".join(parts)
