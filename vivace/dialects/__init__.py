"""L3: one compiler and dialect per database; no I/O here.

Example::

    from vivace.dialects import PostgresDialect
    PostgresDialect().compile(statement).sql
"""

from vivace.dialects.compiled import Compiled
from vivace.dialects.compiler import Compiler, result_key
from vivace.dialects.dialect import Dialect
from vivace.dialects.joins import join_alias
from vivace.dialects.mysql import MariaDBDialect, MySQLDialect
from vivace.dialects.postgres import PostgresDialect
from vivace.dialects.sqlite import SQLiteDialect
from vivace.sql.nodes import register_dialect_class

# ``Expr.compile_string(engine_type)`` compiles with these (the sql layer cannot import them).
for _dialect in (PostgresDialect, SQLiteDialect, MySQLDialect, MariaDBDialect):
    register_dialect_class(_dialect.name, _dialect)

__all__ = [
    "Compiled",
    "Compiler",
    "Dialect",
    "MariaDBDialect",
    "MySQLDialect",
    "PostgresDialect",
    "SQLiteDialect",
    "join_alias",
    "result_key",
]
