"""Concurrency semantics (plan ranks 16-19): SQLite writers in two processes, serialization
failures and the retry helper, deadlocks, lock timeouts. Ranks 17-19 run on PostgreSQL and
MariaDB (whose SERIALIZABLE locks what it reads: write skew ends in a deadlock there, whose
victim is re-run the same way).

Interleavings are driven step by step with events (a small isolation tester): each
session runs named steps in a fixed order, so the outcome is deterministic.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.support import (
    TIMEOUT,
    lock_wait_is_default,
    pool_in_use,
    server_engine,
    short_lock_wait_sql,
    sleep_sql,
    terminate_sessions_of,
    waiting_for_lock,
)
from vivace.engine import Engine, SQLiteEngine
from vivace.engine.server import ServerEngine
from vivace.exceptions import (
    ConnectionLost,
    DeadlockDetected,
    LockTimeout,
    SerializationFailure,
    TransactionError,
    UniqueViolation,
)

ROOT = Path(__file__).resolve().parents[2]


# rank 16: SQLite writers in two processes -------------------------------------------------------


async def run_writers(path: Path, mode: str, tasks: int, iterations: int) -> list[dict[str, Any]]:
    """Two writer processes on the same file at once; their JSON reports."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.reliability.sqlite_writer",
            str(path),
            str(number),
            str(tasks),
            str(iterations),
            mode,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for number in (1, 2)
    ]
    reports = []
    for process in processes:
        out, err = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 0, err.decode()
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    return reports


def prepare_counter(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("CREATE TABLE rel_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        raw.execute("INSERT INTO rel_counter VALUES (1, 0)")
        raw.execute(
            "CREATE TABLE rel_counter_log (process INTEGER, task INTEGER, step INTEGER, "
            "UNIQUE (process, task, step))"
        )
    raw.close()


def counter_state(path: Path) -> tuple[int, int]:
    raw = sqlite3.connect(path)
    try:
        value = raw.execute("SELECT value FROM rel_counter").fetchone()[0]
        logged = raw.execute("SELECT count(*) FROM rel_counter_log").fetchone()[0]
    finally:
        raw.close()
    return int(value), int(logged)


@pytest.mark.parametrize("mode", ["default", "deferred", "deferred-retry"])
async def test_sqlite_writers_in_two_processes(tmp_path: Path, mode: str) -> None:
    """2 processes x 20 tasks x 10 read-then-write transactions on one file (WAL).

    - default transaction (BEGIN IMMEDIATE): zero errors, no "database is locked";
    - BEGIN DEFERRED: only SerializationFailure / LockTimeout, each failed transaction
      leaving nothing behind (the counter equals the committed transactions);
    - BEGIN DEFERRED under ``run_in_transaction``: every transaction ends up committed.
    The event loop of each process never stalls for 100 ms (SQLite waits off the loop).
    """
    path = tmp_path / "shared.sqlite"
    prepare_counter(path)
    tasks, iterations = 20, 10
    reports = await run_writers(path, mode, tasks, iterations)
    committed = sum(r["committed"] for r in reports)
    errors: Counter[str] = Counter()
    for report in reports:
        errors.update(report["errors"])
    value, logged = counter_state(path)
    assert value == logged == committed, (value, logged, committed, errors)
    assert committed + sum(errors.values()) == 2 * tasks * iterations
    # The writer processes run under coverage's tracer too when the suite does (pytest-cov
    # follows subprocesses), which slows their Python several times: allow for it there.
    lag_limit = 0.3 if sys.gettrace() is not None else 0.1
    assert max(r["worst_lag"] for r in reports) < lag_limit, reports
    if mode == "deferred":
        # The lock upgrade of a deferred transaction fails at once (no busy wait): only
        # these two errors, and the invariant above shows nothing partial was written.
        kinds = {name.split(" ")[0] for name in errors}
        assert kinds <= {"SerializationFailure", "LockTimeout"}, errors
    else:
        assert errors == Counter(), errors
        assert committed == 2 * tasks * iterations


# rank 17: serialization failures and run_in_transaction -------------------------------------------


@pytest.fixture
async def oncall(server_kind: str) -> AsyncIterator[ServerEngine]:
    engine = server_engine(server_kind, max_size=4)
    await engine.fetch_sql("DROP TABLE IF EXISTS rel_oncall")
    await engine.fetch_sql(
        "CREATE TABLE rel_oncall (name varchar(20) PRIMARY KEY, on_call boolean)"
    )
    await engine.fetch_sql("INSERT INTO rel_oncall VALUES ('alice', true), ('bob', true)")
    yield engine
    await engine.fetch_sql("DROP TABLE IF EXISTS rel_oncall")


async def test_write_skew_is_retried(oncall: ServerEngine) -> None:
    """Two doctors go off call at once under SERIALIZABLE (write skew), the reads of both
    done before either writes. Exactly one attempt fails with SerializationFailure (in
    the body or at COMMIT; on MariaDB DeadlockDetected, its reads having locked the rows);
    run_in_transaction re-runs that one, which now sees a single doctor on call and
    changes nothing. The committed attempt is never run again."""
    engine = oncall
    p = engine.placeholder
    for round_ in range(5):
        await engine.fetch_sql("UPDATE rel_oncall SET on_call = true")
        both_read = asyncio.Barrier(2)
        attempts: Counter[str] = Counter()
        failures: Counter[str] = Counter()

        async def go_off(
            name: str, attempts: Counter[str] = attempts, both_read: asyncio.Barrier = both_read
        ) -> bool:
            attempts[name] += 1
            rows = await engine.fetch_sql("SELECT count(*) AS n FROM rel_oncall WHERE on_call")
            if attempts[name] == 1:
                await asyncio.wait_for(both_read.wait(), TIMEOUT)
            if rows[0]["n"] < 2:
                return False
            await engine.fetch_sql(
                f"UPDATE rel_oncall SET on_call = false WHERE name = {p(1)}", [name]
            )
            return True

        async def doctor(name: str, failures: Counter[str] = failures) -> bool:
            try:
                return await engine.run_in_transaction(
                    go_off, name, retries=3, isolation_level="serializable"
                )
            except SerializationFailure:  # pragma: no cover - only if retries ran out
                failures[name] += 1
                raise

        results = await asyncio.wait_for(asyncio.gather(doctor("alice"), doctor("bob")), TIMEOUT)
        assert sorted(results) == [False, True], results
        assert sorted(attempts.values()) == [1, 2], attempts  # one retry, of the loser only
        rows = await engine.fetch_sql("SELECT count(*) AS n FROM rel_oncall WHERE on_call")
        assert rows == [{"n": 1}], f"round {round_}: the invariant broke"
    assert pool_in_use(engine) == 0


async def test_retry_helper_does_not_retry_what_may_have_committed(oncall: ServerEngine) -> None:
    """Only failures the database reports instead of committing are retried: a constraint
    violation, a lost connection (whose COMMIT may have happened) and a cancellation
    propagate after one attempt; inside an open transaction the helper refuses to run."""
    engine = oncall
    calls: Counter[str] = Counter()

    async def duplicate() -> None:
        calls["duplicate"] += 1
        await engine.fetch_sql("INSERT INTO rel_oncall VALUES ('alice', true)")

    with pytest.raises(UniqueViolation):
        await engine.run_in_transaction(duplicate, retries=5)

    async def cut_off() -> None:
        calls["cut off"] += 1
        await engine.fetch_sql("UPDATE rel_oncall SET on_call = false WHERE name = 'bob'")
        await terminate_sessions_of(engine)
        await asyncio.sleep(0.05)

    with pytest.raises((ConnectionLost, TransactionError)):
        await engine.run_in_transaction(cut_off, retries=5)

    async def slow() -> None:
        calls["cancelled"] += 1
        await engine.fetch_sql(sleep_sql(engine, 5))

    task = asyncio.create_task(engine.run_in_transaction(slow, retries=5))
    await asyncio.sleep(0.2)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=TIMEOUT)
    assert task in done and task.cancelled()

    async with engine.transaction():
        with pytest.raises(TransactionError, match="inside an open transaction"):
            await engine.run_in_transaction(duplicate)
    assert calls == Counter({"duplicate": 1, "cut off": 1, "cancelled": 1}), calls
    rows = await engine.fetch_sql("SELECT name, on_call FROM rel_oncall ORDER BY name")
    assert rows == [{"name": "alice", "on_call": True}, {"name": "bob", "on_call": True}]


@pytest.fixture
async def appends(engine_kind: str, tmp_path: Path) -> AsyncIterator[Engine]:
    engine: Engine
    if engine_kind == "sqlite":
        engine = SQLiteEngine(path=str(tmp_path / "appends.sqlite"))
    else:
        engine = server_engine(engine_kind, max_size=8)
    await engine.fetch_sql("DROP TABLE IF EXISTS rel_appends")
    await engine.fetch_sql(
        "CREATE TABLE rel_appends (k integer, v integer, writer text, PRIMARY KEY (k, v))"
    )
    yield engine
    await engine.fetch_sql("DROP TABLE IF EXISTS rel_appends")


async def test_list_append_workload(appends: Engine) -> None:
    """An Elle-shaped list-append workload: 8 tasks x 12 transactions, each reading a
    key's list and appending the next element, under SERIALIZABLE (PostgreSQL, MariaDB)
    or BEGIN DEFERRED (SQLite), through run_in_transaction. Every acknowledged append is
    present exactly once, and each list is 1..n with no gap: no lost or doubled write."""
    engine = appends
    p = engine.placeholder
    options: dict[str, Any] = (
        {"transaction_type": "deferred"}
        if isinstance(engine, SQLiteEngine)
        else {"isolation_level": "serializable"}
    )
    acknowledged: Counter[int] = Counter()

    async def append(key: int, writer: str) -> None:
        rows = await engine.fetch_sql(
            f"SELECT coalesce(max(v), 0) AS top FROM rel_appends WHERE k = {p(1)}", [key]
        )
        await asyncio.sleep(0)  # let the other transactions interleave
        await engine.fetch_sql(
            f"INSERT INTO rel_appends (k, v, writer) VALUES ({p(1)}, {p(2)}, {p(3)})",
            [key, rows[0]["top"] + 1, writer],
        )

    async def task(number: int) -> None:
        for step in range(12):
            key = (number + step) % 3
            await engine.run_in_transaction(append, key, f"{number}-{step}", retries=100, **options)
            acknowledged[key] += 1

    await asyncio.wait_for(asyncio.gather(*(task(n) for n in range(8))), 60)
    assert sum(acknowledged.values()) == 8 * 12
    for key in range(3):
        rows = await engine.fetch_sql(
            f"SELECT v, writer FROM rel_appends WHERE k = {p(1)} ORDER BY v", [key]
        )
        assert [r["v"] for r in rows] == list(range(1, acknowledged[key] + 1)), key
        assert len({r["writer"] for r in rows}) == len(rows), "an append was written twice"


# rank 18: deadlocks -------------------------------------------------------------------------------


class Step:
    """A tiny isolation tester: sessions wait for each other's named steps."""

    def __init__(self) -> None:
        self.done: dict[str, asyncio.Event] = {}

    def event(self, name: str) -> asyncio.Event:
        return self.done.setdefault(name, asyncio.Event())

    async def after(self, name: str) -> None:
        await asyncio.wait_for(self.event(name).wait(), TIMEOUT)

    def mark(self, name: str) -> None:
        self.event(name).set()


#: The error code of a deadlock victim, and of a lock wait given up, per server.
DEADLOCK_CODE = {"postgres": "40P01", "mysql": "1213"}
LOCK_TIMEOUT_CODE = {"postgres": "55P03", "mysql": "1205"}


@pytest.fixture
async def rows_ab(server_kind: str) -> AsyncIterator[tuple[ServerEngine, ...]]:
    """Two engines (two sessions) and rows 'a' and 'b'. PostgreSQL looks for deadlocks
    after deadlock_timeout=100ms; MariaDB at once, when the wait begins."""
    options: dict[str, Any] = (
        {"server_settings": {"deadlock_timeout": "100ms"}} if server_kind == "postgres" else {}
    )
    first, second = (server_engine(server_kind, **options) for _ in range(2))
    observer = server_engine(server_kind)
    await first.fetch_sql("DROP TABLE IF EXISTS rel_locks")
    await first.fetch_sql("CREATE TABLE rel_locks (name varchar(10) PRIMARY KEY, n integer)")
    await first.fetch_sql("INSERT INTO rel_locks VALUES ('a', 0), ('b', 0)")
    yield first, second, observer
    await first.fetch_sql("DROP TABLE IF EXISTS rel_locks")


async def test_deadlock(server_kind: str, rows_ab: tuple[ServerEngine, ...]) -> None:
    """Session 1 locks a then b, session 2 locks b then a, step by step: exactly one gets
    DeadlockDetected (40P01; MariaDB 1213) and is rolled back whole, the other commits;
    both engines work afterwards. Under run_in_transaction the victim is re-run and
    succeeds."""
    first, second, observer = rows_ab
    update = f"UPDATE rel_locks SET n = n + 1 WHERE name = {first.placeholder(1)}"
    expected = 0
    for retried in [False, False, True, True]:
        steps = Step()

        async def session(
            engine: ServerEngine,
            mine: str,
            theirs: str,
            tag: str,
            steps: Step = steps,
            retried: bool = retried,
        ) -> None:
            async def body() -> None:
                await engine.fetch_sql(update, [mine])
                steps.mark(f"{tag} locked {mine}")
                await steps.after(f"{'2' if tag == '1' else '1'} locked {theirs}")
                if tag == "2":
                    while not await waiting_for_lock(first):  # 1 waits on b: close the loop
                        await asyncio.sleep(0.01)
                await engine.fetch_sql(update, [theirs])

            if retried:
                await engine.run_in_transaction(body, retries=2)
            else:
                async with engine.transaction():
                    await body()

        results = await asyncio.wait_for(
            asyncio.gather(
                session(first, "a", "b", "1"),
                session(second, "b", "a", "2"),
                return_exceptions=True,
            ),
            TIMEOUT,
        )
        rows = await observer.fetch_sql("SELECT name, n FROM rel_locks ORDER BY name")
        if retried:
            assert results == [None, None], results
            expected += 2
        else:
            victims = [r for r in results if isinstance(r, BaseException)]
            assert len(victims) == 1, results
            assert isinstance(victims[0], DeadlockDetected), victims
            assert victims[0].code == DEADLOCK_CODE[server_kind]
            expected += 1
        assert rows == [{"name": "a", "n": expected}, {"name": "b", "n": expected}], rows
        for engine in (first, second):
            assert await engine.fetch_sql("SELECT 1 AS one") == [{"one": 1}]
            assert pool_in_use(engine) == 0


# rank 19: lock timeouts ---------------------------------------------------------------------------


async def test_lock_timeout(server_kind: str, rows_ab: tuple[ServerEngine, ...]) -> None:
    """Session 1 holds row a; session 2 (lock_timeout 200 ms; MariaDB: its session's
    innodb_lock_wait_timeout at 1 s) writes b then a: LockTimeout (55P03; MariaDB 1205),
    its transaction rolled back whole (b unchanged too), both sessions usable afterwards,
    and the shorter wait not left behind for the pool's next user."""
    first, second, observer = rows_ab
    for _ in range(3):
        holding, release = asyncio.Event(), asyncio.Event()

        async def holder(
            holding: asyncio.Event = holding, release: asyncio.Event = release
        ) -> None:
            async with first.transaction():
                await first.fetch_sql("UPDATE rel_locks SET n = n + 1 WHERE name = 'a'")
                holding.set()
                await asyncio.wait_for(release.wait(), TIMEOUT)

        task = asyncio.create_task(holder())
        await asyncio.wait_for(holding.wait(), TIMEOUT)
        with pytest.raises(LockTimeout) as raised:
            async with second.transaction():
                await second.fetch_sql(short_lock_wait_sql(second))
                await second.fetch_sql("UPDATE rel_locks SET n = n + 100 WHERE name = 'b'")
                await second.fetch_sql("UPDATE rel_locks SET n = n + 100 WHERE name = 'a'")
        assert raised.value.code == LOCK_TIMEOUT_CODE[server_kind]
        release.set()
        await asyncio.wait_for(task, TIMEOUT)
        rows = await observer.fetch_sql("SELECT name, n FROM rel_locks ORDER BY name")
        assert rows[1] == {"name": "b", "n": 0}, rows  # nothing of session 2 was kept
        for engine in (first, second):
            assert await lock_wait_is_default(engine)
            assert pool_in_use(engine) == 0
