"""Where the ``db`` fixture's tests do not run on MariaDB, and why: one place for every gate.

The ``db`` fixture asks ``mysql_gap(module, test)`` for its ``mysql`` parameter and skips
with the reason given here: a feature MariaDB lacks (arrays, ``UPDATE ... RETURNING``,
``on_conflict(where=)``, ...) or a test that reads PostgreSQL/SQLite specifics (catalog
SQL, the driver's own exception classes, SQL text with double-quoted names).

Example::

    mysql_gap("test_queries.py", "test_update_returning")
    # 'uses update().returning() (MariaDB has no UPDATE ... RETURNING)'
"""

from __future__ import annotations

#: Test modules that do not run on MariaDB yet, and why (their shared tables or helpers
#: need what it lacks, or read PostgreSQL/SQLite specifics).
MYSQL_MODULES_NOT_PORTED = {
    "test_rollback_plugin.py": "its pytester projects configure SQLite and PostgreSQL only",
}


#: Single tests that do not run on MariaDB, and why.
MYSQL_TESTS_NOT_PORTED = {
}


def mysql_gap(module: str, test: str) -> str | None:
    """Why ``module``'s ``test`` (without its parameters) does not run on MariaDB, if so."""
    return MYSQL_MODULES_NOT_PORTED.get(module) or MYSQL_TESTS_NOT_PORTED.get(test)
