"""``engine.run_ddl``: Piccolo's engine call for one SQL string, on every engine."""

from __future__ import annotations

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Varchar
from vivace.engine import Engine


class DdlNote(Table):
    text = Varchar(length=20)


async def test_run_ddl_runs_the_sql_and_returns_dicts(db: Engine) -> None:
    name = db.dialect.quote("run_ddl_probe")
    await db.run_ddl(f"DROP TABLE IF EXISTS {name}")
    try:
        await db.run_ddl(f"CREATE TABLE {name} (n integer)")
        await db.run_ddl(f"INSERT INTO {name} (n) VALUES (7)")
        assert await db.run_ddl(f"SELECT n FROM {name}", in_pool=False) == [{"n": 7}]
    finally:
        await db.run_ddl(f"DROP TABLE IF EXISTS {name}")
    assert await db.run_ddl("SELECT 1 AS one") == [{"one": 1}]


async def test_run_ddl_inside_a_transaction_uses_its_connection(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, DdlNote)
    table = db.dialect.quote(DdlNote._meta.tablename)
    async with db.transaction() as transaction:
        await DdlNote.insert(DdlNote(text="unseen"))
        # The row is not committed: only the transaction's own connection sees it.
        assert await db.run_ddl(f"SELECT text FROM {table}") == [{"text": "unseen"}]
        await transaction.rollback()
    assert await db.run_ddl(f"SELECT text FROM {table}") == []
