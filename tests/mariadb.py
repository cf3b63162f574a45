"""What MariaDB does differently on purpose, asserted where a shared test meets it.

A test that runs on every engine calls these helpers at the one step where MariaDB differs
(no arrays, no ``UPDATE ... RETURNING``, backtick quoting): on SQLite and PostgreSQL they do
what the test always did; on MariaDB they first prove that Vivace refuses the missing feature
with its own clear error, then take MariaDB's way (or skip, for arrays).

Example::

    await use_array_tables(db, use_tables, Tagged)   # on MariaDB: refused, then skipped
    rows = await update_returning(db, query, [Band.name], reread=Band.select(Band.name))
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.engine import Engine
from vivace.exceptions import QueryError

#: Why a test of Array columns skips on MariaDB (after proving the columns are refused).
NO_ARRAYS = "MariaDB has no arrays"


def on_mariadb(db: Engine) -> bool:
    """Whether ``db`` is a MariaDB/MySQL engine."""
    return db.engine_type == "mysql"


async def use_array_tables(db: Engine, use_tables: UseTables, *tables: type[Table]) -> None:
    """``use_tables`` for tables holding Array columns; on MariaDB, asserts that creating
    them is refused with Vivace's clear error, then skips the test."""
    if on_mariadb(db):
        with pytest.raises(QueryError, match="Array columns are not supported on MySQL/MariaDB"):
            await use_tables(db, *tables)
        pytest.skip(NO_ARRAYS)
    await use_tables(db, *tables)


async def update_returning(
    db: Engine, query: Any, columns: list[Any], reread: Any
) -> list[dict[str, Any]]:
    """``await query.returning(*columns)``; on MariaDB, asserts that ``returning()`` is refused
    with Vivace's clear error, runs the update alone and gives ``await reread`` instead (a
    select of the same columns of the updated rows)."""
    if not on_mariadb(db):
        rows: list[dict[str, Any]] = await query.returning(*columns)
        return rows
    with pytest.raises(QueryError, match=r"update\(\)\.returning\(\) is not supported on"):
        await query.returning(*columns)
    await query
    reread_rows: list[dict[str, Any]] = await reread
    return reread_rows


def quoted(db: Engine, name: str) -> str:
    """``name`` quoted as ``db`` writes it in SQL text: ``"band"``, or ``band`` in
    backticks on MariaDB."""
    return db.dialect.quote(name)
