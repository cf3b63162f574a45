"""Fixtures of the reliability suite: every test here carries the ``reliability`` mark.

- an autouse **leak guard**: after every test, no engine made by the test (nor the shared
  ones) has a connection checked out, PostgreSQL (and MariaDB, when the test used it) shows
  no session idle in a transaction (nor a statement still running) on the test database,
  no task is left running, and garbage collection raises no ``ResourceWarning``;
- ``engine_kind``: ``"sqlite"``, ``"postgres"`` or ``"mysql"`` (MariaDB);
- ``lag_monitor``: ``async with lag_monitor() as lag: ...`` then ``lag.worst``;
- ``fault_proxy``: a loopback proxy (pass / blackhole / reset) in front of PostgreSQL
  (or MariaDB, for a test with ``server_kind``);
- ``recorder``: ``recorder(engine)`` records every statement the engine sends.
"""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, MY_HOST, MY_PORT, PG_DATABASE, PG_HOST, PG_PORT
from tests.reliability.harness import FaultProxy, LagMonitor, StatementRecorder
from tests.reliability.support import admin_fetch, my_database_sessions, pool_in_use
from vivace.engine import Engine, MySQLEngine
from vivace.engine.server import ServerEngine

HERE = Path(__file__).parent
SETTLE = 5.0  # seconds the guard waits for background clean-up to finish


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "not_on_mariadb(reason): the scenario does not apply to MariaDB (skips there)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.reliability)


async def _settle(engines: list[Engine]) -> list[str]:
    """Wait (bounded) for background clean-up; then report what is still checked out."""
    deadline = time.monotonic() + SETTLE
    while True:
        problems = [
            f"{engine!r} has {n} connection(s) checked out"
            for engine in engines
            if (n := pool_in_use(engine))
        ]
        background = [
            (engine, task)
            for engine in engines
            if isinstance(engine, ServerEngine)
            for task in engine._background
        ]
        if (not problems and not background) or time.monotonic() > deadline:
            problems += [f"{e!r}: background task {t!r} still running" for e, t in background]
            return problems
        await asyncio.sleep(0.02)


async def _mariadb_problems() -> list[str]:
    """The same on MariaDB's test database (asked only after a test that used MariaDB)."""
    deadline = time.monotonic() + SETTLE
    while True:
        rows = [s for s in await my_database_sessions() if s["state"] != "idle"]
        if not rows:
            return []
        if time.monotonic() > deadline:
            return [f"MariaDB session left {r['state']!r}: {r}" for r in rows]
        await asyncio.sleep(0.05)


async def _server_problems() -> list[str]:
    """Sessions of the test database idle in a transaction, or still running a statement."""
    deadline = time.monotonic() + SETTLE
    while True:
        try:
            rows = await admin_fetch(
                "SELECT pid, application_name, state, query FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'",
                PG_DATABASE,
            )
        except OSError as error:  # no server (outside CI the PostgreSQL tests skip)
            return [f"PostgreSQL unreachable: {error}"] if IN_CI else []
        if not rows:
            return []
        if time.monotonic() > deadline:
            return [f"server session left {r['state']!r}: {dict(r)}" for r in rows]
        await asyncio.sleep(0.05)


async def _stray_tasks() -> list[str]:
    current = asyncio.current_task()
    deadline = time.monotonic() + SETTLE
    while True:
        stray = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        if not stray or time.monotonic() > deadline:
            return [f"task left running: {t!r}" for t in stray]
        await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
async def leak_guard(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[None]:
    """After each test: nothing checked out, nothing idle in transaction, no stray task,
    no ResourceWarning. Engines the test made and left open are closed afterwards."""
    created: list[Engine] = []
    original = Engine.__init__

    def tracking_init(self: Engine, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(Engine, "__init__", tracking_init)
    yield
    monkeypatch.setattr(Engine, "__init__", original)
    shared = [
        request.getfixturevalue(name)
        for name in ("sqlite_engine", "postgres_engine", "mysql_engine")
        if name in request.fixturenames
    ]
    engines = created + [engine for engine in shared if engine is not None]
    problems = await _settle(engines)
    for engine in created:
        close: Any = engine.close_connection_pool
        await asyncio.wait_for(
            close(timeout=5) if isinstance(engine, ServerEngine) else close(), SETTLE * 2
        )
    problems += await _server_problems()
    if any(isinstance(engine, MySQLEngine) for engine in engines):
        problems += await _mariadb_problems()
    problems += await _stray_tasks()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    # What survives this test's collection is the session's (modules, caches, the shared
    # engines): freezing it keeps the next test's collection to that test's own objects
    # (a full collection of the whole heap took ~80 ms per test, most of this guard).
    gc.freeze()
    problems += [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if issubclass(w.category, ResourceWarning)
    ]
    assert not problems, "leak guard:\n" + "\n".join(problems)


@pytest.fixture(params=["sqlite", "postgres", "mysql"])
def engine_kind(request: pytest.FixtureRequest) -> str:
    """``"sqlite"``, ``"postgres"`` or ``"mysql"`` (MariaDB): a test using it runs on each
    (a server skips when unreachable, except in CI, where it fails). A scenario that does
    not apply to MariaDB says why with ``@not_on_mariadb("reason")``."""
    if request.param != "sqlite":
        request.getfixturevalue(f"{request.param}_db")
    if request.param == "mysql":
        marker = request.node.get_closest_marker("not_on_mariadb")
        if marker is not None:
            pytest.skip(f"not on MariaDB: {marker.args[0]}")
    return str(request.param)


@pytest.fixture(params=["postgres", "mysql"])
def server_kind(request: pytest.FixtureRequest) -> str:
    """``"postgres"`` or ``"mysql"`` (MariaDB), for scenarios of a database server (a
    server skips when unreachable, except in CI, where it fails)."""
    request.getfixturevalue(f"{request.param}_db")
    return str(request.param)


@pytest.fixture
def lag_monitor() -> Callable[..., LagMonitor]:
    """``async with lag_monitor() as lag: ...``; ``lag.worst`` is the longest stall (s)."""
    return LagMonitor


@pytest.fixture
async def fault_proxy(request: pytest.FixtureRequest) -> AsyncIterator[FaultProxy]:
    """A loopback proxy in front of the shared PostgreSQL, or of MariaDB for a test run
    with ``server_kind == "mysql"`` (closed after the test)."""
    target = (PG_HOST, PG_PORT)
    if "server_kind" in request.fixturenames and request.getfixturevalue("server_kind") == "mysql":
        target = (MY_HOST, MY_PORT)
    proxy = await FaultProxy(*target).start()
    yield proxy
    await proxy.close()


@pytest.fixture
def recorder() -> Iterator[Callable[[Engine], StatementRecorder]]:
    """``recorder(engine)`` wraps the engine to record its statements (undone after)."""
    made: list[StatementRecorder] = []

    def make(engine: Engine) -> StatementRecorder:
        made.append(StatementRecorder(engine))
        return made[-1]

    yield make
    for item in made:
        item.restore()
