"""Where the ``db`` fixture's tests do not run on MariaDB, and why: one place for every gate.

The ``db`` fixture asks ``mysql_gap(module, test)`` for its ``mysql`` parameter and skips
with the reason given here. Both lists are empty: every ``db`` test runs on MariaDB. Where
MariaDB lacks a feature (arrays, ``UPDATE ... RETURNING``, ``on_conflict(where=)``, lock
strengths, ``Lag``/``Lead`` defaults, ``Strftime`` ``%f``), the test asserts Vivace's clear
error there instead of skipping (helpers in ``tests/mariadb.py``); tests of Array columns
prove the refusal, then skip with "MariaDB has no arrays". A new gate needs a reason that
says what MariaDB lacks.

Example::

    mysql_gap("test_queries.py", "test_update_returning")   # None: it runs on MariaDB
"""

from __future__ import annotations

#: Test modules that do not run on MariaDB, and why.
MYSQL_MODULES_NOT_PORTED: dict[str, str] = {}

#: Single tests that do not run on MariaDB, and why.
MYSQL_TESTS_NOT_PORTED: dict[str, str] = {}


def mysql_gap(module: str, test: str) -> str | None:
    """Why ``module``'s ``test`` (without its parameters) does not run on MariaDB, if so."""
    return MYSQL_MODULES_NOT_PORTED.get(module) or MYSQL_TESTS_NOT_PORTED.get(test)
