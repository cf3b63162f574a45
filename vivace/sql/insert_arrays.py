"""``InsertArrays``: many rows inserted as one array per column.

PostgreSQL renders it ``INSERT INTO t (a, b) SELECT * FROM unnest($1::type[], $2::type[])
RETURNING ...``: one statement whose SQL does not depend on the number of rows (one cached
compile, one prepared statement), and two parameters instead of one per value, which the
driver encodes in bulk. It is an ``Insert`` for everything that asks (a write, its
``returning``); ``rows`` only says how many rows there are.

Example::

    InsertArrays(Band, (Band.name, Band.popularity), [["a", "b"], [1, 2]],
                 ('pg_catalog."varchar"', "pg_catalog.int4"), (Band.id,))
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from vivace.sql.nodes import ColumnNode, Expr
from vivace.sql.statements import Insert

#: An insert of at most this many rows is a small write (as ``dialects.compiler`` counts).
_SMALL_ROWS = 10


class InsertArrays(Insert):
    """``INSERT INTO table (columns) SELECT * FROM unnest(arrays) [RETURNING ...]``.

    ``arrays`` holds one list of values per column (all the same length), ``element_types``
    the SQL type each list is cast to (the column's own type in the database, unsized:
    the column itself then checks lengths and precision as for any insert).
    """

    __slots__ = ("arrays", "element_types")
    visit_name = "insert_arrays"

    def __init__(
        self,
        table: Any,
        columns: Sequence[ColumnNode],
        arrays: Sequence[list[Any]],
        element_types: Sequence[str],
        returning: Sequence[Expr] = (),
    ) -> None:
        count = len(arrays[0]) if arrays else 0
        # Empty rows: ``len(rows)`` is all that anything reads of an array insert's rows.
        super().__init__(table, columns, ((),) * count, returning)
        self.arrays, self.element_types = tuple(arrays), tuple(element_types)

    def _key(self, values: list[Any]) -> Hashable:
        values.extend(self.arrays)
        returning = tuple(r._key(values) for r in self.returning)
        columns = tuple(c._shape for c in self.columns)
        # The row count is not in the SQL; only whether it is a small write (a flag of the
        # compiled statement) is.
        small = len(self.rows) <= _SMALL_ROWS
        return ("INSERT ARRAYS", self.table, columns, self.element_types, returning, small)
