"""Transactions on real databases: commit, rollback, nesting, savepoints, atomic, concurrency.

Every query awaited inside ``async with db.transaction()`` joins it through the engine's
context variable. Isolation is checked from a second engine on the same database, which
has its own connections and so cannot see uncommitted rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import UseTables, mysql_config, pg_config
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.exceptions import (
    LockTimeout,
    SerializationFailure,
    TransactionError,
    UniqueViolation,
    UnsafeIdentifierError,
    VivaceError,
)

TIMEOUT = 10  # seconds: the bound of every wait in this module


class Account(Table, tablename="tx_account"):
    name = Varchar(length=50, unique=True)
    balance = Integer(default=0)


class Boom(Exception):
    """Raised on purpose inside a transaction block."""


@pytest.fixture
async def other(db: Engine) -> AsyncIterator[Engine]:
    """A second engine on the same database, with connections of its own."""
    engine: Engine
    if isinstance(db, SQLiteEngine):
        engine = SQLiteEngine(path=db.path)
    elif isinstance(db, MySQLEngine):
        engine = MySQLEngine(config=mysql_config())
    else:
        engine = PostgresEngine(config=pg_config())
    yield engine
    await engine.close_connection_pool()


async def seen_by(engine: Engine) -> list[str]:
    """The names committed in tx_account, as another engine sees them."""
    rows = await engine.fetch_sql("SELECT name FROM tx_account ORDER BY name")
    return [row["name"] for row in rows]


async def names() -> list[str]:
    """The names as the current context sees them (joins its transaction, if any)."""
    rows = await Account.select(Account.name).order_by(Account.name)
    return [row["name"] for row in rows]


# commit and rollback -------------------------------------------------------------------------


async def test_commit_on_clean_exit(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    async with db.transaction():
        await Account.insert(Account(name="a"), Account(name="b"))
    assert await seen_by(other) == ["a", "b"]
    assert not db.transaction_exists()


async def test_rollback_on_exception(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    await Account.insert(Account(name="before"))
    error = Boom("stop")
    with pytest.raises(Boom) as raised:
        async with db.transaction():
            await Account.insert(Account(name="a"))
            await Account.update({Account.balance: 99}).where(Account.name == "before")
            raise error
    assert raised.value is error  # the block's exception comes out unchanged
    assert await seen_by(other) == ["before"]
    assert await names() == ["before"]
    rows = await Account.select(Account.balance).where(Account.name == "before")
    assert rows == [{"balance": 0}]


async def test_rollback_on_database_error(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    with pytest.raises(UniqueViolation):
        async with db.transaction():
            await Account.insert(Account(name="a"))
            await Account.insert(Account(name="a"))
    assert await names() == []
    # The engine is healthy afterwards.
    async with db.transaction():
        await Account.insert(Account(name="a"))
    assert await names() == ["a"]


async def test_explicit_commit_inside_block(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        await Account.insert(Account(name="a"))
        assert await seen_by(other) == []
        await t.commit()
        # Committed at that point, before the block ends.
        assert await seen_by(other) == ["a"]
        # The finished transaction refuses further use instead of running outside it.
        with pytest.raises(TransactionError):
            await Account.insert(Account(name="b"))
        with pytest.raises(TransactionError):
            await t.commit()
    assert await seen_by(other) == ["a"]
    assert not db.transaction_exists()
    await Account.insert(Account(name="c"))
    assert await names() == ["a", "c"]


async def test_explicit_rollback_inside_block(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        await Account.insert(Account(name="a"))
        assert await names() == ["a"]
        await t.rollback()
        with pytest.raises(TransactionError):
            await t.rollback()
    assert await seen_by(other) == []
    assert await names() == []
    async with db.transaction():
        await Account.insert(Account(name="b"))
    assert await seen_by(other) == ["b"]


# joining without being passed anything ----------------------------------------------------------


async def test_queries_join_the_transaction(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)

    async def deep_helper(name: str) -> None:
        # Knows nothing of the transaction, yet runs inside it.
        await Account.insert(Account(name=name))
        await Account.update({Account.balance: Account.balance + 5}).where(Account.name == name)

    async with db.transaction():
        assert db.transaction_exists()
        await deep_helper("a")
        account = await Account.objects().get(Account.name == "a")
        assert account is not None and account.balance == 5
        await Account.raw("INSERT INTO tx_account (name, balance) VALUES ({}, {})", "raw", 1)
        assert await names() == ["a", "raw"]
        assert await Account.count() == 2
        # Nothing is visible outside before the commit.
        assert await seen_by(other) == []
    assert await seen_by(other) == ["a", "raw"]


async def test_transaction_exists(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    assert not db.transaction_exists()
    async with db.transaction() as t:
        assert db.transaction_exists()
        assert db.current_transaction() is t

        async def probe() -> bool:
            return db.transaction_exists()

        # A task made inside the block inherits the transaction.
        assert await asyncio.wait_for(asyncio.create_task(probe()), TIMEOUT)
    assert not db.transaction_exists()
    assert db.current_transaction() is None


# nesting ------------------------------------------------------------------------------------


async def test_nested_transaction_joins_outer(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    async with db.transaction() as outer:
        await Account.insert(Account(name="outer"))
        async with db.transaction() as inner:
            assert inner is outer
            await Account.insert(Account(name="inner"))
        # The inner block's exit committed nothing.
        assert await seen_by(other) == []
        assert db.transaction_exists()
        assert await names() == ["inner", "outer"]
    assert await seen_by(other) == ["inner", "outer"]


async def test_exception_in_nested_rolls_everything_back(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    with pytest.raises(Boom):
        async with db.transaction():
            await Account.insert(Account(name="outer"))
            async with db.transaction():
                await Account.insert(Account(name="inner"))
                raise Boom
    assert await seen_by(other) == []
    assert await names() == []
    assert not db.transaction_exists()


async def test_allow_nested_false(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    # Alone it is an ordinary transaction.
    async with db.transaction(allow_nested=False):
        await Account.insert(Account(name="alone"))
    async with db.transaction():
        await Account.insert(Account(name="outer"))
        with pytest.raises(TransactionError):
            async with db.transaction(allow_nested=False):
                await Account.insert(Account(name="never"))
        # The outer transaction is untouched and still usable.
        assert db.transaction_exists()
        await Account.insert(Account(name="after"))
    assert await seen_by(other) == ["after", "alone", "outer"]


# savepoints ----------------------------------------------------------------------------------


async def test_savepoints(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        await Account.insert(Account(name="a"))
        sp = await t.savepoint()
        await Account.insert(Account(name="b"))
        await sp.rollback_to()
        assert await names() == ["a"]
        # The transaction goes on after a rollback to the savepoint.
        await Account.insert(Account(name="c"))
        kept = await t.savepoint()
        await Account.insert(Account(name="d"))
        await kept.release()
        assert kept.name != sp.name
        assert await seen_by(other) == []
    assert await seen_by(other) == ["a", "c", "d"]


async def test_named_savepoint(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        await Account.insert(Account(name="a"))
        sp = await t.savepoint("before_b")
        assert sp.name == "before_b"
        await Account.insert(Account(name="b"))
        await Account.delete().where(Account.name == "a")
        await sp.rollback_to()
        # Rolling back to it again is allowed: the savepoint stays until released.
        await Account.insert(Account(name="c"))
        await sp.rollback_to()
        await sp.release()
    assert await seen_by(other) == ["a"]


async def test_savepoint_rolls_back_after_failed_statement(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        await Account.insert(Account(name="a"))
        sp = await t.savepoint("guard")
        with pytest.raises(UniqueViolation):
            await Account.insert(Account(name="a"))
        # PostgreSQL aborts the transaction on an error; the savepoint recovers it.
        await sp.rollback_to()
        await Account.insert(Account(name="b"))
    assert await seen_by(other) == ["a", "b"]


@pytest.mark.parametrize(
    "bad_name",
    ["a; DROP TABLE x", 'x"; DROP TABLE tx_account; --', "with space", "1starts_with_digit", "a-b"],
)
async def test_invalid_savepoint_name(
    db: Engine, other: Engine, use_tables: UseTables, bad_name: str
) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        await Account.insert(Account(name="a"))
        with pytest.raises(UnsafeIdentifierError):
            await t.savepoint(bad_name)
        # Nothing reached the database: on PostgreSQL a failed statement would have
        # aborted the transaction and this insert would fail.
        await Account.insert(Account(name="b"))
    assert await seen_by(other) == ["a", "b"]
    assert await Account.table_exists()


async def test_savepoint_on_finished_transaction(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    async with db.transaction() as t:
        sp = await t.savepoint()
    with pytest.raises(TransactionError):
        await t.savepoint()
    with pytest.raises(TransactionError):
        await sp.rollback_to()
    with pytest.raises(TransactionError):
        await sp.release()


# atomic --------------------------------------------------------------------------------------


async def test_atomic_commits_all(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    atomic = db.atomic()
    atomic.add(
        Account.insert(Account(name="a")),
        Account.insert(Account(name="b")),
    )
    atomic.add(Account.update({Account.balance: 7}).where(Account.name == "b"))
    assert await seen_by(other) == []  # nothing runs before run()
    await atomic.run()
    assert await seen_by(other) == ["a", "b"]
    rows = await Account.select(Account.name, Account.balance).order_by(Account.name)
    assert rows == [{"name": "a", "balance": 0}, {"name": "b", "balance": 7}]


async def test_atomic_all_or_nothing(db: Engine, other: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Account)
    await Account.insert(Account(name="taken"))
    atomic = db.atomic()
    atomic.add(Account.insert(Account(name="first")), Account.insert(Account(name="taken")))
    with pytest.raises(UniqueViolation):
        await atomic.run()
    assert await seen_by(other) == ["taken"]
    assert not db.transaction_exists()
    # Awaiting the Atomic object runs it too.
    again = db.atomic()
    again.add(Account.insert(Account(name="second")))
    await again
    assert await seen_by(other) == ["second", "taken"]


# engine-specific options ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "blocks_other_writers"),
    [("deferred", False), ("immediate", True), ("exclusive", True), ("IMMEDIATE", True)],
)
async def test_sqlite_transaction_types(
    sqlite_db: SQLiteEngine, use_tables: UseTables, kind: str, blocks_other_writers: bool
) -> None:
    await use_tables(sqlite_db, Account)
    writer = SQLiteEngine(path=sqlite_db.path, busy_timeout=0.2)
    try:
        insert_other = "INSERT INTO tx_account (name, balance) VALUES ('other', 0)"
        async with sqlite_db.transaction(transaction_type=kind):
            if blocks_other_writers:
                # BEGIN IMMEDIATE / EXCLUSIVE took the write lock up front.
                with pytest.raises(LockTimeout):
                    await asyncio.wait_for(writer.fetch_sql(insert_other), TIMEOUT)
            else:
                # BEGIN DEFERRED takes no lock until the first statement.
                await asyncio.wait_for(writer.fetch_sql(insert_other), TIMEOUT)
            # WAL: readers are never blocked.
            assert await asyncio.wait_for(seen_by(writer), TIMEOUT) == (
                [] if blocks_other_writers else ["other"]
            )
            await Account.insert(Account(name=kind.lower()))
        expected = [kind.lower()] if blocks_other_writers else [kind.lower(), "other"]
        assert await seen_by(writer) == sorted(expected)
    finally:
        await writer.close_connection_pool()


async def test_sqlite_default_transaction_is_immediate(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, Account)
    writer = SQLiteEngine(path=sqlite_db.path, busy_timeout=0.2)
    try:
        async with sqlite_db.transaction():
            with pytest.raises(LockTimeout):
                await asyncio.wait_for(
                    writer.fetch_sql("INSERT INTO tx_account (name) VALUES ('x')"), TIMEOUT
                )
    finally:
        await writer.close_connection_pool()


@pytest.mark.parametrize("kind", ["bogus", "immediate; DROP TABLE tx_account", ""])
async def test_sqlite_invalid_transaction_type(
    sqlite_db: SQLiteEngine, use_tables: UseTables, kind: str
) -> None:
    await use_tables(sqlite_db, Account)
    with pytest.raises(TransactionError):
        async with sqlite_db.transaction(transaction_type=kind):
            await Account.insert(Account(name="never"))
    assert not sqlite_db.transaction_exists()
    assert await Account.count() == 0


async def test_postgres_isolation_levels(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, Account)

    async def setting(name: str) -> str:
        rows = await Account.raw(f"SHOW {name}")
        return str(rows[0][name])

    assert await setting("transaction_isolation") == "read committed"
    async with postgres_db.transaction(isolation_level="serializable"):
        assert await setting("transaction_isolation") == "serializable"
        await Account.insert(Account(name="s"))
    async with postgres_db.transaction(isolation_level="REPEATABLE READ"):
        assert await setting("transaction_isolation") == "repeatable read"
    async with postgres_db.transaction(read_only=True):
        assert await setting("transaction_read_only") == "on"
    # The session is back to its defaults afterwards.
    assert await setting("transaction_isolation") == "read committed"
    assert await Account.count() == 1
    with pytest.raises(TransactionError):
        postgres_db.transaction(isolation_level="serializable; DROP TABLE tx_account")


async def test_postgres_serializable_conflict(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    """Write skew between two serializable transactions: one of them must fail."""
    await use_tables(postgres_db, Account)
    await Account.insert(Account(name="x", balance=1), Account(name="y", balance=1))
    both_read = asyncio.Barrier(2)

    async def withdraw(name: str) -> None:
        async with postgres_db.transaction(isolation_level="serializable"):
            total = sum(r["balance"] for r in await Account.select(Account.balance))
            await asyncio.wait_for(both_read.wait(), TIMEOUT)
            if total >= 2:
                await Account.update({Account.balance: Account.balance - 2}).where(
                    Account.name == name
                )

    results = await asyncio.wait_for(
        asyncio.gather(withdraw("x"), withdraw("y"), return_exceptions=True), TIMEOUT
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], SerializationFailure)
    assert failures[0].code == "40001"
    balances = await Account.select(Account.balance).order_by(Account.name)
    assert sorted(r["balance"] for r in balances) == [-1, 1]


# tasks ---------------------------------------------------------------------------------------


async def test_task_outliving_its_transaction(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    go = asyncio.Event()

    async def late_writer() -> None:
        await asyncio.wait_for(go.wait(), TIMEOUT)
        await Account.insert(Account(name="late"))

    async def late_reader() -> None:
        await asyncio.wait_for(go.wait(), TIMEOUT)
        await Account.raw("SELECT 1")

    async with db.transaction():
        await Account.insert(Account(name="in"))
        writer = asyncio.create_task(late_writer())
        reader = asyncio.create_task(late_reader())
        await asyncio.sleep(0)
    go.set()
    with pytest.raises(TransactionError):
        await asyncio.wait_for(writer, TIMEOUT)
    with pytest.raises(TransactionError):
        await asyncio.wait_for(reader, TIMEOUT)
    assert await seen_by(other) == ["in"]
    assert await names() == ["in"]


async def test_concurrent_tasks_share_one_transaction(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)

    async def insert(i: int) -> None:
        await Account.insert(Account(name=f"n{i:02d}", balance=i))
        # A read between writes, from the same task, on the shared connection.
        assert await Account.exists().where(Account.name == f"n{i:02d}")

    async with db.transaction():
        await asyncio.wait_for(asyncio.gather(*(insert(i) for i in range(10))), TIMEOUT)
        assert await Account.count() == 10
        assert await seen_by(other) == []
    assert await seen_by(other) == [f"n{i:02d}" for i in range(10)]


async def test_concurrent_tasks_roll_back_together(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    with pytest.raises(Boom):
        async with db.transaction():
            await asyncio.wait_for(
                asyncio.gather(*(Account.insert(Account(name=f"n{i}")).run() for i in range(10))),
                TIMEOUT,
            )
            raise Boom
    assert await seen_by(other) == []


async def test_sibling_tasks_when_the_block_fails(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    """An error ends the block while sibling tasks are mid-statement in the transaction
    (``gather`` does not wait for the others): none of their writes may be committed,
    neither in the rolled-back transaction nor outside it."""
    await use_tables(db, Account)
    for attempt in range(5):
        siblings: list[asyncio.Task[Any]] = []

        async def fail_soon() -> None:
            await asyncio.sleep(0)
            raise Boom

        with pytest.raises(Boom):
            async with db.transaction():
                await Account.insert(Account(name=f"first{attempt}"))
                siblings = [
                    asyncio.create_task(Account.insert(Account(name=f"orm{attempt}-{i}")).run())
                    for i in range(3)
                ]
                siblings += [
                    asyncio.create_task(
                        Account.raw(
                            "INSERT INTO tx_account (name, balance) VALUES ({}, 0)",
                            f"raw{attempt}-{i}",
                        ).run()
                    )
                    for i in range(3)
                ]
                await asyncio.gather(*siblings, fail_soon())
        results = await asyncio.wait_for(asyncio.gather(*siblings, return_exceptions=True), TIMEOUT)
        for result in results:
            # Each sibling ran inside the doomed transaction or was refused cleanly.
            assert isinstance(result, list | VivaceError), repr(result)
        assert await seen_by(other) == []
        assert await names() == []
    async with db.transaction():
        await Account.insert(Account(name="after"))
    assert await seen_by(other) == ["after"]


async def test_sibling_queued_after_commit_is_refused(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    """A task still waiting for the transaction's connection when the block commits gets
    TransactionError, and its write does not run outside the transaction."""
    await use_tables(db, Account)
    slow = (
        "SELECT pg_sleep(0.3)"
        if db.engine_type == "postgres"
        else "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
        "SELECT count(*) FROM c"
    )

    async def late() -> None:
        await asyncio.sleep(0.05)  # the block is committing by now, behind the slow query
        await Account.insert(Account(name="late"))

    async with db.transaction():
        await Account.insert(Account(name="in"))
        slow_task = asyncio.create_task(Account.raw(slow).run())
        late_task = asyncio.create_task(late())
        await asyncio.sleep(0.01)
    await asyncio.wait_for(slow_task, TIMEOUT)
    with pytest.raises(TransactionError):
        await asyncio.wait_for(late_task, TIMEOUT)
    assert await seen_by(other) == ["in"]


async def test_atomic_inside_transaction_joins_it(
    db: Engine, other: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, Account)
    with pytest.raises(Boom):
        async with db.transaction():
            atomic = db.atomic()
            atomic.add(Account.insert(Account(name="a")))
            await atomic.run()
            assert db.transaction_exists()
            assert await seen_by(other) == []  # the atomic block did not commit on its own
            raise Boom
    assert await seen_by(other) == []
