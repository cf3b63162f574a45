"""L5: the query builders users call, result mapping and row objects.

Example::

    from vivace.orm import Table
"""

from vivace.orm.ddl import DDL, Alter, Indexes, Raw, TableExists
from vivace.orm.objects import Create, First, GetOrCreate, Objects
from vivace.orm.query import Query
from vivace.orm.select import Count, Exists, Select
from vivace.orm.table import Table
from vivace.orm.tables import (
    create_db_tables,
    create_db_tables_sync,
    create_table_class,
    create_tables,
    drop_db_tables,
    drop_db_tables_sync,
    drop_tables,
    sort_table_classes,
)
from vivace.orm.write import Delete, Insert, Update

__all__ = [
    "DDL",
    "Alter",
    "Count",
    "Create",
    "Delete",
    "Exists",
    "First",
    "GetOrCreate",
    "Indexes",
    "Insert",
    "Objects",
    "Query",
    "Raw",
    "Select",
    "Table",
    "TableExists",
    "Update",
    "create_db_tables",
    "create_db_tables_sync",
    "create_tables",
    "create_table_class",
    "drop_db_tables",
    "drop_db_tables_sync",
    "drop_tables",
    "sort_table_classes",
]
