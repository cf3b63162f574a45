"""Engines on real databases: pools, timeouts, versions, nodes, configuration, SQLite specifics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import UseTables, pg_config
from vivace import Table, create_db_tables, drop_db_tables, run_sync
from vivace.columns import ForeignKey, Integer, Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine, engine_finder
from vivace.exceptions import (
    ConfigurationError,
    ConnectionLost,
    ForeignKeyViolation,
    PoolTimeout,
)
from vivace.query import QueryString

TIMEOUT = 10  # seconds: the bound of every wait in this module


class Item(Table, tablename="eng_item"):
    name = Varchar(length=50)
    size = Integer(default=0)


class Owner(Table, tablename="eng_owner"):
    name = Varchar(length=50)


class Pet(Table, tablename="eng_pet"):
    name = Varchar(length=50)
    owner = ForeignKey(Owner)


# Two classes on one table, bound to two engines on the same SQLite file.
class WriteA(Table, tablename="eng_write"):
    name = Varchar(length=50, unique=True)


class WriteB(Table, tablename="eng_write"):
    name = Varchar(length=50, unique=True)


@contextlib.asynccontextmanager
async def bound(engine: Engine, *tables: type[Table], create: bool = True) -> AsyncIterator[None]:
    """Bind ``tables`` to an engine made by the test (and create them); undone after."""
    previous = [table._meta._db for table in tables]
    for table in tables:
        table._meta.db = engine
    try:
        if create:
            await drop_db_tables(*tables)
            await create_db_tables(*tables)
        yield
    finally:
        try:
            if create:
                await drop_db_tables(*tables)
        finally:
            for table, old in zip(tables, previous, strict=True):
                table._meta.db = old


async def sessions_named(observer: PostgresEngine, application_name: str) -> int:
    rows = await observer.fetch_sql(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1",
        [application_name],
    )
    return int(rows[0]["n"])


async def wait_for_sessions(observer: PostgresEngine, name: str, expected: int) -> None:
    deadline = time.monotonic() + 3
    while (count := await sessions_named(observer, name)) != expected:
        assert time.monotonic() < deadline, f"{count} sessions named {name}, expected {expected}"
        await asyncio.sleep(0.02)


def named_config(application_name: str, **extra: Any) -> dict[str, Any]:
    return {**pg_config(), "server_settings": {"application_name": application_name}, **extra}


# PostgreSQL pool --------------------------------------------------------------------------------


async def test_pg_pool_is_lazy(postgres_db: PostgresEngine) -> None:
    engine = PostgresEngine(config=named_config("vivace_lazy"))
    try:
        assert engine._pool is None
        await asyncio.sleep(0.05)
        assert await sessions_named(postgres_db, "vivace_lazy") == 0
        assert await engine.fetch_sql("SELECT 1 AS one") == [{"one": 1}]
        assert engine._pool is not None
        assert await sessions_named(postgres_db, "vivace_lazy") >= 1
    finally:
        await engine.close_connection_pool()
    await wait_for_sessions(postgres_db, "vivace_lazy", 0)


async def test_pg_start_close_and_reuse(postgres_db: PostgresEngine) -> None:
    engine = PostgresEngine(config=named_config("vivace_startclose"))
    try:
        await engine.start_connection_pool(min_size=2, max_size=3)
        await wait_for_sessions(postgres_db, "vivace_startclose", 2)
        await engine.start_connection_pool()  # already started: no second pool
        await wait_for_sessions(postgres_db, "vivace_startclose", 2)
        await engine.close_connection_pool()
        await wait_for_sessions(postgres_db, "vivace_startclose", 0)
        await engine.close_connection_pool()  # closing twice is harmless
        # Used again after close: a new pool is made on demand.
        assert await engine.fetch_sql("SELECT 2 AS two") == [{"two": 2}]
        async with engine.transaction():
            assert await engine.fetch_sql("SELECT 3 AS three") == [{"three": 3}]
        await wait_for_sessions(postgres_db, "vivace_startclose", 1)
    finally:
        await engine.close_connection_pool()
    await wait_for_sessions(postgres_db, "vivace_startclose", 0)


async def test_pg_acquire_timeout(postgres_db: PostgresEngine) -> None:
    engine = PostgresEngine(config={**pg_config(), "max_size": 1}, acquire_timeout=0.2)
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with engine.transaction():
            await engine.fetch_sql("SELECT 1")
            holding.set()
            await asyncio.wait_for(release.wait(), TIMEOUT)

    try:
        task = asyncio.create_task(holder())
        await asyncio.wait_for(holding.wait(), TIMEOUT)
        begin = time.monotonic()
        with pytest.raises(PoolTimeout) as raised:
            await asyncio.wait_for(engine.fetch_sql("SELECT 2"), TIMEOUT)
        assert 0.15 <= time.monotonic() - begin < 2
        assert "0.2" in str(raised.value) and "max_size=1" in str(raised.value)
        with pytest.raises(PoolTimeout):
            async with engine.transaction():
                pass
        release.set()
        await asyncio.wait_for(task, TIMEOUT)
        assert await asyncio.wait_for(engine.fetch_sql("SELECT 3 AS n"), TIMEOUT) == [{"n": 3}]
    finally:
        release.set()
        await asyncio.wait_for(engine.close_connection_pool(), TIMEOUT)


async def test_sqlite_acquire_timeout(tmp_path: Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "t.sqlite"), max_connections=1, acquire_timeout=0.2)
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with engine.transaction():
            await engine.fetch_sql("SELECT 1")
            holding.set()
            await asyncio.wait_for(release.wait(), TIMEOUT)

    try:
        task = asyncio.create_task(holder())
        await asyncio.wait_for(holding.wait(), TIMEOUT)
        begin = time.monotonic()
        with pytest.raises(PoolTimeout):
            await asyncio.wait_for(engine.fetch_sql("SELECT 2"), TIMEOUT)
        assert 0.15 <= time.monotonic() - begin < 2
        release.set()
        await asyncio.wait_for(task, TIMEOUT)
        assert await asyncio.wait_for(engine.fetch_sql("SELECT 3 AS n"), TIMEOUT) == [{"n": 3}]
        assert len(engine._all) == 1
    finally:
        release.set()
        await engine.close_connection_pool()


# versions, types, driver options ------------------------------------------------------------------


async def test_get_version(db: Engine) -> None:
    version = await db.get_version()
    assert isinstance(version, float)
    if db.engine_type == "postgres":
        rows = await db.fetch_sql("SHOW server_version_num")
        number = int(rows[0]["server_version_num"])
        assert int(version) == number // 10000
        assert version >= 9.6
    elif db.engine_type == "mysql":
        rows = await db.fetch_sql("SELECT VERSION() AS v")  # '10.11.6-MariaDB-...'
        major, minor = rows[0]["v"].split(".")[:2]
        assert version == float(f"{major}.{minor}")
        # 10.5+ for INSERT ... RETURNING (the float compares wrongly: 10.11 < 10.5)
        assert (int(major), int(minor)) >= (10, 5)
    else:
        import sqlite3

        major, minor = sqlite3.sqlite_version.split(".")[:2]
        assert version == float(f"{major}.{minor}")
        assert version >= 3.0


def test_engine_types(tmp_path: Path) -> None:
    assert PostgresEngine(config=pg_config()).engine_type == "postgres"
    assert SQLiteEngine(path=str(tmp_path / "x.sqlite")).engine_type == "sqlite"
    assert PostgresEngine.engine_type == "postgres"
    assert SQLiteEngine.engine_type == "sqlite"


async def prepared_statement_count(engine: PostgresEngine) -> int:
    """How many protocol-level prepared statements the connection holds after ORM queries."""
    async with bound(engine, Item, create=False), engine.transaction():
        for size in range(3):
            await Item.select(Item.name).where(Item.size == size)
        rows = await Item.raw("SELECT count(*) AS n FROM pg_prepared_statements")
    return int(rows[0]["n"])


async def test_pg_statement_cache_size_passthrough(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, Item)
    await Item.insert(Item(name="a", size=1))
    no_cache = PostgresEngine(config={**pg_config(), "statement_cache_size": 0})
    cached = PostgresEngine(config=pg_config())
    try:
        async with bound(no_cache, Item, create=False):
            for _ in range(3):
                assert await Item.select(Item.name).where(Item.size == 1) == [{"name": "a"}]
        # asyncpg got the option: it prepares no named statements at all.
        assert await prepared_statement_count(no_cache) == 0
        assert await prepared_statement_count(cached) >= 1
    finally:
        await no_cache.close_connection_pool()
        await cached.close_connection_pool()


# read replicas --------------------------------------------------------------------------------


async def test_extra_nodes(postgres_db: PostgresEngine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, Item)
    await Item.insert(Item(name="shared", size=1))
    replica = PostgresEngine(config=named_config("vivace_replica"))
    primary = PostgresEngine(
        config=named_config("vivace_primary"), extra_nodes={"replica": replica}
    )
    app = "SELECT current_setting('application_name') AS app"
    try:
        async with bound(primary, Item, create=False):
            assert await Item.raw(app) == [{"app": "vivace_primary"}]
            assert await Item.raw(app).run(node="replica") == [{"app": "vivace_replica"}]
            assert await Item.select(Item.name).run(node="replica") == [{"name": "shared"}]
            assert await Item.count().run(node="replica") == 1
            with pytest.raises(ConfigurationError, match="'nope'"):
                await Item.select().run(node="nope")
            with pytest.raises(ConfigurationError, match="'nope'"):
                await Item.raw(app).run(node="nope")
    finally:
        await primary.close_connection_pool()
        await replica.close_connection_pool()


async def test_unknown_node_on_sqlite(sqlite_db: SQLiteEngine, use_tables: UseTables) -> None:
    await use_tables(sqlite_db, Item)
    with pytest.raises(ConfigurationError, match="replica"):
        await Item.select().run(node="replica")


# configuration ----------------------------------------------------------------------------------


CONF_TEMPLATE = """
from vivace.engine import SQLiteEngine

DB = SQLiteEngine(path={path!r})
"""


def write_conf(folder: Path, module: str) -> Path:
    path = folder / f"{module}.py"
    path.write_text(CONF_TEMPLATE.format(path=str(folder / "conf.sqlite")))
    return path


@pytest.fixture
def clean_conf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """No VIVACE_CONF, an empty working directory, sys.path restored afterwards."""
    monkeypatch.delenv("VIVACE_CONF", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path / "empty"))  # saves sys.path for restoring
    names = ("vivace_conf", "vivace_conf_engtest")
    saved = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    yield monkeypatch
    for name in names:
        sys.modules.pop(name, None)
    sys.modules.update(saved)


def test_engine_finder_uses_vivace_conf_env(clean_conf: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "conf_dir"
    folder.mkdir()
    write_conf(folder, "vivace_conf_engtest")
    clean_conf.syspath_prepend(str(folder))
    clean_conf.setenv("VIVACE_CONF", "vivace_conf_engtest")
    engine = engine_finder()
    assert isinstance(engine, SQLiteEngine)
    assert engine is sys.modules["vivace_conf_engtest"].DB
    assert engine.path == str(folder / "conf.sqlite")
    assert engine_finder() is engine  # the same module, not a new engine each call


def test_engine_finder_default_module_in_working_directory(
    clean_conf: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_conf(tmp_path, "vivace_conf")
    engine = engine_finder()
    assert isinstance(engine, SQLiteEngine)
    assert engine.path == str(tmp_path / "conf.sqlite")


@pytest.mark.parametrize("name", ["vivace_no_such_conf_module", "no_such_package_xyz.conf"])
def test_engine_finder_unimportable_conf(clean_conf: pytest.MonkeyPatch, name: str) -> None:
    clean_conf.setenv("VIVACE_CONF", name)
    with pytest.raises(ConfigurationError, match=name.replace(".", r"\.")):
        engine_finder()


def test_engine_finder_without_configuration(clean_conf: pytest.MonkeyPatch) -> None:
    assert engine_finder() is None


def test_engine_finder_module_without_db(clean_conf: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "vivace_conf.py").write_text("X = 1\n")
    with pytest.raises(ConfigurationError):
        engine_finder()


# run_sync ---------------------------------------------------------------------------------------


def test_run_sync_from_sync_code(postgres_db: PostgresEngine, tmp_path: Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "sync.sqlite"))
    assert run_sync(engine.fetch_sql("SELECT 1 AS one")) == [{"one": 1}]
    pg = PostgresEngine(config=pg_config())
    try:
        assert run_sync(pg.fetch_sql("SELECT 1 AS one")) == [{"one": 1}]
        # A second call from sync code reuses what the first one set up, and still works.
        assert run_sync(pg.fetch_sql("SELECT 2 AS two")) == [{"two": 2}]

        async def in_transaction() -> int:
            async with pg.transaction():
                rows = await pg.fetch_sql("SELECT 3 AS n")
            return int(rows[0]["n"])

        assert run_sync(in_transaction()) == 3
    finally:
        run_sync(pg.close_connection_pool())
        run_sync(engine.close_connection_pool())


def test_run_sync_of_a_coroutine_that_exits(tmp_path: Path) -> None:
    """``SystemExit`` / ``KeyboardInterrupt`` from the coroutine reach the caller, as with
    ``asyncio.run`` (asyncio lets them out of the loop: the bridge stopped and the caller
    waited for good), and the next call still runs."""

    async def exits() -> None:
        await asyncio.sleep(0)
        sys.exit(3)

    async def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as exited:
        run_sync(exits())
    assert exited.value.code == 3
    with pytest.raises(KeyboardInterrupt):
        run_sync(interrupted())
    engine = SQLiteEngine(path=str(tmp_path / "after_exit.sqlite"))
    try:
        assert run_sync(engine.fetch_sql("SELECT 1 AS one")) == [{"one": 1}]
    finally:
        run_sync(engine.close_connection_pool())


def test_query_run_sync_from_sync_code(tmp_path: Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "sync2.sqlite"))
    previous = Item._meta._db
    Item._meta.db = engine
    try:
        run_sync(create_db_tables(Item))
        assert Item.insert(Item(name="a", size=2)).run_sync() == [{"id": 1}]
        atomic = engine.atomic()
        atomic.add(Item.insert(Item(name="b")))
        atomic.run_sync()
        assert Item.count().run_sync() == 2
        assert Item.select(Item.name).order_by(Item.name).run_sync() == [
            {"name": "a"},
            {"name": "b"},
        ]
    finally:
        Item._meta.db = previous
        run_sync(engine.close_connection_pool())


async def test_run_sync_inside_running_loop(tmp_path: Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "inloop.sqlite"))
    try:
        assert run_sync(engine.fetch_sql("SELECT 1 AS one")) == [{"one": 1}]
        # And the engine still works on this loop afterwards.
        assert await engine.fetch_sql("SELECT 2 AS two") == [{"two": 2}]
    finally:
        await engine.close_connection_pool()


async def test_run_sync_inside_running_loop_postgres(postgres_db: PostgresEngine) -> None:
    """A helper thread's loop gets its own pool and leaves this loop's pool alone."""
    engine = PostgresEngine(config=pg_config())

    async def in_helper_thread() -> list[dict[str, Any]]:
        try:
            return await engine.fetch_sql("SELECT 1 AS one")
        finally:
            # The helper's loop ends with this call: close the pool made on it.
            await engine.close_connection_pool()

    try:
        async with engine.transaction():
            before = await engine.fetch_sql("SELECT pg_backend_pid() AS pid")
            assert run_sync(in_helper_thread()) == [{"one": 1}]
            # This loop's transaction, on its pooled connection, is intact.
            after = await engine.fetch_sql("SELECT pg_backend_pid() AS pid")
            assert after == before
        assert await engine.fetch_sql("SELECT 2 AS two") == [{"two": 2}]
    finally:
        await engine.close_connection_pool()


# SQLite specifics -----------------------------------------------------------------------------


async def test_sqlite_pragmas(sqlite_db: SQLiteEngine, use_tables: UseTables) -> None:
    await use_tables(sqlite_db, Owner, Pet)
    assert await Pet.raw("PRAGMA journal_mode") == [{"journal_mode": "wal"}]
    assert await Pet.raw("PRAGMA foreign_keys") == [{"foreign_keys": 1}]
    for connection in sqlite_db._all:  # every persistent connection, not only one
        assert connection.raw.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert connection.raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # Foreign keys are enforced, not only declared.
    with pytest.raises(ForeignKeyViolation):
        await Pet.insert(Pet(name="stray", owner=12345))
    owner = Owner(name="o")
    await owner.save()
    await Pet.insert(Pet(name="ok", owner=owner))
    assert await Pet.count() == 1


async def test_like_is_case_sensitive(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Item)
    await Item.insert(Item(name="Python"), Item(name="python"), Item(name="PYTHON"))
    rows = await Item.select(Item.name).where(Item.name.like("Py%"))
    assert rows == [{"name": "Python"}]
    rows = await Item.select(Item.name).where(Item.name.like("py%"))
    assert rows == [{"name": "python"}]
    rows = await Item.select(Item.name).where(Item.name.ilike("py%")).order_by(Item.name)
    assert sorted(r["name"] for r in rows) == ["PYTHON", "Python", "python"]
    assert await Item.raw("SELECT 'abc' LIKE 'ABC' AS m") in ([{"m": 0}], [{"m": False}])


async def test_sqlite_memory_engine() -> None:
    engine = SQLiteEngine(path=":memory:")
    assert engine.max_connections == 1
    try:
        async with bound(engine, Item):
            await Item.insert(Item(name="a"), Item(name="b"))
            # Every query, even concurrent ones, sees the same in-memory database.
            counts = await asyncio.wait_for(
                asyncio.gather(*(Item.count().run() for _ in range(5))), TIMEOUT
            )
            assert counts == [2] * 5
            async with engine.transaction():
                await Item.insert(Item(name="c"))
            with pytest.raises(RuntimeError):
                async with engine.transaction():
                    await Item.insert(Item(name="d"))
                    raise RuntimeError
            assert await Item.count() == 3
            assert len(engine._all) == 1
    finally:
        await engine.close_connection_pool()


def counting_sql(n: int) -> str:
    return (
        f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n:d}) "
        "SELECT count(*) FROM c)"
    )


async def test_sqlite_over_budget_statement_returns_right_result(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, Item)
    await Item.insert(Item(name="a"), Item(name="b"))
    n = 300_000  # far beyond the inline budget of 20 000 VM steps
    rows = await Item.select(Item.name, QueryString(counting_sql(n), alias="n")).order_by(Item.name)
    assert rows == [{"name": "a", "n": n}, {"name": "b", "n": n}]
    # In a transaction too, and the transaction (with its earlier write) survives the move.
    async with sqlite_db.transaction():
        await Item.insert(Item(name="c"))
        rows = await Item.select(QueryString(counting_sql(n), alias="n")).where(Item.name == "c")
        assert rows == [{"n": n}]
        await Item.insert(Item(name="d"))
    assert await Item.count() == 4
    raw = await Item.raw(f"SELECT {counting_sql(n)} AS n")
    assert raw == [{"n": n}]


async def max_loop_gap(work: Any) -> tuple[float, float]:
    """Run ``work`` while a ticker measures the event loop; (its duration, the longest gap)."""
    stop = asyncio.Event()
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    begin = time.monotonic()
    try:
        await asyncio.wait_for(work, TIMEOUT)
    finally:
        duration = time.monotonic() - begin
        stop.set()
        await asyncio.wait_for(tick, TIMEOUT)
    return duration, max(gaps)


@pytest.mark.parametrize("path", ["orm", "raw"])
async def test_sqlite_long_statement_does_not_block_loop(
    sqlite_db: SQLiteEngine, use_tables: UseTables, path: str
) -> None:
    await use_tables(sqlite_db, Item)
    await Item.insert(Item(name="a"))
    n = 7_000_000  # about a second
    result: list[Any] = []

    async def work() -> None:
        if path == "orm":
            result.extend(await Item.select(QueryString(counting_sql(n), alias="n")))
        else:
            result.extend(await Item.raw(f"SELECT {counting_sql(n)} AS n"))

    duration, gap = await max_loop_gap(work())
    assert result == [{"n": n}]
    assert duration > 0.3, "the statement was too quick to prove anything"
    assert gap < 0.2, f"the event loop stalled for {gap:.3f} s during a {duration:.2f} s query"


async def test_sqlite_two_engines_write_concurrently(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    first, second = SQLiteEngine(path=path), SQLiteEngine(path=path)
    errors: list[BaseException] = []

    async def writer(engine: SQLiteEngine, table: type[Table], prefix: str) -> None:
        try:
            for batch in range(10):
                async with engine.transaction():
                    for i in range(5):
                        await table.insert(table(name=f"{prefix}-{batch}-{i}"))
                    await table.count()
        except BaseException as error:
            errors.append(error)
            raise

    try:
        async with bound(first, WriteA), bound(second, WriteB, create=False):
            tasks = [
                writer(first, WriteA, "a1"),
                writer(first, WriteA, "a2"),
                writer(second, WriteB, "b1"),
                writer(second, WriteB, "b2"),
            ]
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
            assert errors == []
            assert await WriteA.count() == 200
            assert await WriteB.count() == 200
            names = {row["name"] for row in await WriteB.select(WriteB.name)}
            assert len(names) == 200
            assert {name.split("-")[0] for name in names} == {"a1", "a2", "b1", "b2"}
    finally:
        await first.close_connection_pool()
        await second.close_connection_pool()
    assert os.path.exists(path)


# connections that die, session state -------------------------------------------------------------


async def backend_pid(engine: PostgresEngine) -> int:
    rows = await engine.fetch_sql("SELECT pg_backend_pid() AS pid")
    return int(rows[0]["pid"])


async def test_pg_connection_killed_inside_transaction(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    """The server ends the session mid-transaction: a Vivace error (never the driver's),
    nothing committed, and the engine goes on with a new connection."""
    await use_tables(postgres_db, Item)
    engine = PostgresEngine(config={**pg_config(), "max_size": 1})
    try:
        async with bound(engine, Item, create=False):
            with pytest.raises(ConnectionLost) as raised:
                async with engine.transaction():
                    await Item.insert(Item(name="lost"))
                    pid = await backend_pid(engine)
                    await postgres_db.fetch_sql("SELECT pg_terminate_backend($1)", [pid])
                    await asyncio.sleep(0.1)
                    await Item.insert(Item(name="lost too"))
            assert raised.value.__cause__ is not None
            assert not engine.transaction_exists()
            assert await asyncio.wait_for(Item.count().run(), TIMEOUT) == 0
            async with engine.transaction():
                await Item.insert(Item(name="kept"))
            assert await Item.select(Item.name) == [{"name": "kept"}]
    finally:
        await engine.close_connection_pool()


async def test_pg_idle_connection_killed(postgres_db: PostgresEngine) -> None:
    engine = PostgresEngine(config={**pg_config(), "max_size": 1})
    try:
        pid = await backend_pid(engine)
        await postgres_db.fetch_sql("SELECT pg_terminate_backend($1)", [pid])
        await asyncio.sleep(0.2)
        # The pool notices the closed connection and opens a new one.
        assert await asyncio.wait_for(backend_pid(engine), TIMEOUT) != pid
    finally:
        await engine.close_connection_pool()


async def test_pg_session_state_does_not_leak(postgres_db: PostgresEngine) -> None:
    """Raw SQL may change the session: the single pooled connection comes back clean."""
    engine = PostgresEngine(config={**pg_config(), "max_size": 1})

    async def timeout_setting() -> str:
        rows = await engine.fetch_sql("SHOW statement_timeout")
        return str(rows[0]["statement_timeout"])

    try:
        default = await timeout_setting()
        pid = await backend_pid(engine)
        await engine.fetch_sql("SET statement_timeout = '12s'")
        assert await timeout_setting() == default
        async with engine.transaction():
            await engine.fetch_sql(
                "SET statement_timeout = '13s'"
            )  # session-level, survives COMMIT
            await engine.fetch_sql("SELECT pg_advisory_lock(4242)")
            assert await timeout_setting() == "13s"
        assert await timeout_setting() == default
        locks = await postgres_db.fetch_sql(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
        )
        assert locks == [{"n": 0}]
        assert await backend_pid(engine) == pid  # the same connection, reset rather than replaced
    finally:
        await engine.close_connection_pool()


async def test_sqlite_close_and_reuse(tmp_path: Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "reuse.sqlite"))
    try:
        await engine.start_connection_pool()
        assert len(engine._all) == 1
        await engine.fetch_sql("CREATE TABLE t (x INTEGER)")
        await engine.fetch_sql("INSERT INTO t VALUES (1)")
        await engine.close_connection_pool()
        assert engine._all == [] and engine._idle == []
        # Used again after close: connections reopen on demand, the data is there.
        assert await engine.fetch_sql("SELECT x FROM t") == [{"x": 1}]
        async with engine.transaction():
            await engine.fetch_sql("INSERT INTO t VALUES (2)")
        assert await engine.fetch_sql("SELECT count(*) AS n FROM t") == [{"n": 2}]
    finally:
        await engine.close_connection_pool()


async def test_sqlite_long_write_inside_transaction_keeps_earlier_work(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    """A write over the inline budget inside a transaction must not be interrupted on the
    loop (SQLite would roll the whole transaction back): earlier statements survive."""
    await use_tables(sqlite_db, Item)
    n = 300_000
    async with sqlite_db.transaction():
        await Item.insert(Item(name="early", size=0))
        await Item.update({Item.size: Item.size + 1}).where(
            QueryString(f"{counting_sql(n)} = {{}}", n)
        )
        rows = await Item.select(Item.name, Item.size)
        assert rows == [{"name": "early", "size": 1}]
    assert await Item.select(Item.name, Item.size) == [{"name": "early", "size": 1}]


async def test_sqlite_long_write_outside_transaction_applies_once(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    """Outside a transaction a write over budget is undone on the loop and re-run on the
    worker: it takes effect exactly once."""
    await use_tables(sqlite_db, Item)
    await Item.insert(Item(name="a", size=0), Item(name="b", size=10))
    n = 300_000
    await Item.update({Item.size: Item.size + 1}).where(QueryString(f"{counting_sql(n)} = {{}}", n))
    rows = await Item.select(Item.name, Item.size).order_by(Item.name)
    assert rows == [{"name": "a", "size": 1}, {"name": "b", "size": 11}]


async def test_sqlite_write_waits_for_other_writer(tmp_path: Path) -> None:
    """A locked database moves an ORM write from the loop to the worker, which waits for
    the lock (busy_timeout) without blocking the event loop."""
    path = str(tmp_path / "locked.sqlite")
    holder, writer = SQLiteEngine(path=path), SQLiteEngine(path=path)
    try:
        async with bound(writer, Item):
            locked, release = asyncio.Event(), asyncio.Event()

            async def hold() -> None:
                async with holder.transaction():
                    await holder.fetch_sql("INSERT INTO eng_item (name, size) VALUES ('held', 1)")
                    locked.set()
                    await asyncio.wait_for(release.wait(), TIMEOUT)

            task = asyncio.create_task(hold())
            await asyncio.wait_for(locked.wait(), TIMEOUT)
            asyncio.get_running_loop().call_later(0.4, release.set)
            duration, gap = await max_loop_gap(Item.insert(Item(name="waited", size=2)).run())
            await asyncio.wait_for(task, TIMEOUT)
            assert duration >= 0.3  # it really waited for the other writer
            assert gap < 0.2
            rows = await Item.select(Item.name).order_by(Item.size)
            assert rows == [{"name": "held"}, {"name": "waited"}]
    finally:
        await holder.close_connection_pool()
        await writer.close_connection_pool()
