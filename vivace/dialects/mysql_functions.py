"""MariaDB/MySQL rendering of the calls whose SQL differs from the shared one.

- ``Length`` counts characters (``CHAR_LENGTH``; ``LENGTH`` counts bytes);
- ``Concat`` skips NULLs as PostgreSQL's ``CONCAT`` does (``CONCAT_WS('', ...)``);
- ``Sum`` of integers stays an integer (MySQL sums them as ``DECIMAL``);
- ``Cast`` uses MySQL's cast types (``SIGNED``, ``CHAR``, ``DATETIME(6)``, ...);
- ``Extract`` maps PostgreSQL's part names onto MySQL's functions (``dow`` counts from
  Sunday = 0, ``isodow`` from Monday = 1); ``epoch`` is ``UNIX_TIMESTAMP`` (sessions run
  in UTC); ``Strftime`` formats with ``DATE_FORMAT``; ``AtTimeZone`` and ``Lag``/``Lead``
  with a default are refused (arrays are refused with their column type);
- ``COUNT(DISTINCT a, b)`` counts JSON arrays of the values (pairs with a NULL count);
- ``Ceil``/``Floor`` of a ``Numeric`` stay decimals; ``Round`` of a float rounds halves
  away from zero, as the other databases do;
- JSON keys and paths (``arrow``, ``[...]``, ``from_path``) are ``JSON_EXTRACT`` with a
  JSON path (MariaDB has no ``->``): JSON text, NULL where the path leads nowhere.

Example::

    MariaDBDialect().compile(Select(Band, (Length(Band.name),))).sql
    # 'SELECT CHAR_LENGTH(`band`.`name`) AS `length` FROM `band`'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vivace.dialects.functions import (
    INTEGER_TYPES,
    OverText,
    QueryExtensions,
    is_float,
    type_name,
)
from vivace.exceptions import QueryError
from vivace.sql.calls import Call
from vivace.sql.json_paths import JSONGet
from vivace.sql.nodes import Expr
from vivace.types import ValueType

#: ``Extract`` parts as MySQL expressions of ``{}`` (the value).
_PARTS = {
    "year": "YEAR({})",
    "quarter": "QUARTER({})",
    "month": "MONTH({})",
    "day": "DAYOFMONTH({})",
    "hour": "HOUR({})",
    "minute": "MINUTE({})",
    "second": "SECOND({})",
    "dow": "(DAYOFWEEK({}) - 1)",
    "isodow": "(WEEKDAY({}) + 1)",
    "doy": "DAYOFYEAR({})",
    "week": "WEEK({}, 3)",
    "epoch": "CAST(FLOOR(UNIX_TIMESTAMP({})) AS SIGNED)",
    "microseconds": "(SECOND({0}) * 1000000 + MICROSECOND({0}))",
    "milliseconds": "(SECOND({0}) * 1000 + FLOOR(MICROSECOND({0}) / 1000))",
}

#: strftime codes as ``DATE_FORMAT`` codes.
_DATE_FORMAT = {"Y": "%Y", "m": "%m", "d": "%d", "H": "%H", "M": "%i", "S": "%S", "j": "%j"}

_CAST_TYPES = {
    "integer": "SIGNED",
    "bigint": "SIGNED",
    "smallint": "SIGNED",
    "serial": "SIGNED",
    "bigserial": "SIGNED",
    "boolean": "SIGNED",
    "interval": "SIGNED",
    "real": "DOUBLE",
    "double": "DOUBLE",
    "timestamp": "DATETIME(6)",
    "timestamptz": "DATETIME(6)",
    "date": "DATE",
    "time": "TIME(6)",
    "bytea": "BINARY",
}


def date_format(format: str) -> str:
    """A strftime format as a ``DATE_FORMAT`` one: ``date_format("%H:%M")`` -> ``'%H:%i'``."""
    out: list[str] = []
    index = 0
    while index < len(format):
        char = format[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        code = format[index + 1 : index + 2]
        index += 2
        if code == "%":
            out.append("%%")
        elif code in _DATE_FORMAT:
            out.append(_DATE_FORMAT[code])
        else:
            codes = " ".join(f"%{c}" for c in [*_DATE_FORMAT, "%"])
            raise QueryError(
                f"Strftime() format code %{code} is not supported on MySQL; use {codes}"
            )
    return "".join(out)


def json_path(keys: Any) -> str:
    """MySQL's JSON path for a key, an index or a list of them (every key quoted, so any
    text is a key): ``json_path(["a", 0, 'b"c']) == '$."a"[0]."b\\"c"'``."""
    parts = ["$"]
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append('."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "".join(parts)


class MySQLExtensions(QueryExtensions):
    """MariaDB/MySQL overrides of function rendering."""

    def visit_json_get(self, node: JSONGet) -> str:
        # JSON_EXTRACT gives JSON text, as PostgreSQL's -> and #> give JSON.
        return f"JSON_EXTRACT({self.sql(node.json)}, {self.param_with(node.key.value, json_path)})"

    def cast_type(self, vtype: ValueType) -> str:
        name = vtype.name
        if name == "numeric":
            if vtype.args:
                return f"DECIMAL({vtype.args[0]}, {vtype.args[1]})"
            return "DECIMAL(65, 30)"
        if name == "array":
            raise self.unsupported("Cast() to an array")
        return _CAST_TYPES.get(name, "CHAR")

    def distinct_values(self, args: Sequence[Expr]) -> str:
        if len(args) == 1:
            return self.sql(args[0])
        # COUNT(DISTINCT a, b) skips pairs holding a NULL; PostgreSQL counts (NULL, b) rows.
        return "JSON_ARRAY(" + self.render_args(args) + ")"

    def call_round(self, node: Call, over: OverText) -> str:
        argument = node.args[0]
        if is_float(argument):
            # ROUND(double) rounds halves to even; DECIMAL rounds them away from zero.
            value = self.sql(argument)
            return f"CAST(ROUND(CAST({value} AS DECIMAL(65, 30))) AS DOUBLE)"
        return super().call_round(node, over)

    def rounding(self, name: str, node: Call) -> str:
        text = super().rounding(name, node)
        if type_name(node.args[0]) == "numeric":
            return f"CAST({text} AS DECIMAL(65, 0))"  # a Decimal, as on PostgreSQL
        return text

    def offset_call(self, name: str, node: Call, over: OverText) -> str:
        if len(node.args) > 1:
            raise self.unsupported(f"{name.title()}(default=...)")
        return super().offset_call(name, node, over)

    def call_length(self, node: Call, over: OverText) -> str:
        return f"CHAR_LENGTH({self.render_args(node.args)}){over()}"

    def call_concat(self, node: Call, over: OverText) -> str:
        return f"CONCAT_WS('', {self.render_args(node.args)})"

    def call_sum(self, node: Call, over: OverText) -> str:
        text = f"SUM({self.render_args(node.args)}){over()}"
        if type_name(node.args[0]) in INTEGER_TYPES:
            return f"CAST({text} AS SIGNED)"
        return text

    def call_extract(self, node: Call, over: OverText) -> str:
        field = node.options[0]
        assert isinstance(field, str)
        template = _PARTS.get(field)
        if template is None:
            known = ", ".join(_PARTS)
            raise QueryError(f"Extract(..., {field!r}) is not supported on MySQL; use {known}")
        return template.format(self.sql(node.args[0]))

    def call_strftime(self, node: Call, over: OverText) -> str:
        format = node.options[0]
        assert isinstance(format, str)
        value = self.sql(node.args[0])
        return f"DATE_FORMAT({value}, {self.quote_text(date_format(format))})"
