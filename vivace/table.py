"""``vivace.table``: the Table class and helpers for several tables.

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
    sort_table_classes,
)

__all__ = [
    "Table",
    "create_db_tables",
    "create_db_tables_sync",
    "create_table_class",
    "create_tables",
    "drop_db_tables",
    "drop_db_tables_sync",
    "sort_table_classes",
]
