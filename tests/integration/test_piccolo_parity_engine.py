"""Piccolo's engine and transaction API, pinned on SQLite and PostgreSQL: savepoints rolled
back by name, ``TransactionType``, ``engine.pool``, the SQLite file helpers, and the
deprecated ``create_tables``."""

from __future__ import annotations

import os
import tempfile

import pytest

from tests.conftest import UseTables, pg_config
from vivace import Table, run_sync
from vivace.columns import Integer, Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.engine.sqlite import TransactionType
from vivace.table import create_tables, drop_tables


class ParCounter(Table, tablename="par_counter"):
    name = Varchar(length=20)
    value = Integer()


async def test_transaction_rollback_to_a_savepoint_by_name(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo: `await transaction.rollback_to("name")` undoes the work after that savepoint.
    await use_tables(db, ParCounter)
    await ParCounter.insert(ParCounter(name="a", value=1))
    async with db.transaction() as transaction:
        await ParCounter.update({ParCounter.value: 99}).where(ParCounter.name == "a")
        await transaction.savepoint("one")
        await ParCounter.update({ParCounter.value: 98}).where(ParCounter.name == "a")
        await transaction.rollback_to("one")
    assert await ParCounter.select(ParCounter.value).first() == {"value": 99}


async def test_sqlite_transaction_types(sqlite_db: Engine, use_tables: UseTables) -> None:
    # Piccolo: vivace.engine.sqlite.TransactionType members choose BEGIN's kind.
    await use_tables(sqlite_db, ParCounter)
    assert [t.value for t in TransactionType] == ["DEFERRED", "IMMEDIATE", "EXCLUSIVE"]
    for kind in TransactionType:
        async with sqlite_db.transaction(transaction_type=kind):
            await ParCounter.insert(ParCounter(name=kind.name, value=1))
    assert await ParCounter.count() == 3


async def test_postgres_pool_attribute(postgres_db: Engine) -> None:
    # Piccolo: PostgresEngine.pool is None until start_connection_pool(), then the pool.
    engine = PostgresEngine(config=pg_config())
    assert engine.pool is None
    await engine.start_connection_pool(max_size=2)
    try:
        assert engine.pool is not None
        assert await engine.get_version() >= 10
    finally:
        await engine.close_connection_pool()
    assert engine.pool is None


async def test_sqlite_db_file_helpers() -> None:
    # Piccolo: SQLiteEngine.remove_db_file() and create_db_file() (which refuses an existing file).
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "files.sqlite")
        engine = SQLiteEngine(path=path)
        engine.create_db_file()
        with pytest.raises(FileExistsError, match="already exists"):
            engine.create_db_file()
        ParCounter._meta.db, previous = engine, ParCounter._meta._db
        try:
            await ParCounter.create_table()
            await ParCounter.insert(ParCounter(name="x", value=1))
            engine.remove_db_file()
            assert not os.path.exists(path)
            assert not await ParCounter.table_exists()  # a new, empty database
        finally:
            ParCounter._meta.db = previous
            await engine.close_connection_pool()


def test_create_and_drop_tables_are_deprecated_aliases(sqlite_db: Engine) -> None:
    # Piccolo: create_tables(*tables, if_not_exists=) warns and runs create_db_tables_sync.
    with tempfile.TemporaryDirectory() as folder:
        engine = SQLiteEngine(path=os.path.join(folder, "deprecated.sqlite"))
        ParCounter._meta.db, previous = engine, ParCounter._meta._db
        try:
            with pytest.warns(DeprecationWarning, match="`create_tables` is deprecated"):
                create_tables(ParCounter, if_not_exists=True)
            assert ParCounter.table_exists().run_sync()
            with pytest.warns(DeprecationWarning, match="`drop_tables` is deprecated"):
                drop_tables(ParCounter)
            assert not ParCounter.table_exists().run_sync()
        finally:
            ParCounter._meta.db = previous
            run_sync(engine.close_connection_pool())


async def test_atomic_takes_transaction_options(sqlite_db: Engine, use_tables: UseTables) -> None:
    # Piccolo: SQLiteEngine.atomic(transaction_type=TransactionType.immediate).
    await use_tables(sqlite_db, ParCounter)
    atomic = sqlite_db.atomic(transaction_type=TransactionType.deferred)
    atomic.add(
        ParCounter.insert(ParCounter(name="a", value=1)),
        ParCounter.insert(ParCounter(name="b", value=2)),
    )
    await atomic
    assert await ParCounter.count() == 2
