"""Related rows in one statement: the SQL of ``RelatedRows`` and how its value is read back.

Used by dialects with ``supports_row_aggregation`` (PostgreSQL). Each outer row gets::

    (SELECT COALESCE(array_agg(ROW("bands[]"."id", "bands[]"."name") ORDER BY "bands[]"."id"),
                     '{}')
     FROM "band" AS "bands[]" WHERE "manager"."id" = "bands[]"."manager")

The driver reads an array of records as a list of tuples with natively typed fields, so
values keep their exact types (no JSON round trip). Array fields are the exception: they
are sent as JSON inside the record and parsed back here.

Example::

    converter = rows_converter(dialect, ValueType("rows", (False, ("id", "name"), types, False)))
    converter([(1, "Pythonistas")])     # [{"id": 1, "name": "Pythonistas"}]
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vivace.dialects.compiled import Converter
from vivace.dialects.joins import join_alias, joins_for, step_join
from vivace.sql.nodes import And, Condition
from vivace.sql.related import RelatedRows
from vivace.types import JSON_TYPES, ValueType

if TYPE_CHECKING:
    from vivace.dialects.compiler import Compiler
    from vivace.dialects.dialect import Dialect


def render_related_rows(compiler: Compiler, node: RelatedRows) -> str:
    """The correlated subquery listing ``node``'s rows for the current outer row."""
    step = node.step
    path = (*step._meta.call_chain, step)
    alias = join_alias(path)
    outer = {join_alias(path[:depth]) for depth in range(1, len(path) + 1)}
    fields = ", ".join(_field(compiler, column) for column in node.columns)
    order = ""
    if node.order_by:
        order = " ORDER BY " + ", ".join(compiler.sql(o) for o in node.order_by)
    table = compiler.table_name(step.resolved_references)  # type: ignore[attr-defined]
    parts = [
        f"(SELECT COALESCE(array_agg(ROW({fields}){order}), '{{}}') "
        f"FROM {table} AS {compiler.join_name(alias)}"
    ]
    inner = [
        *node.columns,
        *(o.expr for o in node.order_by),
        node.where,
    ]
    parts.extend(compiler.sql(j) for j in joins_for(inner) if j.alias not in outer)
    condition: Condition = step_join(step, path, alias).on  # type: ignore[arg-type]
    if node.where is not None:
        condition = And(condition, node.where)
    parts.append("WHERE " + compiler.sql(condition) + ")")
    return " ".join(parts)


def _field(compiler: Compiler, column: Any) -> str:
    text = compiler.sql(column)
    if column.value_type.name == "array":
        # The driver has no decoder for arrays inside anonymous records: send them as JSON.
        return f"to_json({text})"
    return text


def rows_converter(dialect: Dialect, vtype: ValueType) -> Converter:
    """Reads a list of records (tuples) into a list of values or of dicts."""
    as_list, names, fields, load_json = vtype.args
    assert isinstance(names, tuple) and isinstance(fields, tuple)
    converters = [_field_converter(dialect, f, bool(load_json)) for f in fields]
    if as_list:
        one = converters[0]
        if one is None:
            return lambda records: [r[0] for r in records]
        return lambda records: [None if r[0] is None else one(r[0]) for r in records]
    converted = [(i, names[i], c) for i, c in enumerate(converters) if c is not None]
    if not converted:
        return lambda records: [dict(zip(names, r)) for r in records]

    def to_dicts(records: Sequence[Any]) -> list[dict[str, Any]]:
        result = []
        for record in records:
            item = dict(zip(names, record))
            for index, name, convert in converted:
                value = record[index]
                if value is not None:
                    item[name] = convert(value)
            result.append(item)
        return result

    return to_dicts


def _field_converter(dialect: Dialect, field: Any, load_json: bool) -> Converter | None:
    assert isinstance(field, ValueType)
    if field.name == "array":
        element = _JSON_ELEMENTS.get(field.element.name)
        if element is None:
            return _json_array
        return lambda text: [None if v is None else element(v) for v in _json_array(text)]
    convert = dialect.result_converter(field)
    if load_json and field.name in JSON_TYPES:
        if convert is None:
            return _load_json
        first = convert
        return lambda value: _load_json(first(value))
    return convert


def _json_array(text: Any) -> Any:
    return json.loads(text, parse_float=decimal.Decimal) if isinstance(text, str) else text


def _load_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _to_decimal(value: Any) -> decimal.Decimal:
    return value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))


def _to_bytes(value: Any) -> bytes:
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)


#: Array elements JSON cannot carry as themselves, read back from their JSON text.
_JSON_ELEMENTS: dict[str, Converter] = {
    "numeric": _to_decimal,
    "date": datetime.date.fromisoformat,
    "timestamp": datetime.datetime.fromisoformat,
    "timestamptz": datetime.datetime.fromisoformat,
    "time": datetime.time.fromisoformat,
    "uuid": uuid.UUID,
    "bytea": _to_bytes,
    "real": float,
    "double": float,
}
