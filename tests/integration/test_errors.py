"""Errors: one hierarchy on every engine, the driver's error kept as ``__cause__``.

Every failed statement changes nothing and leaves the engine usable; malformed queries
and unsafe identifiers are refused before any SQL reaches the database.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncmy.errors
import asyncpg
import pytest

from tests.conftest import PG_USER, UseTables
from vivace import Table, create_table_class
from vivace.columns import BigInt, Check, ForeignKey, Integer, OnDelete, SmallInt, Varchar
from vivace.engine import Engine, PostgresEngine
from vivace.exceptions import (
    CheckViolation,
    ConnectionLost,
    ConnectionRefused,
    DatabaseError,
    DataError,
    ForeignKeyViolation,
    IntegrityError,
    InvalidValue,
    NotNullViolation,
    OperationalError,
    ProgrammingError,
    QueryError,
    QueryTimeout,
    UniqueViolation,
    UnsafeIdentifierError,
    VivaceError,
)

#: asyncmy's class for every constraint the server refuses (the error number tells which).
MY_INTEGRITY = asyncmy.errors.IntegrityError


class ErrManager(Table, tablename="errors_manager"):
    name = Varchar(length=50, unique=True)


class ErrBand(Table, tablename="errors_band"):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(ErrManager, on_delete=OnDelete.restrict)
    popularity = Integer()
    label = Varchar(length=20)
    small = SmallInt(default=0)
    big = BigInt(default=0)
    popularity_positive = Check(popularity >= 0)


class ErrNeverCreated(Table, tablename="errors_never_created"):
    name = Varchar()


# --- helpers -----------------------------------------------------------------------------------


async def snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    managers = await ErrManager.select().order_by(ErrManager.id)
    bands = await ErrBand.select().order_by(ErrBand.id)
    return managers, bands


async def setup(db: Engine, use_tables: UseTables) -> tuple[ErrManager, ErrBand]:
    await use_tables(db, ErrManager, ErrBand)
    guido = ErrManager(name="Guido")
    await guido.save()
    band = ErrBand(name="Pythonistas", manager=guido, popularity=10, label="first")
    await band.save()
    return guido, band


def assert_driver_cause(
    db: Engine, error: BaseException, postgres: type, sqlite: type, mysql: type
) -> None:
    """The original driver exception is kept, of the driver's own type."""
    cause = error.__cause__
    assert cause is not None, f"{error!r} has no __cause__"
    assert not isinstance(cause, VivaceError)
    expected = {"postgres": postgres, "sqlite": sqlite, "mysql": mysql}[db.engine_type]
    assert isinstance(cause, expected), repr(cause)


async def assert_usable(db: Engine) -> None:
    """The engine runs statements after the error (the connection was not left broken)."""
    assert db.transaction_exists() is False
    assert await ErrManager.count() >= 0
    probe = ErrManager(name="probe-after-error")
    await probe.save()
    assert await ErrManager.exists().where(ErrManager.name == "probe-after-error")
    await probe.remove()


@contextmanager
def no_sql_sent(db: Engine, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails if the engine logs any statement inside the block (it logs each one it sends)."""
    previous = db.log_queries
    db.log_queries = True
    caplog.clear()
    try:
        with caplog.at_level(logging.DEBUG, logger="vivace.engine"):
            yield
    finally:
        db.log_queries = previous
    sent = [r.getMessage() for r in caplog.records if r.name == "vivace.engine"]
    assert sent == [], f"SQL was sent: {sent}"


# --- integrity errors --------------------------------------------------------------------------


async def test_unique_violation(db: Engine, use_tables: UseTables) -> None:
    guido, _ = await setup(db, use_tables)
    before = await snapshot()

    with pytest.raises(UniqueViolation) as caught:
        await ErrBand.insert(ErrBand(name="Pythonistas", manager=guido, popularity=1))
    error = caught.value
    assert isinstance(error, IntegrityError) and isinstance(error, DatabaseError)
    assert isinstance(error, VivaceError)
    assert_driver_cause(
        db, error, asyncpg.UniqueViolationError, sqlite3.IntegrityError, MY_INTEGRITY
    )
    assert error.code in ("23505", "SQLITE_CONSTRAINT_UNIQUE", "1062")
    assert await snapshot() == before
    await assert_usable(db)

    # several rows in one statement: the good one is not written either
    fresh = ErrBand(name="Fresh", manager=guido, popularity=1)
    duplicate = ErrBand(name="Pythonistas", manager=guido, popularity=2)
    with pytest.raises(UniqueViolation):
        await ErrBand.insert(fresh, duplicate)
    assert await snapshot() == before

    # an update into a taken value
    await ErrBand.insert(ErrBand(name="Second", manager=guido, popularity=3))
    before = await snapshot()
    with pytest.raises(UniqueViolation):
        await ErrBand.update({ErrBand.name: "Pythonistas"}).where(ErrBand.name == "Second")
    with pytest.raises(UniqueViolation):
        await ErrBand.update({ErrBand.name: "Same"}, force=True)
    assert await snapshot() == before
    await assert_usable(db)


async def test_primary_key_violation(db: Engine, use_tables: UseTables) -> None:
    guido, band = await setup(db, use_tables)
    before = await snapshot()
    with pytest.raises(UniqueViolation) as caught:
        await ErrManager.insert(ErrManager(id=guido.id, name="Other"))
    assert_driver_cause(
        db, caught.value, asyncpg.UniqueViolationError, sqlite3.IntegrityError, MY_INTEGRITY
    )
    with pytest.raises(UniqueViolation):
        await ErrBand.insert(ErrBand(id=band.id, name="Other", manager=guido, popularity=1))
    assert await snapshot() == before
    await assert_usable(db)


async def test_foreign_key_violation(db: Engine, use_tables: UseTables) -> None:
    guido, band = await setup(db, use_tables)
    before = await snapshot()

    with pytest.raises(ForeignKeyViolation) as caught:
        await ErrBand.insert(ErrBand(name="Orphans", manager=999_999, popularity=1))
    error = caught.value
    assert isinstance(error, IntegrityError) and isinstance(error, DatabaseError)
    assert_driver_cause(
        db, error, asyncpg.ForeignKeyViolationError, sqlite3.IntegrityError, MY_INTEGRITY
    )
    assert await snapshot() == before
    await assert_usable(db)

    with pytest.raises(ForeignKeyViolation):
        await ErrBand.update({ErrBand.manager: 999_999}).where(ErrBand.id == band.id)
    assert await snapshot() == before

    # the manager is still referenced (ON DELETE RESTRICT)
    with pytest.raises(ForeignKeyViolation) as caught:
        await guido.remove()
    assert_driver_cause(
        db, caught.value, asyncpg.ForeignKeyViolationError, sqlite3.IntegrityError, MY_INTEGRITY
    )
    with pytest.raises(ForeignKeyViolation):
        await ErrManager.delete().where(ErrManager.id == guido.id)
    assert await snapshot() == before
    await assert_usable(db)


async def test_not_null_violation(db: Engine, use_tables: UseTables) -> None:
    guido, band = await setup(db, use_tables)
    before = await snapshot()

    with pytest.raises(NotNullViolation) as caught:
        await ErrBand.insert(ErrBand(name="Nameless", manager=guido, popularity=1, label=None))
    error = caught.value
    assert isinstance(error, IntegrityError) and isinstance(error, DatabaseError)
    assert_driver_cause(
        db, error, asyncpg.NotNullViolationError, sqlite3.IntegrityError, MY_INTEGRITY
    )
    assert error.code in ("23502", "SQLITE_CONSTRAINT_NOTNULL", "1048")
    assert await snapshot() == before
    await assert_usable(db)

    with pytest.raises(NotNullViolation):
        await ErrBand.update({ErrBand.popularity: None}).where(ErrBand.id == band.id)
    with pytest.raises(NotNullViolation):
        await ErrManager.insert(ErrManager(name=None))
    assert await snapshot() == before
    await assert_usable(db)


async def test_check_violation(db: Engine, use_tables: UseTables) -> None:
    guido, _ = await setup(db, use_tables)
    await ErrBand.insert(ErrBand(name="Big", manager=guido, popularity=1000, label="big"))
    before = await snapshot()

    with pytest.raises(CheckViolation) as caught:
        await ErrBand.insert(ErrBand(name="Negative", manager=guido, popularity=-1))
    error = caught.value
    assert isinstance(error, IntegrityError) and isinstance(error, DatabaseError)
    assert_driver_cause(
        db,
        error,
        asyncpg.CheckViolationError,
        sqlite3.IntegrityError,
        asyncmy.errors.OperationalError,  # asyncmy's class for MariaDB's error 4025
    )
    assert error.code in ("23514", "SQLITE_CONSTRAINT_CHECK", "4025")
    assert await snapshot() == before
    await assert_usable(db)

    # one row of the two would break the check: neither changes
    with pytest.raises(CheckViolation):
        await ErrBand.update({ErrBand.popularity: ErrBand.popularity - 100}, force=True)
    assert await snapshot() == before
    await assert_usable(db)


async def test_failed_statement_in_transaction_rolls_it_back(
    db: Engine, use_tables: UseTables
) -> None:
    guido, _ = await setup(db, use_tables)
    before = await snapshot()
    with pytest.raises(UniqueViolation):
        async with ErrBand._meta.db.transaction():
            await ErrBand.insert(ErrBand(name="Inside", manager=guido, popularity=1))
            await ErrManager.insert(ErrManager(name="Guido"))
    assert await snapshot() == before
    await assert_usable(db)


async def test_value_out_of_range_is_refused_before_sending(
    db: Engine, use_tables: UseTables
) -> None:
    """Issue 11: a value that does not fit its column is refused on every engine alike,
    before anything is sent (no driver error behind it), and changes nothing."""
    _, band = await setup(db, use_tables)
    before = await snapshot()
    with pytest.raises(InvalidValue, match=r"errors_band\.big expects an int from") as caught:
        await ErrBand.update({ErrBand.big: 2**63}).where(ErrBand.id == band.id)
    assert isinstance(caught.value, DataError)
    assert caught.value.__cause__ is None
    with pytest.raises(InvalidValue):
        await ErrBand.insert(ErrBand(name="Huge", popularity=1, big=-(2**63) - 1))
    with pytest.raises(InvalidValue, match=r"errors_band\.big"):
        async with db.transaction():
            await ErrBand.update({ErrBand.popularity: 11}).where(ErrBand.id == band.id)
            await ErrBand.insert(ErrBand(name="Huge", popularity=1, big=2**64))
    with pytest.raises(InvalidValue, match=r"errors_band\.label .* at most 20"):
        await ErrBand.update({ErrBand.label: "x" * 21}).where(ErrBand.id == band.id)
    with pytest.raises(InvalidValue, match=r"errors_band\.small"):
        await ErrBand.update({ErrBand.small: 2**15}).where(ErrBand.id == band.id)
    assert await snapshot() == before
    await assert_usable(db)


async def test_postgres_value_errors(postgres_db: Engine, use_tables: UseTables) -> None:
    """What only the database can see (an overflow computed by SQL) is its DataError,
    with the driver's exception as the cause."""
    _, band = await setup(postgres_db, use_tables)
    before = await snapshot()
    with pytest.raises(DataError) as caught:
        await ErrBand.update({ErrBand.popularity: ErrBand.popularity + (2**31 - 1)}).where(
            ErrBand.id == band.id
        )
    assert not isinstance(caught.value, InvalidValue)
    assert isinstance(caught.value.__cause__, asyncpg.NumericValueOutOfRangeError)
    assert await snapshot() == before
    await assert_usable(postgres_db)


# --- statements the database refuses ---------------------------------------------------------


async def test_missing_table_is_a_programming_error(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, ErrManager)
    ErrNeverCreated._meta.db = db
    try:
        with pytest.raises(ProgrammingError) as caught:
            await ErrNeverCreated.select()
        assert isinstance(caught.value, DatabaseError)
        assert not isinstance(caught.value, IntegrityError)
        assert "errors_never_created" in str(caught.value)
        assert_driver_cause(
            db,
            caught.value,
            asyncpg.UndefinedTableError,
            sqlite3.OperationalError,
            asyncmy.errors.ProgrammingError,
        )
        await assert_usable(db)
        with pytest.raises(ProgrammingError):
            await ErrNeverCreated.insert(ErrNeverCreated(name="x"))
        with pytest.raises(ProgrammingError):
            await ErrNeverCreated.raw("SELECT * FROM errors_never_created")
        await assert_usable(db)
        assert await ErrNeverCreated.table_exists() is False
    finally:
        ErrNeverCreated._meta.db = None


# --- refused before any SQL is sent --------------------------------------------------------------


async def test_unsafe_identifiers(
    db: Engine, use_tables: UseTables, caplog: pytest.LogCaptureFixture
) -> None:
    await setup(db, use_tables)
    before = await snapshot()
    with no_sql_sent(db, caplog):
        # table and column names over 63 bytes (PostgreSQL would truncate them silently)
        with pytest.raises(UnsafeIdentifierError):
            create_table_class("TooLong", class_kwargs={"tablename": "t" * 64, "db": db})
        with pytest.raises(UnsafeIdentifierError):
            create_table_class(
                "TooLongUnicode", class_kwargs={"tablename": "é" * 32, "db": db}
            )  # 32 characters, 64 bytes
        with pytest.raises(UnsafeIdentifierError):
            create_table_class(
                "LongColumn",
                class_kwargs={"tablename": "errors_long_column", "db": db},
                class_members={"c" * 64: Integer()},
            )
        with pytest.raises(UnsafeIdentifierError):
            Integer(db_column_name="x" * 64)
        # names with NUL
        with pytest.raises(UnsafeIdentifierError):
            create_table_class("Nul", class_kwargs={"tablename": "bad\x00name", "db": db})
        with pytest.raises(UnsafeIdentifierError):
            Integer(db_column_name="bad\x00name")
        # at run time: every alteration is checked before the first one runs
        with pytest.raises(UnsafeIdentifierError):
            await ErrBand.alter().add_column("extra", Integer()).rename_column("extra", "e" * 64)
        with pytest.raises(UnsafeIdentifierError):
            await ErrBand.alter().rename_column(ErrBand.label, "bad\x00name")
        with pytest.raises(UnsafeIdentifierError):
            await ErrBand.alter().rename_table("b" * 64)
        with pytest.raises(UnsafeIdentifierError):
            await ErrBand.alter().add_column("n\x00", Integer())
        with pytest.raises(UnsafeIdentifierError):
            await ErrBand.select(ErrBand.name.as_alias("a" * 64))
    # an UnsafeIdentifierError is a QueryError (refused before the database is asked)
    assert issubclass(UnsafeIdentifierError, QueryError)
    assert not issubclass(UnsafeIdentifierError, DatabaseError)
    assert await snapshot() == before
    assert await ErrBand.select(ErrBand.label).first() == {"label": "first"}


# Exactly 63 bytes of table name, column name and alias: allowed.
LONGEST = "c" * 63
ErrLongestName = create_table_class(
    "ErrLongestName",
    class_kwargs={"tablename": "errors_" + "n" * 56},
    class_members={LONGEST: Integer(), "other": Integer(db_column_name="d" * 63)},
)


async def test_longest_safe_identifiers_work(db: Engine, use_tables: UseTables) -> None:
    assert len(ErrLongestName._meta.tablename.encode()) == 63
    await use_tables(db, ErrLongestName)
    column = ErrLongestName._meta.get_column_by_name(LONGEST)
    other = ErrLongestName._meta.get_column_by_name("other")
    await ErrLongestName.insert(ErrLongestName(**{LONGEST: 7, "other": 8}))
    # The db_column_name is the result key, as in Piccolo.
    assert await ErrLongestName.select(column, other) == [{LONGEST: 7, "d" * 63: 8}]
    assert await ErrLongestName.select(column.as_alias("v" * 63)) == [{"v" * 63: 7}]


async def test_update_and_delete_need_where_or_force(
    db: Engine, use_tables: UseTables, caplog: pytest.LogCaptureFixture
) -> None:
    guido, _ = await setup(db, use_tables)
    await ErrBand.insert(ErrBand(name="Second", manager=guido, popularity=20, label="second"))
    before = await snapshot()
    with no_sql_sent(db, caplog):
        with pytest.raises(QueryError, match="force=True"):
            await ErrBand.update({ErrBand.popularity: 0})
        with pytest.raises(QueryError):
            await ErrBand.update(popularity=0)
        with pytest.raises(QueryError):
            await ErrBand.update({ErrBand.popularity: 0}).returning(ErrBand.id)
        with pytest.raises(QueryError, match="force=True"):
            await ErrBand.delete()
        with pytest.raises(QueryError):
            await ErrBand.delete().returning(ErrBand.id)
        with pytest.raises(QueryError):
            await ErrManager.delete()
    assert await snapshot() == before
    assert not isinstance(QueryError("x"), DatabaseError)

    # with force=True they do run
    assert await ErrBand.update({ErrBand.popularity: 0}, force=True) == []
    assert await ErrBand.select(ErrBand.popularity).output(as_list=True) == [0, 0]
    await ErrBand.delete(force=True)
    assert await ErrBand.count() == 0


async def test_bare_bool_in_where_is_refused(
    db: Engine, use_tables: UseTables, caplog: pytest.LogCaptureFixture
) -> None:
    await setup(db, use_tables)
    before = await snapshot()
    with no_sql_sent(db, caplog):
        with pytest.raises(QueryError):
            ErrBand.select().where(True)
        with pytest.raises(QueryError):
            ErrBand.select().where(False)
        with pytest.raises(QueryError):
            ErrBand.select().where(ErrBand.name is None)  # a Python bool, not IS NULL
        with pytest.raises(QueryError):
            ErrBand.select().where(ErrBand.name == "Pythonistas", True)
        with pytest.raises(QueryError):
            ErrBand.delete().where(ErrBand.manager is not None)
        with pytest.raises(QueryError):
            ErrBand.update({ErrBand.popularity: 0}).where(True)
        with pytest.raises(QueryError):
            ErrBand.objects().where(False)
        with pytest.raises(QueryError):
            ErrBand.count().where(True)
    assert await snapshot() == before
    assert await ErrBand.count().where(ErrBand.name == None) == 0  # noqa: E711


# --- PostgreSQL: connections and timeouts -------------------------------------------------------


async def test_postgres_closed_port_is_connection_refused(postgres_db: Engine) -> None:
    engine = PostgresEngine(
        config={"host": "127.0.0.1", "port": 1, "user": PG_USER, "database": "postgres"}
    )
    ErrNeverCreated._meta.db = engine
    try:
        with pytest.raises(ConnectionRefused) as caught:
            await ErrNeverCreated.select()
        error = caught.value
        assert isinstance(error, OperationalError) and isinstance(error, DatabaseError)
        assert not isinstance(error, ConnectionLost)  # it never connected: nothing was lost
        assert "127.0.0.1" in str(error) and ":1" in str(error)
        assert isinstance(error.__cause__, OSError)
        with pytest.raises(ConnectionRefused, match=r"127\.0\.0\.1:1"):
            await engine.get_version()
    finally:
        ErrNeverCreated._meta.db = None
        await engine.close_connection_pool()
    # the real engine is not affected
    assert await postgres_db.get_version() >= 12


async def test_postgres_statement_timeout(postgres_db: Engine, use_tables: UseTables) -> None:
    await setup(postgres_db, use_tables)
    before = await snapshot()
    with pytest.raises(QueryTimeout) as caught:
        async with postgres_db.transaction():
            await ErrBand.insert(ErrBand(name="Doomed", popularity=1))
            await ErrBand.raw("SET LOCAL statement_timeout = 50")
            await ErrBand.raw("SELECT pg_sleep(1)")
    error = caught.value
    assert isinstance(error, OperationalError) and isinstance(error, DatabaseError)
    assert isinstance(error.__cause__, asyncpg.QueryCanceledError)
    assert error.code == "57014"
    # the transaction was rolled back, and its setting did not outlive it
    assert await snapshot() == before
    await assert_usable(postgres_db)
    for _ in range(3):  # whichever pooled connection answers
        assert await ErrBand.raw("SHOW statement_timeout") == [{"statement_timeout": "0"}]
    assert await ErrBand.raw("SELECT pg_sleep(0.1)::text AS slept") == [{"slept": ""}]
