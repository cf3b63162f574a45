"""MariaDB through ``MySQLEngine``: what is particular to it, on the real server.

Exact round trips of every supported type, the error mapping, ``on_conflict`` as ``INSERT
IGNORE`` / ``ON DUPLICATE KEY UPDATE``, arrays refused, text compared as on PostgreSQL,
transactions (savepoints, isolation levels), ``batch()`` on an unbuffered cursor, the
last-insert-id path (``flavour="mysql"``), and connections interrupted mid-read.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import itertools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import UseTables, mysql_config
from vivace import Table
from vivace.columns import (
    JSON,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.engine import MySQLEngine
from vivace.exceptions import (
    CheckViolation,
    ConnectionLost,
    DataError,
    DeadlockDetected,
    ForeignKeyViolation,
    LockTimeout,
    NotNullViolation,
    PoolTimeout,
    ProgrammingError,
    QueryError,
    TransactionError,
    UniqueViolation,
)
from vivace.functions import Count, Length, Lower, Sum, Upper
from vivace.schema.defaults import DateNow, TimeNow

TIMEOUT = 10


class MyManager(Table, tablename="my_manager"):
    name = Varchar(length=50, unique=True)


class MyBand(Table, tablename="my_band"):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(MyManager)
    popularity = Integer(default=0)


class MyValues(Table, tablename="my_values"):
    text = Text(null=True)
    varchar = Varchar(length=20, null=True)
    integer = Integer(null=True)
    bigint = BigInt(null=True)
    smallint = SmallInt(null=True)
    boolean = Boolean(null=True)
    numeric = Numeric(digits=(30, 10), null=True)
    real = Real(null=True)
    double = DoublePrecision(null=True)
    timestamp = Timestamp(null=True)
    timestamptz = Timestamptz(null=True)
    date = Date(null=True)
    time = Time(null=True)
    interval = Interval(null=True)
    uuid = UUID(null=True)
    json = JSON(null=True)
    bytea = Bytea(null=True)


ROUND_TRIPS: list[tuple[str, Any]] = [
    ("text", "utf8mb4: 🎸 ünïcödé, 'quotes', \"double\", back\\slash, 100% \x01"),
    ("text", "x" * 100_000),
    ("varchar", "trailing spaces   "),
    ("integer", -(2**31)),
    ("integer", 2**31 - 1),
    ("bigint", -(2**63)),
    ("bigint", 2**63 - 1),
    ("smallint", -32768),
    ("boolean", True),
    ("boolean", False),
    ("numeric", decimal.Decimal("12345678901234567890.0123456789")),
    ("numeric", decimal.Decimal("-0.0000000001")),
    ("numeric", decimal.Decimal("1E+2")),
    ("real", 0.5),
    ("double", 1.0000000000000002),
    ("double", -1.7976931348623157e308),
    ("double", 5e-324),
    ("timestamp", datetime.datetime(2024, 2, 29, 23, 59, 59, 999999)),
    ("timestamp", datetime.datetime(1000, 1, 1)),
    (
        "timestamptz",
        datetime.datetime(2024, 6, 1, 12, 0, 0, 1, tzinfo=datetime.UTC),
    ),
    ("date", datetime.date(9999, 12, 31)),
    ("time", datetime.time(23, 59, 59, 999999)),
    ("time", datetime.time(0, 0)),
    ("interval", datetime.timedelta(days=-3, seconds=5, microseconds=7)),
    ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
    ("json", '{"a": [1, 2, {"b": null}]}'),
    ("bytea", bytes(range(256))),
]


@pytest.mark.parametrize(("column", "value"), ROUND_TRIPS)
async def test_values_round_trip_exactly(
    mysql_db: MySQLEngine, use_tables: UseTables, column: str, value: Any
) -> None:
    await use_tables(mysql_db, MyValues)
    row = MyValues(**{column: value})
    await MyValues.insert(row)
    [got] = await MyValues.select(getattr(MyValues, column)).where(MyValues.id == row.id)
    back = got[column]
    if column == "json":
        assert back is not None
    else:
        assert back == value and type(back) is type(value), (back, value)
    # The value finds its own row again (the comparison binds it the same way).
    assert await MyValues.count().where(getattr(MyValues, column) == value) == 1
    if column not in ("json", "bytea", "text"):
        assert await MyValues.count().where(getattr(MyValues, column).is_in([value])) == 1


async def test_aware_times_are_stored_in_utc(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyValues)
    paris = datetime.timezone(datetime.timedelta(hours=2))
    moment = datetime.datetime(2024, 6, 1, 14, 0, tzinfo=paris)
    await MyValues.insert(MyValues(timestamptz=moment))
    [row] = await MyValues.select(MyValues.timestamptz)
    assert row["timestamptz"] == moment and row["timestamptz"].tzinfo == datetime.UTC
    with pytest.raises(Exception, match=r"aware|naive|timezone"):
        await MyValues.insert(MyValues(timestamptz=datetime.datetime(2024, 1, 1)))


async def test_text_compares_as_on_postgres(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    """Case- and trailing-space-sensitive equality, LIKE and unique keys; ILIKE folds case."""
    await use_tables(mysql_db, MyManager)
    await MyManager.insert(MyManager(name="Guido"), MyManager(name="guido"), MyManager(name="a "))
    assert await MyManager.count().where(MyManager.name == "guido") == 1
    assert await MyManager.count().where(MyManager.name == "a") == 0
    assert await MyManager.count().where(MyManager.name.like("G%")) == 1
    assert await MyManager.count().where(MyManager.name.ilike("G%")) == 2
    assert await MyManager.count().where(MyManager.name.is_in(["Guido", "x"])) == 1
    assert await MyManager.count().where(MyManager.name.not_in(["Guido"])) == 2
    assert await MyManager.count().where(MyManager.name.is_in(())) == 0  # [] is refused
    assert await MyManager.count().where(MyManager.name.not_in(())) == 3
    rows = await MyManager.select(Upper(MyManager.name), Length(MyManager.name)).where(
        MyManager.name == "a "
    )
    assert rows == [{"upper": "A ", "length": 2}]
    assert await MyManager.select(Lower(MyManager.name)).where(MyManager.id == 1) == [
        {"lower": "guido"}
    ]


async def test_error_mapping(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyManager, MyBand)
    manager = MyManager(name="Guido")
    await manager.save()
    await MyBand.insert(MyBand(name="Pythonistas", manager=manager.id))
    with pytest.raises(UniqueViolation) as unique:
        await MyBand.insert(MyBand(name="Pythonistas", manager=manager.id))
    assert unique.value.code == "1062" and unique.value.__cause__ is not None
    with pytest.raises(ForeignKeyViolation):
        await MyBand.insert(MyBand(name="Orphans", manager=999))
    with pytest.raises(NotNullViolation):
        await mysql_db.fetch_sql("INSERT INTO my_manager (name) VALUES (NULL)")
    with pytest.raises(DataError):
        await MyBand.update({MyBand.popularity: 2**40}).where(MyBand.id == 1)
    with pytest.raises(DataError):
        await MyManager.insert(MyManager(name="x" * 51))
    with pytest.raises(ProgrammingError):
        await mysql_db.fetch_sql("SELECT * FROM no_such_table")
    await mysql_db.fetch_sql(
        "ALTER TABLE my_band ADD CONSTRAINT my_band_positive CHECK (popularity >= 0)"
    )
    with pytest.raises(CheckViolation):
        await MyBand.update({MyBand.popularity: -1}).where(MyBand.id == 1)


async def test_on_conflict(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyManager, MyBand)
    await MyManager.insert(MyManager(name="Guido"))
    await MyBand.insert(MyBand(name="a", manager=1, popularity=1))
    await MyBand.insert(MyBand(name="a", manager=1, popularity=2)).on_conflict(action="DO NOTHING")
    assert await MyBand.select(MyBand.popularity) == [{"popularity": 1}]
    await MyBand.insert(MyBand(name="a", manager=1, popularity=3)).on_conflict(
        target=MyBand.name, action="DO UPDATE", values=[MyBand.popularity]
    )
    assert await MyBand.select(MyBand.popularity) == [{"popularity": 3}]
    with pytest.raises(QueryError, match="where"):
        await MyBand.insert(MyBand(name="a", manager=1)).on_conflict(
            target=MyBand.name,
            action="DO UPDATE",
            values=[MyBand.popularity],
            where=MyBand.popularity > 0,
        )


async def test_arrays_are_refused_clearly(mysql_db: MySQLEngine) -> None:
    class MyTagged(Table, tablename="my_tagged", db=mysql_db):
        tags = Array(Varchar())

    with pytest.raises(QueryError, match="Array columns are not supported"):
        await MyTagged.create_table()


async def test_update_returning_is_refused_but_update_self_works(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    await use_tables(mysql_db, MyManager)
    manager = MyManager(name="a")
    await manager.save()
    with pytest.raises(QueryError, match="returning"):
        await (
            MyManager.update({MyManager.name: "b"})
            .where(MyManager.id == 1)
            .returning(MyManager.name)
        )
    await manager.update_self({MyManager.name: MyManager.name + "!"})
    assert manager.name == "a!"
    deleted = await MyManager.delete().where(MyManager.id == 1).returning(MyManager.name)
    assert deleted == [{"name": "a!"}]


async def test_transactions_savepoints_isolation(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    await use_tables(mysql_db, MyManager)
    async with mysql_db.transaction() as transaction:
        await MyManager.insert(MyManager(name="kept"))
        savepoint = await transaction.savepoint("before_oops")
        await MyManager.insert(MyManager(name="oops"))
        await savepoint.rollback_to()
    assert await MyManager.select(MyManager.name) == [{"name": "kept"}]
    with pytest.raises(RuntimeError):
        async with mysql_db.transaction(isolation_level="serializable"):
            await MyManager.insert(MyManager(name="gone"))
            raise RuntimeError("roll back")
    assert await MyManager.count() == 1
    async with mysql_db.transaction(read_only=True):
        assert await MyManager.count() == 1
    with pytest.raises(TransactionError):
        mysql_db.transaction(isolation_level="chaos")


async def test_window_functions_and_ctes(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyManager, MyBand)
    await MyManager.insert(MyManager(name="g"))
    await MyBand.insert(*(MyBand(name=f"b{i}", manager=1, popularity=i) for i in range(5)))
    rows = await MyBand.select(MyBand.name, Sum(MyBand.popularity).over(order_by=MyBand.id))
    assert [r["sum"] for r in rows] == [0, 1, 3, 6, 10]
    assert await MyBand.select(Count()).where(MyBand.manager.name == "g") == [{"count": 5}]


async def test_last_insert_id_flavour(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    """MySQL 8 has no RETURNING: keys come from the last insert id (run here on MariaDB)."""
    await use_tables(mysql_db, MyManager)
    engine = MySQLEngine(config=mysql_config(), flavour="mysql")
    MyManager._meta.db = engine
    try:
        rows = [MyManager(name=f"m{i}") for i in range(3)]
        await MyManager.insert(*rows)
        assert [r.id for r in rows] == [1, 2, 3]
        given = MyManager(id=10, name="given")
        await MyManager.insert(given)
        assert given.id == 10
        manager = MyManager(name="saved")
        await manager.save()
        assert manager.id == 11
        with pytest.raises(QueryError, match="returning"):
            await MyManager.insert(MyManager(name="r")).returning(MyManager.name)
        skipped = [MyManager(name="m0"), MyManager(name="new")]
        await MyManager.insert(*skipped).on_conflict(action="DO NOTHING")
        assert skipped[1].id is None  # which rows were skipped is unknown: no key guessed
        assert await MyManager.count() == 6
    finally:
        MyManager._meta.db = mysql_db
        await engine.close_connection_pool()


async def test_last_insert_id_keys_follow_the_servers_increment(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    """With ``auto_increment_increment`` above 1 (Galera, multi-primary setups) a multi-row
    insert's keys are that far apart: the rows get the keys the server gave them."""
    await use_tables(mysql_db, MyManager)
    engine = MySQLEngine(config=mysql_config(), flavour="mysql")
    MyManager._meta.db = engine
    try:
        # In a transaction: one connection, so the session's setting holds for the insert
        # (outside one, a connection whose session raw SQL changed is not reused).
        async with engine.transaction():
            await engine.fetch_sql("SET SESSION auto_increment_increment = 3")
            rows = [MyManager(name=f"m{i}") for i in range(4)]
            await MyManager.insert(*rows)
        stored = await MyManager.select(MyManager.id, MyManager.name).order_by(MyManager.id)
        assert [(r.id, r.name) for r in rows] == [(s["id"], s["name"]) for s in stored]
        ids = [s["id"] for s in stored]
        assert [b - a for a, b in itertools.pairwise(ids)] == [3, 3, 3]
        # The connection was reset after the transaction: the next insert, outside one,
        # steps by the server's own increment (1), not by the session's 3 read before.
        later = [MyManager(name=f"n{i}") for i in range(3)]
        await MyManager.insert(*later)
        stored = await MyManager.select(MyManager.id, MyManager.name).where(
            MyManager.name.like("n%")
        )
        assert sorted((r.id, r.name) for r in later) == sorted((s["id"], s["name"]) for s in stored)
    finally:
        MyManager._meta.db = mysql_db
        await engine.close_connection_pool()


async def test_many_rows_take_their_keys_from_the_last_insert_id_on_mariadb(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    """From 100 rows MariaDB inserts without ``RETURNING`` (``insert_rowids``): every row
    still gets the key the server stored for it, with the session's increment at 3 too;
    rows with keys given take the ``RETURNING`` path and keep them."""
    await use_tables(mysql_db, MyManager)
    sent: list[str] = []
    mysql_db.log_queries, mysql_db.log_responses = True, False
    real_log = mysql_db._log

    def log(sql: str, params: Any = None) -> None:
        sent.append(sql)

    mysql_db._log = log  # type: ignore[method-assign]
    try:
        rows = [MyManager(name=f"a{i}") for i in range(150)]
        result = await MyManager.insert(*rows)
        async with mysql_db.transaction():
            await mysql_db.fetch_sql("SET SESSION auto_increment_increment = 3")
            stepped = [MyManager(name=f"b{i}") for i in range(120)]
            await MyManager.insert(*stepped)
        given = [MyManager(id=10_000 + i, name=f"c{i}") for i in range(100)]
        await MyManager.insert(*given)
    finally:
        mysql_db.log_queries, mysql_db._log = False, real_log  # type: ignore[method-assign]
    inserts = [sql for sql in sent if sql.startswith("INSERT")]
    assert ["RETURNING" in sql for sql in inserts] == [False, False, True]
    assert result == [{"id": row.id} for row in rows]
    stored = await MyManager.select(MyManager.id, MyManager.name).order_by(MyManager.id)
    made = rows + stepped + given
    assert sorted((r.id, r.name) for r in made) == [(s["id"], s["name"]) for s in stored]
    assert [b.id - a.id for a, b in itertools.pairwise(stepped)] == [3] * 119
    assert all(row._exists_in_db for row in made)


async def test_batch_reads_in_chunks(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyManager)
    await MyManager.insert(*(MyManager(name=f"m{i:04d}") for i in range(250)))
    seen = []
    async with await MyManager.select(MyManager.name).order_by(MyManager.id).batch(100) as batch:
        async for chunk in batch:
            seen.append(len(chunk))
            # The loop body may query while the cursor holds its own connection.
            assert await MyManager.count() == 250
    assert seen == [100, 100, 50]
    # Stopped early: the half-read connection is discarded, the next query sees fresh rows.
    async with await MyManager.select(MyManager.name).batch(10) as batch:
        async for _chunk in batch:
            break
    assert await MyManager.count() == 250
    async with mysql_db.transaction():
        async with await MyManager.select(MyManager.name).batch(100) as batch:
            sizes = [len(chunk) async for chunk in batch]
        assert sizes == [100, 100, 50]


@pytest.fixture
async def small_pool(mysql_db: MySQLEngine) -> AsyncIterator[MySQLEngine]:
    engine = MySQLEngine(config={**mysql_config(), "max_size": 1}, acquire_timeout=5)
    yield engine
    await engine.close_connection_pool()


async def test_cancelled_read_never_hands_stale_rows_on(small_pool: MySQLEngine) -> None:
    """asyncmy 103: a read interrupted mid-result left its rows for the next query. The
    connection is discarded instead: the next query gets its own answer."""
    for delay in (0.0, 0.001, 0.005, 0.02):
        task = asyncio.create_task(
            small_pool.fetch_sql("SELECT SLEEP(0.05) AS s, seq FROM seq_1_to_20000")
        )
        await asyncio.sleep(delay)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await small_pool.fetch_sql("SELECT 42 AS answer") == [{"answer": 42}]


async def test_killed_connection_is_connection_lost_then_recovers(
    small_pool: MySQLEngine, mysql_db: MySQLEngine
) -> None:
    """The server ends the session mid-transaction: ConnectionLost naming the server, and
    the engine goes on with a new connection (an idle killed one is replaced unseen)."""
    with pytest.raises(ConnectionLost, match=r"127\.0\.0\.1:3306"):
        async with small_pool.transaction():
            rows = await small_pool.fetch_sql("SELECT CONNECTION_ID() AS id")
            await mysql_db.fetch_sql(f"KILL {int(rows[0]['id']):d}")
            await small_pool.fetch_sql("SELECT 1 AS one")
    assert await small_pool.fetch_sql("SELECT 2 AS two") == [{"two": 2}]
    rows = await small_pool.fetch_sql("SELECT CONNECTION_ID() AS id")
    await mysql_db.fetch_sql(f"KILL {int(rows[0]['id']):d}")
    assert await small_pool.fetch_sql("SELECT 3 AS three") == [{"three": 3}]


async def test_pool_exhaustion_is_pool_timeout(small_pool: MySQLEngine) -> None:
    small_pool.acquire_timeout = 0.2
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with small_pool.transaction():
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    with pytest.raises(PoolTimeout, match="max_size=1"):
        await small_pool.fetch_sql("SELECT 1 AS one")
    release.set()
    await asyncio.wait_for(holder, TIMEOUT)
    assert await small_pool.fetch_sql("SELECT 3 AS n") == [{"n": 3}]


async def test_lock_timeout_and_deadlock(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyManager)
    await MyManager.insert(MyManager(name="a"), MyManager(name="b"))
    other = MySQLEngine(config=mysql_config())
    try:
        locked, release = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with mysql_db.transaction():
                await MyManager.update({MyManager.name: "a1"}).where(MyManager.id == 1)
                locked.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await locked.wait()
        with pytest.raises(LockTimeout):
            async with other.transaction():
                await other.fetch_sql("SET SESSION innodb_lock_wait_timeout = 1")
                await other.fetch_sql("UPDATE my_manager SET name = 'x' WHERE id = 1")
        release.set()
        await holder

        first, second = asyncio.Event(), asyncio.Event()

        async def cross(
            engine: MySQLEngine, mine: int, theirs: int, me: asyncio.Event, them: asyncio.Event
        ) -> None:
            async with engine.transaction():
                await engine.fetch_sql(f"UPDATE my_manager SET name = 'p{mine}' WHERE id = {mine}")
                me.set()
                await them.wait()
                await engine.fetch_sql(
                    f"UPDATE my_manager SET name = 'q{theirs}' WHERE id = {theirs}"
                )

        results = await asyncio.gather(
            cross(mysql_db, 1, 2, first, second),
            cross(other, 2, 1, second, first),
            return_exceptions=True,
        )
        assert sum(isinstance(r, DeadlockDetected) for r in results) == 1, results
    finally:
        await other.close_connection_pool()


async def test_injection_attempts_are_values(mysql_db: MySQLEngine, use_tables: UseTables) -> None:
    await use_tables(mysql_db, MyManager)
    hostile = [
        "'; DROP TABLE my_manager; --",
        "\\'; DROP TABLE my_manager; --",
        "%s %% %(x)s",
        "\\",
        "`; DROP TABLE my_manager; --",
    ]
    await MyManager.insert(*(MyManager(name=h) for h in hostile))
    for text in hostile:
        assert await MyManager.count().where(MyManager.name == text) == 1
    assert sorted(r["name"] for r in await MyManager.select(MyManager.name)) == sorted(hostile)


async def test_date_and_time_now_are_database_defaults(
    mysql_db: MySQLEngine, use_tables: UseTables
) -> None:
    """A DateNow/TimeNow column gets MariaDB's own default, as on PostgreSQL: rows already
    in a table when it is added get today and the time of day (without one, MariaDB refused
    the DATE column's '0000-00-00' and filled the TIME one with 00:00:00)."""
    await use_tables(mysql_db, MyManager)
    await MyManager.insert(MyManager(name="before"))
    before = datetime.datetime.now(tz=datetime.UTC)  # sessions run in UTC
    await MyManager.alter().add_column("day", Date(default=DateNow()))
    await MyManager.alter().add_column("at", Time(default=TimeNow()))
    after = datetime.datetime.now(tz=datetime.UTC)
    [row] = await MyManager.raw("SELECT day, at FROM my_manager")
    assert row["day"] in (before.date(), after.date())
    at = datetime.datetime.combine(row["day"], datetime.time()) + row["at"]  # TIME: a timedelta
    assert before.replace(tzinfo=None, microsecond=0) <= at <= after.replace(tzinfo=None)
    live = (await mysql_db.introspect(tablenames=["my_manager"])).by_tablename("my_manager")
    assert live is not None
    defaults = {c.name: c.param("default") for c in live.columns}
    assert (defaults["day"], defaults["at"]) == (DateNow(), TimeNow())


async def test_a_missing_driver_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's install has no asyncmy: the first query said only "No module named
    'asyncmy'"."""
    import sys

    from vivace.exceptions import ConfigurationError

    monkeypatch.setitem(sys.modules, "asyncmy", None)  # as if it were not installed
    engine = MySQLEngine(config=mysql_config())
    with pytest.raises(ConfigurationError, match=r"pip install 'vivace\[mysql\]'"):
        await engine.start_connection_pool()


def test_server_notes_are_not_printed(mysql_db: MySQLEngine) -> None:
    """asyncmy logs each warning the server reports; with no logging configured Python
    printed them on stderr ("Unknown table ..." for every DROP TABLE IF EXISTS: eight
    lines at the top of `vivace playground run --engine=mysql`). An application that
    configures logging still gets them."""
    import subprocess
    import sys

    script = (
        "import asyncio\n"
        "from vivace.engine import MySQLEngine\n"
        f"engine = MySQLEngine(config={mysql_config()!r})\n"
        "async def main():\n"
        "    await engine.execute_ddl(['DROP TABLE IF EXISTS vivace_no_such_table'])\n"
        "    await engine.close_connection_pool()\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Unknown table" not in done.stderr
