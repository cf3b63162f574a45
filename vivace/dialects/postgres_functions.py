"""PostgreSQL's rendering of the calls whose SQL differs from the shared one.

- date/time parts and formats of a ``Timestamptz`` are taken in UTC (as SQLite stores
  them), so both databases give the same numbers;
- ``Extract`` gives an integer (``EXTRACT`` itself gives ``numeric``); seconds and epoch
  are truncated, as SQLite's ``strftime`` does;
- ``Strftime`` formats with ``TO_CHAR``, translating the portable strftime codes;
- ``Round`` of a float rounds halves away from zero, as SQLite does (and as PostgreSQL
  does for numeric), instead of to even;
- ``Concat`` casts bound values to text (``CONCAT`` takes any type, so a bare parameter
  has none PostgreSQL could infer).

Example::

    to_char_format("%Y-%m-%d %H:%M")   # 'YYYY"-"MM"-"DD" "HH24":"MI'
"""

from __future__ import annotations

from vivace.dialects.functions import OverText, QueryExtensions, is_float, type_name
from vivace.exceptions import QueryError
from vivace.sql.calls import Call
from vivace.sql.nodes import Expr, Param

#: strftime codes both databases understand, as ``TO_CHAR`` patterns.
_TO_CHAR = {
    "Y": "YYYY",
    "m": "MM",
    "d": "DD",
    "H": "HH24",
    "M": "MI",
    "S": "SS",
    "j": "DDD",
    "f": "SS.MS",
}

#: Parts whose ``EXTRACT`` has a fraction: truncated, as SQLite's strftime gives them.
_FRACTIONAL = frozenset({"second", "epoch", "milliseconds", "microseconds", "julian"})


def to_char_format(format: str) -> str:
    """A strftime format as a ``TO_CHAR`` pattern; literal text is quoted."""
    pattern: list[str] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            text = "".join(literal).replace("\\", "\\\\").replace('"', '\\"')
            pattern.append(f'"{text}"')
            literal.clear()

    index = 0
    while index < len(format):
        char = format[index]
        if char != "%":
            literal.append(char)
            index += 1
            continue
        code = format[index + 1 : index + 2]
        index += 2
        if code == "%":
            literal.append("%")
        elif code in _TO_CHAR:
            flush()
            pattern.append(_TO_CHAR[code])
        else:
            codes = " ".join(f"%{c}" for c in [*_TO_CHAR, "%"])
            raise QueryError(
                f"Strftime() format code %{code} is not supported on postgres; use {codes}"
            )
    flush()
    return "".join(pattern)


class PostgresExtensions(QueryExtensions):
    """PostgreSQL overrides of function rendering."""

    def in_utc(self, expr: Expr) -> str:
        """The expression; a ``Timestamptz`` one as UTC wall-clock time."""
        text = self.sql(expr)
        if type_name(expr) == "timestamptz":
            return f"({text} AT TIME ZONE 'UTC')"
        return text

    def call_extract(self, node: Call, over: OverText) -> str:
        field = node.options[0]
        assert isinstance(field, str)
        extract = f"EXTRACT({field.upper()} FROM {self.in_utc(node.args[0])})"
        if field in _FRACTIONAL:
            extract = f"FLOOR({extract})"
        return f"CAST({extract} AS {'BIGINT' if field == 'epoch' else 'INTEGER'})"

    def call_strftime(self, node: Call, over: OverText) -> str:
        format = node.options[0]
        assert isinstance(format, str)
        value = self.in_utc(node.args[0])
        return f"TO_CHAR({value}, {self.quote_text(to_char_format(format))})"

    def call_at_time_zone(self, node: Call, over: OverText) -> str:
        value, zone = node.args
        return f"({self.sql(value)} AT TIME ZONE {self.sql(zone)})"

    def call_round(self, node: Call, over: OverText) -> str:
        argument = node.args[0]
        if is_float(argument):
            # ROUND(double precision) rounds halves to even; numeric rounds them away from 0.
            value = self.sql(argument)
            return f"CAST(ROUND(CAST({value} AS NUMERIC)) AS DOUBLE PRECISION)"
        return super().call_round(node, over)

    def call_sum(self, node: Call, over: OverText) -> str:
        text = f"SUM({self.render_args(node.args)}){over()}"
        if type_name(node.args[0]) in ("bigint", "bigserial"):
            return f"CAST({text} AS BIGINT)"  # SUM(bigint) is numeric: keep it an int
        return text

    def call_concat(self, node: Call, over: OverText) -> str:
        parts = [
            f"CAST({self.sql(a)} AS TEXT)" if isinstance(a, Param) else self.sql(a)
            for a in node.args
        ]
        return "CONCAT(" + ", ".join(parts) + ")"
