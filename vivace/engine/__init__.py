"""L4: engines (drivers, pools, transactions) and the compiled-statement cache.

Example::

    from vivace.engine import MySQLEngine, PostgresEngine, SQLiteEngine, engine_finder
"""

from vivace.engine.base import Engine
from vivace.engine.finder import engine_finder
from vivace.engine.mysql import MySQLEngine
from vivace.engine.postgres import PostgresEngine
from vivace.engine.routing import ReadRouting, RoutingStats
from vivace.engine.sqlite import SQLiteEngine
from vivace.engine.sync import run_sync
from vivace.engine.transaction import Atomic, Savepoint, Transaction

__all__ = [
    "Atomic",
    "Engine",
    "MySQLEngine",
    "PostgresEngine",
    "ReadRouting",
    "RoutingStats",
    "SQLiteEngine",
    "Savepoint",
    "Transaction",
    "engine_finder",
    "run_sync",
]
