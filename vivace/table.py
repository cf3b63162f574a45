"""``vivace.table``: the Table class (and ``TypedTable``) and helpers for several tables.

Example::

    from vivace.table import Table, create_db_tables, sort_table_classes
"""

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

__all__ = [
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
