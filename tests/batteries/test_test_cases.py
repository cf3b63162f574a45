"""``TableTest``, ``AsyncTableTest`` and ``AsyncTransactionTest`` (unittest classes, as
Piccolo users write them), on SQLite and PostgreSQL.

unittest's async cases run each test on an event loop of their own, so these tests use
engines of their own too (never the session's shared ones).
"""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any, ClassVar

import pytest

from tests.conftest import pg_config
from vivace import Table, create_table_class, run_sync
from vivace.columns import Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.exceptions import ConfigurationError
from vivace.testing import AsyncTableTest, AsyncTransactionTest, TableTest

_FOLDER = tempfile.TemporaryDirectory(prefix="vivace-cases-")
SQLITE = SQLiteEngine(path=f"{_FOLDER.name}/cases.sqlite")
POSTGRES = PostgresEngine(config=pg_config())


def _band(engine: Engine, name: str) -> type[Table]:
    return create_table_class(
        name,
        class_kwargs={"db": engine, "tablename": "case_band"},
        class_members={"name": Varchar(length=20)},
    )


SQLITE_BAND = _band(SQLITE, "CaseBandSqlite")
POSTGRES_BAND = _band(POSTGRES, "CaseBandPostgres")


class _OnPostgres:
    """Mixed into the PostgreSQL cases: they need the session's test database."""

    @pytest.fixture(autouse=True)
    def _needs_postgres(self, postgres_db: PostgresEngine) -> None:
        return None


class SyncTableCase(TableTest):
    band: ClassVar[type[Table]] = SQLITE_BAND
    tables = [SQLITE_BAND]

    def test_tables_exist_during_the_test(self) -> None:
        assert self.band.table_exists().run_sync()
        self.band.insert(self.band(name="Pythonistas")).run_sync()
        assert self.band.count().run_sync() == 1

    def tearDown(self) -> None:
        super().tearDown()
        assert not self.band.table_exists().run_sync()


class TestSyncTableSqlite(SyncTableCase):
    pass


class TestSyncTablePostgres(_OnPostgres, SyncTableCase):
    band = POSTGRES_BAND
    tables = [POSTGRES_BAND]

    @classmethod
    def tearDownClass(cls) -> None:
        run_sync(POSTGRES.close_connection_pool())


class AsyncTableCase(AsyncTableTest):
    band: ClassVar[type[Table]] = SQLITE_BAND
    tables = [SQLITE_BAND]

    async def test_tables_exist_during_the_test(self) -> None:
        assert await self.band.table_exists()
        await self.band.insert(self.band(name="Rustaceans"))
        assert await self.band.count() == 1

    async def asyncTearDown(self) -> None:
        await super().asyncTearDown()
        assert not await self.band.table_exists()
        await self.band._meta.db.close_connection_pool()


class TestAsyncTableSqlite(AsyncTableCase):
    pass


class TestAsyncTablePostgres(_OnPostgres, AsyncTableCase):
    band = POSTGRES_BAND
    tables = [POSTGRES_BAND]


class TransactionCase(AsyncTransactionTest):
    """Both tests insert the same row and see only their own: the other's was undone."""

    band: ClassVar[type[Table]] = SQLITE_BAND
    db = SQLITE

    @classmethod
    def setUpClass(cls) -> None:
        run_sync(cls.band.create_table(if_not_exists=True).run())
        run_sync(cls.band._meta.db.close_connection_pool())

    @classmethod
    def tearDownClass(cls) -> None:
        run_sync(cls.band.alter().drop_table(if_exists=True).run())
        run_sync(cls.band._meta.db.close_connection_pool())

    async def _insert_and_count(self) -> None:
        async with self.band._meta.db.transaction():  # a savepoint in the test's transaction
            await self.band.insert(self.band(name="Pythonistas"))
        assert await self.band.count() == 1

    async def test_first(self) -> None:
        await self._insert_and_count()

    async def test_second(self) -> None:
        await self._insert_and_count()

    async def asyncTearDown(self) -> None:
        await super().asyncTearDown()
        assert await self.band.count() == 0
        await self.band._meta.db.close_connection_pool()


class TestTransactionSqlite(TransactionCase):
    pass


class TestTransactionPostgres(_OnPostgres, TransactionCase):
    band = POSTGRES_BAND
    db = POSTGRES


def test_transaction_test_needs_an_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIVACE_CONF", raising=False)  # and there is no vivace_conf module

    class NoEngine(AsyncTransactionTest):
        async def test_nothing(self) -> None:
            raise AssertionError("not reached")

    case: Any = NoEngine("test_nothing")
    with pytest.raises(ConfigurationError, match="set db"):
        asyncio.run(case.asyncSetUp())
