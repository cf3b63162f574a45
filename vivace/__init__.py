"""Vivace: a fast, typed asyncio ORM with a Piccolo-compatible API.

Example::

    from vivace import Table
    from vivace.columns import Varchar

    class Band(Table):
        name = Varchar(length=100)

    await Band.create_table(if_not_exists=True)
    await Band.insert(Band(name="Pythonistas"))
    print(await Band.select(Band.name))
"""

from vivace.engine import run_sync
from vivace.orm import (
    Table,
    create_db_tables,
    create_db_tables_sync,
    create_table_class,
    drop_db_tables,
    drop_db_tables_sync,
)
from vivace.orm.table import TypedTable

__version__ = "0.1.0"

__all__ = [
    "Table",
    "TypedTable",
    "__version__",
    "create_db_tables",
    "create_db_tables_sync",
    "create_table_class",
    "drop_db_tables",
    "drop_db_tables_sync",
    "run_sync",
]
