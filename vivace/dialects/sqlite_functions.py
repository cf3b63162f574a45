"""SQLite's rendering of the calls it lacks or runs differently.

- ``CEIL``/``FLOOR`` are emulated (SQLite has them only when built with its math
  functions, 3.35+, and 3.44+ in the standard builds): the argument is read once in a
  one-row subquery, then truncated and stepped;
- ``REVERSE`` is a small recursive CTE over the characters; ``CONCAT`` (3.44+) is
  ``||`` with NULLs as empty text, as PostgreSQL's ``CONCAT`` treats them;
- date/time parts and formats use ``strftime`` on the stored ISO text (``Timestamptz``
  is stored in UTC); ``AtTimeZone`` and the array functions need PostgreSQL;
- ``Numeric`` is stored as exact text: aggregates read it as a double and round
  sums, minimums and maximums back to the column's scale;
- ``COUNT(DISTINCT a, b)`` counts distinct JSON arrays of the values;
- ``a ** b`` calls ``vivace_power``, a function the engine registers on each connection
  (``SQLITE_FUNCTIONS``): SQLite's own ``POWER`` exists only in builds with the math
  functions, and answers NULL or infinity where PostgreSQL and MariaDB raise an error.

Example::

    (SELECT CAST(vivace_v AS INTEGER) + (vivace_v > CAST(vivace_v AS INTEGER))
     FROM (SELECT CAST("band"."price" AS REAL) AS vivace_v))       -- CEIL(price)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from vivace.dialects.functions import OverText, QueryExtensions, is_float, is_integral, type_name
from vivace.exceptions import QueryError
from vivace.sql.arrays import ArrayCondition, ArrayIndex
from vivace.sql.calls import Call
from vivace.sql.json_paths import JSONGet, json_path_text
from vivace.sql.nodes import Expr
from vivace.types import ValueType


def sqlite_power(base: object, exponent: object) -> float | None:
    """``base ** exponent`` as a double for SQLite (``vivace_power``): NULL with a NULL,
    else an error where PostgreSQL and MariaDB raise one (a negative base with a
    fractional exponent, zero to a negative power, a result too large for a double)
    rather than SQLite's NULL or infinity. Decimals arrive as their stored text.

    Example: ``sqlite_power(2, 3)`` is ``8.0``; ``sqlite_power("2.50", 2)`` is ``6.25``.
    """
    if base is None or exponent is None:
        return None
    try:
        return math.pow(_as_double(base), _as_double(exponent))
    except ValueError as error:  # no real result
        # An OverflowError is what sqlite3 reports as a data error (SQLITE_TOOBIG), the
        # class PostgreSQL's and MariaDB's refusals map to; any other would be a
        # programming error.
        raise OverflowError(f"{base!r} ** {exponent!r} has no real result") from error


def _as_double(value: object) -> float:
    if isinstance(value, int | float | str):
        return float(value)  # a decimal's exact text, or a number
    raise TypeError(f"** (power) takes numbers, not {type(value).__name__}")


#: The functions the SQLite engine registers on each connection: name, argument count,
#: the Python function (deterministic, so usable in indexes and checks).
SQLITE_FUNCTIONS: tuple[tuple[str, int, Callable[..., object]], ...] = (
    ("vivace_power", 2, sqlite_power),
)

#: Extract parts strftime gives directly.
_STRFTIME_PARTS = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "hour": "%H",
    "minute": "%M",
    "second": "%S",
    "dow": "%w",
    "doy": "%j",
    "epoch": "%s",
}

#: The storage class a value of each type is cast to (values are stored as in the dialect).
_CAST_TYPES = {
    "integer": "INTEGER",
    "bigint": "INTEGER",
    "smallint": "INTEGER",
    "serial": "INTEGER",
    "bigserial": "INTEGER",
    "boolean": "INTEGER",
    "interval": "INTEGER",
    "real": "REAL",
    "double": "REAL",
    "bytea": "BLOB",
}


def _one_key_path(key: str | int) -> str:
    return json_path_text([key])


class SQLiteExtensions(QueryExtensions):
    """SQLite overrides of function rendering."""

    def distinct_values(self, args: Sequence[Expr]) -> str:
        if len(args) == 1:
            return self.sql(args[0])
        return "JSON_ARRAY(" + self.render_args(args) + ")"

    def cast_type(self, vtype: ValueType) -> str:
        # Dates, times, decimals, UUIDs and JSON are stored as text: a CAST to a type
        # with NUMERIC affinity would turn '2024-01-02' into 2024.
        return _CAST_TYPES.get(vtype.name, "TEXT")

    def call_cast(self, node: Call, over: OverText) -> str:
        vtype = node.options[0]
        assert isinstance(vtype, ValueType)
        value = self.sql(node.args[0])
        if vtype.name == "date":
            return f"DATE({value})"  # the date part of a stored timestamp's text
        if vtype.name == "time":
            return f"STRFTIME('%H:%M:%f', {value})"
        return f"CAST({value} AS {self.cast_type(vtype)})"

    # math ----------------------------------------------------------------------------------------
    def call_ceil(self, node: Call, over: OverText) -> str:
        return self.stepped(node.args[0], "+", ">")

    def call_floor(self, node: Call, over: OverText) -> str:
        return self.stepped(node.args[0], "-", "<")

    def stepped(self, argument: Expr, sign: str, beyond: str) -> str:
        """CEIL/FLOOR: truncate, then step one up (down) when the value lies beyond."""
        if is_integral(argument):
            return self.sql(argument)
        value = self.sql(argument)
        text = (
            f"(SELECT CAST(vivace_v AS INTEGER) {sign} (vivace_v {beyond} CAST(vivace_v AS "
            f"INTEGER)) FROM (SELECT CAST({value} AS REAL) AS vivace_v))"
        )
        return f"CAST({text} AS REAL)" if is_float(argument) else text

    def call_round(self, node: Call, over: OverText) -> str:
        argument = node.args[0]
        if type_name(argument) == "numeric":
            # As an integer, so the Decimal reads 3 (as on PostgreSQL), not 3.0.
            return f"CAST(ROUND({self.sql(argument)}) AS INTEGER)"
        return super().call_round(node, over)

    # text ----------------------------------------------------------------------------------------
    def call_reverse(self, node: Call, over: OverText) -> str:
        value = self.sql(node.args[0])
        return (
            f"(WITH RECURSIVE vivace_s(vivace_v) AS (SELECT {value}), "
            "vivace_r(vivace_i, vivace_o) AS (SELECT LENGTH(vivace_v), '' FROM vivace_s "
            "UNION ALL SELECT vivace_i - 1, vivace_o || SUBSTR(vivace_v, vivace_i, 1) "
            "FROM vivace_r, vivace_s WHERE vivace_i > 0) "
            "SELECT vivace_o FROM vivace_r WHERE vivace_i = 0)"
        )

    def call_concat(self, node: Call, over: OverText) -> str:
        parts = [f"COALESCE(CAST({self.sql(a)} AS TEXT), '')" for a in node.args]
        return "(" + " || ".join(parts) + ")"

    # dates and times -----------------------------------------------------------------------------
    def datetime_argument(self, expr: Expr, what: str) -> str:
        if type_name(expr) == "interval":
            raise QueryError(f"{what} of an Interval is not supported on sqlite")
        return self.sql(expr)

    def call_extract(self, node: Call, over: OverText) -> str:
        field = node.options[0]
        assert isinstance(field, str)
        if field == "quarter":
            value = self.datetime_argument(node.args[0], "Extract()")
            return f"((CAST(STRFTIME('%m', {value}) AS INTEGER) + 2) / 3)"
        if field == "isodow":
            value = self.datetime_argument(node.args[0], "Extract()")
            return f"((CAST(STRFTIME('%w', {value}) AS INTEGER) + 6) % 7 + 1)"
        code = _STRFTIME_PARTS.get(field)
        if code is None:
            known = ", ".join([*_STRFTIME_PARTS, "quarter", "isodow"])
            raise QueryError(f"Extract(..., {field!r}) is not supported on sqlite; use {known}")
        value = self.datetime_argument(node.args[0], "Extract()")
        return f"CAST(STRFTIME('{code}', {value}) AS INTEGER)"

    def call_strftime(self, node: Call, over: OverText) -> str:
        format = node.options[0]
        assert isinstance(format, str)
        value = self.datetime_argument(node.args[0], "Strftime()")
        return f"STRFTIME({self.quote_text(format)}, {value})"

    # arrays: JSON text here; PostgreSQL's array functions are refused (Piccolo's messages) ----
    def visit_array_condition(self, node: ArrayCondition) -> str:
        if node.test not in ("any", "not_any"):
            raise QueryError("Unsupported by SQLite")
        value = self.sql(node.value)
        found = f"EXISTS (SELECT 1 FROM json_each({self.sql(node.array)}) WHERE value = {value})"
        return found if node.test == "any" else f"NOT {found}"

    def visit_array_index(self, node: ArrayIndex) -> str:
        raise QueryError("Only Postgres and Cockroach support array indexing.")

    def visit_json_get(self, node: JSONGet) -> str:
        # SQLite's -> takes a JSON path and gives JSON text, as PostgreSQL's -> and #> do.
        converter = json_path_text if node.path else _one_key_path
        return f"({self.sql(node.json)} -> {self.param_with(node.key.value, converter)})"

    def call_array_cat(self, node: Call, over: OverText) -> str:
        raise QueryError("Only Postgres and Cockroach support array concatenation.")

    def call_array_append(self, node: Call, over: OverText) -> str:
        raise QueryError("Only Postgres and Cockroach support array appending.")

    def call_array_prepend(self, node: Call, over: OverText) -> str:
        raise QueryError("Only Postgres and Cockroach support array prepending.")

    def call_array_remove(self, node: Call, over: OverText) -> str:
        raise QueryError("Only Postgres and Cockroach support array removing.")

    def call_array_replace(self, node: Call, over: OverText) -> str:
        raise QueryError("Only Postgres and Cockroach support array substitution.")

    # aggregates of exact decimals (stored as text) -----------------------------------------------
    def call_sum(self, node: Call, over: OverText) -> str:
        return self.decimal_aggregate("SUM", node, over, rescale=True)

    def call_min(self, node: Call, over: OverText) -> str:
        return self.decimal_aggregate("MIN", node, over, rescale=True)

    def call_max(self, node: Call, over: OverText) -> str:
        return self.decimal_aggregate("MAX", node, over, rescale=True)

    def call_avg(self, node: Call, over: OverText) -> str:
        return self.decimal_aggregate("AVG", node, over, rescale=False)

    def decimal_aggregate(self, name: str, node: Call, over: OverText, rescale: bool) -> str:
        argument = node.args[0]
        vtype = argument.value_type
        if vtype is None or vtype.name != "numeric":
            return f"{name}({self.sql(argument)}){over()}"
        # As text, '10.00' < '9.00': aggregate the numbers, not the text.
        text = f"{name}(CAST({self.sql(argument)} AS REAL)){over()}"
        if rescale and len(vtype.args) == 2:
            scale = vtype.args[1]
            assert isinstance(scale, int)
            return f"ROUND({text}, {scale:d})"  # drops the binary noise of the double sum
        return text
