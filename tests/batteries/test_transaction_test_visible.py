"""``AsyncTransactionTest`` runs each test inside a transaction the test can see, as
Piccolo's does: ``transaction_exists()`` is True, ``current_transaction()`` is
``self.transaction``, ``transaction(allow_nested=False)`` raises ``TransactionError``. The
code's own ``transaction()`` blocks and ``run_in_transaction`` are savepoints, and all of it
is rolled back after the test. On SQLite and PostgreSQL, with engines of their own
(unittest runs each async test on a loop of its own)."""

from __future__ import annotations

import tempfile
from typing import ClassVar

import pytest

from tests.conftest import pg_config
from vivace import Table, create_table_class, run_sync
from vivace.columns import Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.exceptions import TransactionError
from vivace.testing import AsyncTransactionTest, RollbackScope

_FOLDER = tempfile.TemporaryDirectory(prefix="vivace-visible-")
SQLITE = SQLiteEngine(path=f"{_FOLDER.name}/visible.sqlite")
POSTGRES = PostgresEngine(config=pg_config())


def _note(engine: Engine, name: str) -> type[Table]:
    return create_table_class(
        name,
        class_kwargs={"db": engine, "tablename": "visible_note"},
        class_members={"text": Varchar(length=20)},
    )


SQLITE_NOTE = _note(SQLITE, "VisibleNoteSqlite")
POSTGRES_NOTE = _note(POSTGRES, "VisibleNotePostgres")


class VisibleCase(AsyncTransactionTest):
    note: ClassVar[type[Table]] = SQLITE_NOTE
    db: ClassVar[Engine | None] = SQLITE

    @classmethod
    def setUpClass(cls) -> None:
        run_sync(cls.note.create_table(if_not_exists=True).run())
        run_sync(cls.note._meta.db.close_connection_pool())

    @classmethod
    def tearDownClass(cls) -> None:
        run_sync(cls.note.alter().drop_table(if_exists=True).run())
        run_sync(cls.note._meta.db.close_connection_pool())

    async def test_the_transaction_is_visible(self) -> None:
        db = self.note._meta.db
        assert db.transaction_exists()
        assert db.current_transaction() is self.transaction
        assert db.current_transaction.get() is self.transaction
        with pytest.raises(TransactionError, match="nested transactions aren't allowed"):
            async with db.transaction(allow_nested=False):
                pass
        await self.note.insert(self.note(text="kept until the end"))
        assert await self.note.count() == 1

    async def test_code_transactions_are_savepoints(self) -> None:
        db = self.note._meta.db
        async with db.transaction() as own:
            assert own is not self.transaction and db.current_transaction() is own
            await self.note.insert(self.note(text="committed block"))
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await self.note.insert(self.note(text="undone block"))
                raise RuntimeError
        assert db.current_transaction() is self.transaction

        async def add() -> int:
            await self.note.insert(self.note(text="retried block"))
            return await self.note.count()

        assert await db.run_in_transaction(add) == 2
        rows = await self.note.select().order_by(self.note._meta.primary_key)
        assert [row["text"] for row in rows] == ["committed block", "retried block"]

    async def asyncTearDown(self) -> None:
        await super().asyncTearDown()
        db = self.note._meta.db
        assert not db.transaction_exists()
        assert "transaction" not in vars(db) and "run_in_transaction" not in vars(db)
        assert await self.note.count() == 0  # every test's rows were rolled back
        await db.close_connection_pool()


class TestVisibleSqlite(VisibleCase):
    pass


class TestVisiblePostgres(VisibleCase):
    note = POSTGRES_NOTE
    db = POSTGRES

    @pytest.fixture(autouse=True)
    def _needs_postgres(self, postgres_db: PostgresEngine) -> None:
        return None


async def test_a_plain_rollback_scope_still_hides_its_transaction() -> None:
    engine = SQLiteEngine(path=f"{_FOLDER.name}/hidden.sqlite")
    try:
        async with RollbackScope(engine) as base:
            assert not engine.transaction_exists()
            assert engine.current_transaction() is None and base is not None
            async with engine.transaction(allow_nested=False):  # allowed: none in sight
                assert engine.transaction_exists()
        async with RollbackScope(engine, visible=True) as base:
            assert engine.transaction_exists() and engine.current_transaction() is base
        assert not vars(engine).keys() & {"transaction", "transaction_exists", "fetch"}
    finally:
        await engine.close_connection_pool()
