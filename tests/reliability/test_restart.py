"""A server that crashes and restarts under a running workload (plan rank 9).

It runs on a private PostgreSQL 15 cluster made for this module (initdb in a temporary
folder, a free loopback port, run as the ``postgres`` OS user), never on the shared
server. When this machine cannot make one (no PostgreSQL binaries, no permission), the
test fails in CI and skips with the reason elsewhere. MariaDB's case is skipped with the
reason: its server is shared, and no private instance is made yet.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.conftest import IN_CI
from tests.reliability.harness import PG_BIN, PrivateCluster
from tests.reliability.support import admin_fetch, pg_engine
from vivace.engine import PostgresEngine
from vivace.exceptions import (
    CannotConnect,
    ConnectionLost,
    PoolTimeout,
    QueryTimeout,
    VivaceError,
)

WORKERS = 8
COMMAND_TIMEOUT = 2.0
ACQUIRE_TIMEOUT = 2.0
#: An operation never takes longer than this, whatever the server does.
NO_HANG = COMMAND_TIMEOUT + ACQUIRE_TIMEOUT + 1.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    if not os.path.exists(f"{PG_BIN}/initdb"):
        reason = f"no PostgreSQL server binaries in {PG_BIN}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    server = PrivateCluster()
    try:
        server.init().start()
    except Exception as error:  # pragma: no cover - depends on the machine
        server.destroy()
        if IN_CI:
            pytest.fail(f"cannot run a private PostgreSQL cluster: {error}")
        pytest.skip(f"cannot run a private PostgreSQL cluster: {error}")
    yield server
    server.destroy()


async def accepting(port: int) -> bool:
    try:
        await admin_fetch("SELECT 1", port=port)
    except (OSError, VivaceError, Exception):
        return False
    return True


#: MariaDB is not crashed here: its server is shared with other work. (A private instance
#: could be made from its binaries, as the cluster above is for PostgreSQL: not done yet.)
NO_PRIVATE_MARIADB = (
    "MariaDB here is a shared server, never restarted by tests (no private instance yet); "
    "its lost connections are covered by KILL CONNECTION in test_connections.py"
)


@pytest.mark.parametrize(
    "server", ["postgres", pytest.param("mysql", marks=pytest.mark.skip(reason=NO_PRIVATE_MARIADB))]
)
async def test_crash_and_restart_under_load(cluster: PrivateCluster, server: str) -> None:
    """8 workers insert and read in a loop while one backend is SIGKILLed (the postmaster
    ends every session and recovers) and then the server is restarted in immediate
    mode. Every failing operation fails with ConnectionLost / CannotConnect (refused while
    the server is down) / QueryTimeout / PoolTimeout
    within the configured bounds (no hang); operations succeed again within 5 s of the
    server accepting connections; every acknowledged commit is present afterwards, and
    every row present was either acknowledged or had an unknown outcome."""
    engine: PostgresEngine = pg_engine(
        port=cluster.port,
        database="postgres",
        min_size=4,
        max_size=8,
        command_timeout=COMMAND_TIMEOUT,
        acquire_timeout=ACQUIRE_TIMEOUT,
    )
    await engine.fetch_sql("DROP TABLE IF EXISTS rel_restart")
    await engine.fetch_sql(
        "CREATE TABLE rel_restart (id serial PRIMARY KEY, worker int, seq int, "
        "UNIQUE (worker, seq))"
    )
    acknowledged: set[tuple[int, int]] = set()
    unknown: set[tuple[int, int]] = set()
    errors: Counter[str] = Counter()
    unexpected: list[BaseException] = []
    longest = [0.0]
    last_failure = [0.0]
    stop = asyncio.Event()

    async def worker(number: int) -> None:
        seq = 0
        while not stop.is_set():
            seq += 1
            begin = time.monotonic()
            try:
                if seq % 3 == 0:
                    async with engine.transaction():
                        await engine.fetch_sql(
                            "INSERT INTO rel_restart (worker, seq) VALUES ($1, $2)", [number, seq]
                        )
                        await engine.fetch_sql("SELECT count(*) FROM rel_restart")
                else:
                    await engine.fetch_sql(
                        "INSERT INTO rel_restart (worker, seq) VALUES ($1, $2)", [number, seq]
                    )
                acknowledged.add((number, seq))
            except (ConnectionLost, CannotConnect, QueryTimeout, PoolTimeout) as error:
                unknown.add((number, seq))
                errors[type(error).__name__] += 1
                last_failure[0] = time.monotonic()
                await asyncio.sleep(0.02)
            except BaseException as error:  # anything else is a finding
                unexpected.append(error)
                raise
            finally:
                longest[0] = max(longest[0], time.monotonic() - begin)

    tasks = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
    try:
        await asyncio.sleep(0.5)
        acknowledged_before_crash = len(acknowledged)
        rows = await admin_fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 LIMIT 1",
            engine.config["server_settings"]["application_name"],
            port=cluster.port,
        )
        cluster.kill_backend(int(rows[0]["pid"]))  # a crash: every session is ended
        await asyncio.sleep(1.0)
        await asyncio.to_thread(cluster.stop, "immediate")
        await asyncio.sleep(0.5)  # the server is down: operations fail, promptly
        await asyncio.to_thread(cluster.start)
        up_at = time.monotonic()
        while not await accepting(cluster.port):
            assert time.monotonic() - up_at < 10, "the restarted server does not answer"
            await asyncio.sleep(0.05)
        up_at = time.monotonic()
        recovered = len(acknowledged)
        while len(acknowledged) < recovered + WORKERS * 5:
            assert time.monotonic() - up_at < 5, (
                f"no recovery within 5 s of the server accepting connections: {errors}"
            )
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
    finally:
        stop.set()
        results = await asyncio.wait_for(
            asyncio.gather(*tasks, return_exceptions=True), NO_HANG * 2
        )
    assert unexpected == [], unexpected
    assert all(r is None for r in results), results
    assert acknowledged_before_crash > 0
    assert errors, "the faults did not reach the workload"
    assert longest[0] < NO_HANG, f"an operation took {longest[0]:.2f} s"

    rows = await engine.fetch_sql("SELECT worker, seq FROM rel_restart")
    stored = {(r["worker"], r["seq"]) for r in rows}
    missing = acknowledged - stored
    assert not missing, f"acknowledged commits lost: {sorted(missing)[:10]}"
    phantom = stored - acknowledged - unknown
    assert not phantom, f"rows nobody wrote: {sorted(phantom)[:10]}"
    await engine.fetch_sql("DROP TABLE rel_restart")
    await engine.close_connection_pool()
