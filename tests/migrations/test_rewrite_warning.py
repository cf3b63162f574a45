"""The safety check's "rewrites the table" warning matches what PostgreSQL does: a changed
column type warns exactly when the table's file is rewritten (its relfilenode changes)."""

from __future__ import annotations

from typing import Any

import pytest

from vivace import Table
from vivace.columns import Numeric, Varchar
from vivace.engine import PostgresEngine
from vivace.migrations import MigrationManager
from vivace.migrations.runner import plan_migration
from vivace.migrations.safety import safety_warnings
from vivace.schema.table_spec import schema_spec

# (column class, old params, new params): widening a numeric's precision at the same
# scale, or lifting its limit, keeps the file (PostgreSQL 9.2+); a scale change or a
# narrower precision rewrites it; a longer Varchar keeps it, a shorter one rewrites it.
CHANGES = [
    (Numeric, {"digits": (8, 2)}, {"digits": (10, 2)}),
    (Numeric, {"digits": (8, 2)}, {"digits": None}),
    (Numeric, {"digits": (8, 2)}, {"digits": (12, 3)}),
    (Numeric, {"digits": (10, 2)}, {"digits": (8, 2)}),
    (Numeric, {"digits": None}, {"digits": (10, 2)}),
    (Varchar, {"length": 20}, {"length": 40}),
    (Varchar, {"length": 40}, {"length": 20}),
]


async def _filenode(engine: PostgresEngine) -> int:
    rows = await engine.fetch_sql("SELECT pg_relation_filenode('rewrite_probe') AS node")
    return int(rows[0]["node"])


@pytest.mark.parametrize(("column_class", "old", "new"), CHANGES)
async def test_warning_given_when_postgres_rewrites(
    postgres_db: PostgresEngine, column_class: Any, old: dict[str, Any], new: dict[str, Any]
) -> None:
    class RewriteProbe(Table, tablename="rewrite_probe", db=postgres_db):
        value = column_class(**old)

    made = MigrationManager(migration_id="x", app_name="app")
    made.alter_column("RewriteProbe", "rewrite_probe", "value", params=new, old_params=old)
    plan = plan_migration(made, schema_spec(RewriteProbe), postgres_db.dialect.ddl)
    warned = any("rewrites" in w for w in safety_warnings(plan, postgres_db.dialect))
    await RewriteProbe.alter().drop_table(if_exists=True)
    await RewriteProbe.create_table()
    try:
        stored = "1.5" if column_class is Numeric else "x"
        await postgres_db.execute_ddl([f"INSERT INTO rewrite_probe (value) VALUES ('{stored}')"])
        before = await _filenode(postgres_db)
        await postgres_db.execute_ddl(plan.statements)
        rewritten = await _filenode(postgres_db) != before
    finally:
        await RewriteProbe.alter().drop_table(if_exists=True)
    assert warned == rewritten, (old, new, plan.statements)
