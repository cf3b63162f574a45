"""``on_conflict(action="DO NOTHING")`` skips only rows that break a unique key, on every
engine: a row breaking a foreign key, NOT NULL or a CHECK is an error and nothing of the
statement stays, as on PostgreSQL.

On MariaDB DO NOTHING is ``INSERT IGNORE``, which on its own turns every one of those
errors into a warning (the row skipped, or stored with 0/''): the engine runs it guarded
(``vivace.engine.mysql_ignore``). These tests run on the three engines (``db``) so the
behaviour is proven the same; the cancellation and warning-count ones need MariaDB.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import UseTables, mysql_config
from vivace import Table
from vivace.columns import Check, ForeignKey, Integer, Varchar
from vivace.engine import Engine, MySQLEngine
from vivace.exceptions import (
    CheckViolation,
    DatabaseError,
    DataError,
    ForeignKeyViolation,
    NotNullViolation,
    UniqueViolation,
)


class OcManager(Table, tablename="oc_manager"):
    name = Varchar(length=50)


class OcBand(Table, tablename="oc_band"):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(OcManager)
    label = Varchar(length=20, default="none")
    popularity = Integer(default=0)
    popularity_positive = Check(popularity >= 0)


async def setup(db: Engine, use_tables: UseTables) -> OcManager:
    """A manager and the bands "Taken" and "Also taken"."""
    await use_tables(db, OcManager, OcBand)
    guido = OcManager(name="Guido")
    await guido.save()
    await OcBand.insert(OcBand(name="Taken", manager=guido), OcBand(name="Also taken"))
    return guido


async def names() -> list[str]:
    rows = await OcBand.select(OcBand.name).order_by(OcBand.name).output(as_list=True)
    return [str(name) for name in rows]


async def run(query: Any) -> Any:
    """``await query`` as a coroutine (for a task)."""
    return await query


def nothing(*rows: OcBand) -> Any:
    return OcBand.insert(*rows).on_conflict(action="DO NOTHING")


async def test_duplicates_skipped_others_inserted(db: Engine, use_tables: UseTables) -> None:
    guido = await setup(db, use_tables)
    fresh, other = OcBand(name="Fresh", manager=guido), OcBand(name="Other", popularity=3)
    result = await nothing(OcBand(name="Taken"), fresh, OcBand(name="Also taken"), other)
    # only the inserted rows come back, as on PostgreSQL (RETURNING) ...
    assert len(result) == 2
    assert await names() == ["Also taken", "Fresh", "Other", "Taken"]
    stored = await OcBand.select(OcBand.id).where(OcBand.name.is_in(["Fresh", "Other"]))
    assert sorted(r["id"] for r in result) == sorted(r["id"] for r in stored)
    # ... and a duplicate of the primary key is skipped as well
    taken = await OcBand.objects().get(OcBand.name == "Taken")
    assert taken is not None
    assert await nothing(OcBand(id=taken.id, name="Same id")) == []
    assert await OcBand.count() == 4
    # a single duplicate: nothing, no error; without DO NOTHING still an error
    assert await nothing(OcBand(name="Fresh")) == []
    with pytest.raises(UniqueViolation):
        await OcBand.insert(OcBand(name="Fresh"))


async def test_foreign_key_violation_raises(db: Engine, use_tables: UseTables) -> None:
    guido = await setup(db, use_tables)
    with pytest.raises(ForeignKeyViolation):
        await nothing(OcBand(name="Orphan", manager=999_999))
    assert await names() == ["Also taken", "Taken"]
    # one bad row among good ones and a duplicate: the whole statement fails
    with pytest.raises(ForeignKeyViolation):
        await nothing(
            OcBand(name="Good", manager=guido),
            OcBand(name="Taken"),
            OcBand(name="Orphan", manager=999_999),
            OcBand(name="Good too"),
        )
    assert await names() == ["Also taken", "Taken"]


async def test_not_null_violation_raises(db: Engine, use_tables: UseTables) -> None:
    await setup(db, use_tables)
    with pytest.raises(NotNullViolation):
        await nothing(OcBand(name="Nameless label", label=None))
    with pytest.raises(NotNullViolation):
        await nothing(OcBand(name="Good"), OcBand(name="Unknown", label=None))
    # MariaDB's IGNORE alone would have stored '' for the label
    assert await names() == ["Also taken", "Taken"]


async def test_check_violation_raises(db: Engine, use_tables: UseTables) -> None:
    await setup(db, use_tables)
    with pytest.raises(CheckViolation):
        await nothing(OcBand(name="Good"), OcBand(name="Negative", popularity=-1))
    assert await names() == ["Also taken", "Taken"]


async def test_in_a_transaction_earlier_work_is_kept(db: Engine, use_tables: UseTables) -> None:
    guido = await setup(db, use_tables)
    async with db.transaction() as transaction:
        await OcBand.insert(OcBand(name="Before", manager=guido))
        savepoint = await transaction.savepoint()
        with pytest.raises(ForeignKeyViolation):
            await nothing(OcBand(name="In between"), OcBand(name="Orphan", manager=999_999))
        await savepoint.rollback_to()
        with pytest.raises(NotNullViolation):
            await nothing(OcBand(name="Nameless label", label=None))
        await savepoint.rollback_to()
        assert len(await nothing(OcBand(name="Taken"), OcBand(name="After"))) == 1
        assert await nothing(OcBand(name="After")) == []
    assert await names() == ["After", "Also taken", "Before", "Taken"]


async def after_a_failure(db: Engine, failing: Any) -> list[str] | None:
    """The bands after a transaction that inserts "Before", runs ``failing()`` (a foreign
    key violation), then inserts "After"; None when the transaction could not go on."""
    try:
        async with db.transaction():
            await OcBand.insert(OcBand(name="Before"))
            with pytest.raises(ForeignKeyViolation):
                await failing()
            await OcBand.insert(OcBand(name="After"))
    except DatabaseError:
        return None
    result = await names()
    await OcBand.delete().where(OcBand.name.is_in(["Before", "After"]))
    return result


async def test_in_a_transaction_as_after_a_plain_insert(db: Engine, use_tables: UseTables) -> None:
    """A refused DO NOTHING leaves the transaction where a plain INSERT's same error does:
    on MariaDB and SQLite the statement alone is undone and the transaction goes on (the
    guard's savepoint), PostgreSQL aborts the transaction."""
    await setup(db, use_tables)
    orphan = OcBand(name="Orphan", manager=999_999)
    plain = await after_a_failure(db, lambda: OcBand.insert(orphan))
    guarded = await after_a_failure(db, lambda: nothing(OcBand(name="Good"), orphan))
    assert guarded == plain
    if db.engine_type == "postgres":
        assert guarded is None
    else:
        assert guarded == ["After", "Also taken", "Before", "Taken"]


async def test_outside_a_transaction_nothing_is_left(db: Engine, use_tables: UseTables) -> None:
    await setup(db, use_tables)
    with pytest.raises(ForeignKeyViolation):
        await nothing(OcBand(name="Good"), OcBand(name="Orphan", manager=999_999))
    assert not db.transaction_exists()
    # the next statements run on a connection in autocommit: seen by another transaction
    assert len(await nothing(OcBand(name="Next"))) == 1
    seen: list[str] = []

    async def look() -> None:
        async with db.transaction():
            seen.extend(await names())

    await asyncio.create_task(look())
    assert seen == ["Also taken", "Next", "Taken"]


async def test_many_duplicates_then_a_bad_row(db: Engine, use_tables: UseTables) -> None:
    """More duplicates than MariaDB keeps warnings for by default (64): the bad row's
    warning is still read."""
    await setup(db, use_tables)
    await OcBand.insert(*(OcBand(name=f"band {i}") for i in range(100)))
    duplicates = [OcBand(name=f"band {i}") for i in range(100)]
    assert await nothing(*duplicates, OcBand(name="New")) != []
    assert await OcBand.count() == 103
    duplicates = [OcBand(name=f"band {i}") for i in range(100)]
    with pytest.raises(ForeignKeyViolation):
        await nothing(*duplicates, OcBand(name="Orphan", manager=999_999))
    assert await OcBand.count() == 103


async def test_mysql_refusal_names_the_warning(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    await setup(mysql_db, use_tables)
    with pytest.raises(ForeignKeyViolation) as caught:
        await nothing(OcBand(name="Orphan", manager=999_999))
    assert caught.value.code == "1452"
    assert "foreign key constraint fails" in str(caught.value)
    assert "DO NOTHING" in str(caught.value)
    with pytest.raises(NotNullViolation) as null:
        await nothing(OcBand(name="Nameless label", label=None))
    assert null.value.code == "1048"


@pytest.fixture
async def mysql_flavour(mysql_db: MySQLEngine) -> AsyncIterator[MySQLEngine]:
    """An engine of the MySQL flavour (no RETURNING) on the same server; closed after the
    tables it was given are dropped (fixtures end in reverse order)."""
    engine = MySQLEngine(config=mysql_config(), flavour="mysql")
    yield engine
    await engine.close_connection_pool()


async def test_mysql_flavour_without_returning(
    mysql_flavour: MySQLEngine, use_tables: UseTables
) -> None:
    """The MySQL flavour (new keys from the last insert id) is guarded the same way."""
    guido = await setup(mysql_flavour, use_tables)
    with pytest.raises(ForeignKeyViolation):
        await nothing(OcBand(name="Good", manager=guido), OcBand(name="Bad", manager=999))
    assert await names() == ["Also taken", "Taken"]
    await nothing(OcBand(name="Taken"), OcBand(name="Good"))
    assert await names() == ["Also taken", "Good", "Taken"]
    row = OcBand(name="Alone")
    await nothing(row)
    assert await OcBand.exists().where(OcBand.id == row.id)


async def test_mysql_cancelled_mid_way_leaves_no_transaction(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    """A DO NOTHING insert cancelled while it waits for a lock: the transaction the guard
    opened for it does not stay open on a pooled connection."""
    await setup(mysql_db, use_tables)
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with mysql_db.transaction():
            await OcBand.insert(OcBand(name="Locked"))  # holds the unique key's lock
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    try:
        await locked.wait()
        waiting = asyncio.create_task(run(nothing(OcBand(name="Locked"))))
        await asyncio.sleep(0.3)  # time to reach the server and wait for the lock
        assert not waiting.done()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    finally:
        release.set()  # a failure above must not leave the holder waiting forever
        await holder
    for i in range(3):
        assert len(await nothing(OcBand(name=f"After {i}"))) == 1
        rows = await mysql_db.fetch_sql("SELECT @@in_transaction AS open")
        assert rows == [{"open": 0}]
    assert await names() == ["After 0", "After 1", "After 2", "Also taken", "Locked", "Taken"]


async def test_mysql_data_error_from_a_cut_value(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    """A value the column cannot hold, which Vivace's own checks do not see (the live
    column is narrower than the class says): IGNORE would cut it; the guard refuses it."""
    await setup(mysql_db, use_tables)
    await mysql_db.fetch_sql("ALTER TABLE oc_band MODIFY label VARCHAR(4) NOT NULL")
    with pytest.raises(DataError) as caught:
        await nothing(OcBand(name="Long label", label="much too long"))
    assert caught.value.code == "1265"
    assert await names() == ["Also taken", "Taken"]
