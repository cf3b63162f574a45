"""``vivace.table``: the Table class (and ``TypedTable``) and helpers for several tables.

Example::

    from vivace.table import Table, create_db_tables, sort_table_classes

``TABLENAME_WARNING`` is the warning given when a table is named after a reserved word
(``class User(Table)``); from here it goes through this module's ``warnings``.
"""

import warnings

from vivace.orm import (
    Table,
    create_db_tables,
    create_db_tables_sync,
    create_table_class,
    create_tables,
    drop_db_tables,
    drop_db_tables_sync,
    drop_tables,
    sort_table_classes,
)
from vivace.orm.table import TypedTable
from vivace.schema.table import (
    PROTECTED_TABLENAMES,
    RESERVED_TABLENAME_WARNER,
    TABLENAME_WARNING,
)


def _warn_reserved_tablename(message: str) -> None:
    # ``warnings`` is looked up here at each call, and called with the message alone, as
    # Piccolo's tests patch and check it.
    warnings.warn(message)  # noqa: B028


RESERVED_TABLENAME_WARNER[0] = _warn_reserved_tablename

__all__ = [
    "PROTECTED_TABLENAMES",
    "TABLENAME_WARNING",
    "Table",
    "TypedTable",
    "create_db_tables",
    "create_db_tables_sync",
    "create_table_class",
    "create_tables",
    "drop_db_tables",
    "drop_db_tables_sync",
    "drop_tables",
    "sort_table_classes",
]
