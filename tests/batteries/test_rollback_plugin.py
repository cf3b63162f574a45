"""The pytest plugin's ``vivace_transaction``: a test's writes are gone in the next test,
on SQLite, PostgreSQL and MariaDB, also when the code under test opens transactions, nests them,
rolls them back, uses savepoints or ``run_in_transaction``.

The tests of this module run in file order: the first ones write, the last one checks
that nothing they wrote is left.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from vivace import Table, create_table_class
from vivace.columns import Varchar
from vivace.engine import Engine, Transaction
from vivace.exceptions import DatabaseError, TransactionError, UniqueViolation
from vivace.testing import RollbackScope

NOTES: dict[str, type[Table]] = {}


@pytest.fixture(scope="module")
async def notes_tables(
    sqlite_engine: Engine, postgres_engine: Engine | None, mysql_engine: Engine | None
) -> AsyncIterator[dict[str, type[Table]]]:
    """One ``note`` table per engine, kept for the whole module (so a next test can look)."""
    engines = {"sqlite": sqlite_engine, "postgres": postgres_engine, "mysql": mysql_engine}
    for name, engine in engines.items():
        if engine is None:
            continue
        table = create_table_class(
            f"PluginNote{name.title()}",
            class_kwargs={"db": engine, "tablename": "plugin_note"},
            class_members={"text": Varchar(length=40, unique=True)},
        )
        await table.alter().drop_table(if_exists=True)
        await table.create_table()
        NOTES[name] = table
    yield NOTES
    for table in NOTES.values():
        await table.alter().drop_table(if_exists=True)


@pytest.fixture
def vivace_engine(db: Engine) -> Engine:
    """This module's tests run on every engine (the plugin's own default: engine_finder)."""
    return db


@pytest.fixture
def note(db: Engine, notes_tables: dict[str, type[Table]]) -> type[Table]:
    return notes_tables[db.engine_type]


async def test_writes_are_seen_inside_the_test(
    vivace_transaction: object, note: type[Table], db: Engine
) -> None:
    await note.insert(note(text="plain insert"))
    assert await note.count() == 1
    # The test's own transaction is invisible: the code sees no transaction open.
    assert not db.transaction_exists() and db.current_transaction() is None
    assert "transaction" in vars(db)  # the scope's savepoint-making transaction()


async def test_code_that_opens_its_own_transactions(
    vivace_transaction: object, note: type[Table], db: Engine
) -> None:
    async with db.transaction(allow_nested=False) as outer:  # top level: allowed
        assert db.transaction_exists() and db.current_transaction() is outer
        await note.insert(note(text="committed block"))
        async with db.transaction() as inner:  # nested: joins, as without the plugin
            assert inner is outer
            await note.insert(note(text="nested block"))
        with pytest.raises(TransactionError):
            async with db.transaction(allow_nested=False):
                pass
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await note.insert(note(text="rolled back block"))
            raise RuntimeError("boom")
    async with db.transaction() as explicit:
        await note.insert(note(text="explicit rollback"))
        await explicit.rollback()
    async with db.transaction() as explicit:
        await note.insert(note(text="explicit commit"))
        await explicit.commit()
    async with db.transaction() as with_savepoint:
        await note.insert(note(text="kept"))
        savepoint = await with_savepoint.savepoint()
        await note.insert(note(text="undone"))
        await savepoint.rollback_to()
    # A failing statement inside a block rolls that block back only.
    with pytest.raises(UniqueViolation):
        async with db.transaction():
            await note.insert(note(text="kept"))

    async def work() -> int:
        await note.insert(note(text="retried work"))
        return await note.count()

    assert await db.run_in_transaction(work) == 5
    texts = await note.select(note.text).order_by(note.text).output(as_list=True)
    # The first test's row is gone already: each test has its own rolled-back transaction.
    assert texts == ["committed block", "explicit commit", "kept", "nested block", "retried work"]


async def test_a_failing_statement_leaves_the_test_going(
    vivace_transaction: Transaction, note: type[Table], db: Engine
) -> None:
    await note.insert(note(text="first"))
    with pytest.raises(UniqueViolation):
        await note.insert(note(text="first"))  # no block of its own: still only it fails
    with pytest.raises(DatabaseError):
        await note.raw("SELECT * FROM no_such_table")
    await note.insert(note(text="second"))

    async def both() -> None:  # statements of concurrent tasks, each with its savepoint
        await asyncio.gather(*(note.count() for _ in range(5)))

    await both()
    assert await note.select(note.text).order_by(note.text).output(as_list=True) == [
        "first",
        "second",
    ]


async def test_scopes_nest_and_raw_sql_is_noted(
    vivace_transaction: Transaction, note: type[Table], db: Engine
) -> None:
    async with RollbackScope(db) as inner_base:  # e.g. a unittest case inside the plugin
        await note.insert(note(text="in the inner scope"))
        async with db.transaction() as block:
            await note.raw("SELECT 1")  # raw SQL may change the session
            await block.rollback()
            await block.rollback()  # a second rollback is a no-op
        assert inner_base is not vivace_transaction
    assert vars(db)["transaction"] is not None  # the outer scope's patch is back
    assert await note.count() == 0
    # Raw SQL in a block: a server's connection is reset when the test's transaction ends
    # (SQLite has no session to reset).
    assert vivace_transaction.needs_reset == (db.engine_type in ("postgres", "mysql"))


async def test_nothing_is_left(note: type[Table], db: Engine) -> None:
    # Not using the fixture: the engine is as it was, and the earlier writes are gone.
    assert not any(name in vars(db) for name in ("transaction", "transaction_exists"))
    assert await note.count() == 0
