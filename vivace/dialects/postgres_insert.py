"""PostgreSQL's many-row insert: one array parameter per column, unnested server side.

``INSERT INTO "band" ("name", "popularity") SELECT * FROM unnest($1::pg_catalog."varchar"[],
$2::pg_catalog.int4[]) RETURNING "id"``: the SQL is the same for any number of rows, and
asyncpg encodes each list in one C loop, where a ``VALUES`` list binds (and the server
parses) one parameter per value. ``RETURNING`` gives the new rows in the order of the
arrays: the insert reads them in order from ``unnest``, as it reads a ``VALUES`` list.

Every value is checked against its column first, as for any insert: a whole list at once
where a quick check exists (integers, text, booleans, doubles), else value by value.

Example::

    sql = render_insert_arrays(compiler, InsertArrays(Band, columns, arrays, types))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vivace.dialects.compiled import Converter
from vivace.dialects.compiler import column_label
from vivace.sql.insert_arrays import InsertArrays
from vivace.types import ValueType, checks

if TYPE_CHECKING:
    from vivace.dialects.compiler import Compiler


def array_binder(compiler: Compiler, vtype: ValueType | None) -> Converter | None:
    """The converter of one column's list of values: each value checked and converted as
    a single insert would, with no Python call per value when the quick check passes.

    Example: ``array_binder(compiler, ValueType("integer"))([1, None, 3])`` gives the list.
    """
    dialect = compiler.dialect
    convert = dialect.param_converter(vtype)
    if compiler.inline:
        checked = convert
        quick = None
    else:
        checked = dialect.value_converter(vtype, True)
        quick = checks.quick_check(vtype, True)
    if checked is None:
        return None

    def bind(values: list[Any]) -> list[Any]:
        if quick is not None and quick(values):
            if convert is None:
                return values
            return [None if v is None else convert(v) for v in values]
        assert checked is not None  # for mypy: checked in the enclosing scope
        return [None if v is None else checked(v) for v in values]

    return bind


def render_insert_arrays(compiler: Compiler, node: InsertArrays) -> str:
    """The SQL of ``node`` (its placeholders and converters added to ``compiler``).

    Example: ``render_insert_arrays(PostgresCompiler(dialect), node)``.
    """
    compiler.qualify = False
    table = compiler.table_name(node.table)
    names = ", ".join(compiler.quote(c._meta.db_column_name) for c in node.columns)
    arrays = []
    for column, values, element in zip(node.columns, node.arrays, node.element_types):
        mark = compiler.param_with(
            values, array_binder(compiler, column.value_type), column_label(column)
        )
        arrays.append(f"{mark}::{element}[]")
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({', '.join(arrays)})"
    return sql + compiler.returning(node.returning)
