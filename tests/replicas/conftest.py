"""Fixtures of the replica tests: one private primary + streaming standby for the package.

- ``pair``: the ``ReplicatedPair`` (started once, stopped after the package's tests; under
  ``CI=true`` a failure to start it fails the tests, elsewhere they skip);
- ``routed``: a ``PostgresEngine`` on the primary with the standby as extra node
  ``"replica"`` and ``read_routing`` (fast probes), with ``Item`` bound to it and created;
- ``settled``: waits until the standby has replayed everything and routing uses it.

Every test here carries the ``postgres`` mark.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.reliability.harness import PG_BIN
from tests.replicas.cluster import ReplicatedPair
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import PostgresEngine, ReadRouting

HERE = Path(__file__).parent
TIMEOUT = 15.0  # seconds: the bound of every wait here


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.postgres)


class Item(Table, tablename="replica_item"):
    name = Varchar(length=50)
    size = Integer()


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll ``check`` until it is true; fail after ``TIMEOUT`` seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {TIMEOUT} s: {what}")
        await asyncio.sleep(0.05)


@pytest.fixture(scope="package")
def pair() -> Iterator[ReplicatedPair]:
    if not os.path.exists(f"{PG_BIN}/pg_basebackup"):
        reason = f"no PostgreSQL server binaries in {PG_BIN}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    servers = ReplicatedPair()
    try:
        servers.start()
    except Exception as error:  # pragma: no cover - depends on the machine
        servers.destroy()
        if IN_CI:
            pytest.fail(f"cannot start a primary and a standby: {error}")
        pytest.skip(f"cannot start a primary and a standby: {error}")
    yield servers
    servers.destroy()


def routing() -> ReadRouting:
    """Fast probes, a short read-your-writes window, and a quick retry of a dead replica."""
    return ReadRouting(
        max_lag=2.0,
        read_your_writes=0.5,
        probe_interval=0.1,
        probe_timeout=1.0,
        retry_after=0.3,
    )


def engines(pair: ReplicatedPair, read_routing: ReadRouting | None) -> PostgresEngine:
    """A primary engine with the standby as extra node ``"replica"``."""
    replica = PostgresEngine(
        config=pair.config(pair.standby, database="postgres", max_size=4),
        acquire_timeout=2.0,
        command_timeout=5.0,
    )
    return PostgresEngine(
        config=pair.config(pair.primary, database="postgres", max_size=8),
        extra_nodes={"replica": replica},
        acquire_timeout=5.0,
        command_timeout=5.0,
        read_routing=read_routing,
    )


async def close(engine: PostgresEngine) -> None:
    await engine.close_connection_pool()
    for node in engine.extra_nodes.values():
        await node.close_connection_pool()


@pytest.fixture(scope="package")
async def routed(pair: ReplicatedPair) -> AsyncIterator[PostgresEngine]:
    engine = engines(pair, routing())
    Item._meta.db = engine
    await Item.create_table(if_not_exists=True)
    yield engine
    await close(engine)


def replica_healthy(routing: ReadRouting) -> Callable[[], Awaitable[bool]]:
    """A check for ``eventually``: a probe round now finds the replica healthy."""

    async def check() -> bool:
        await routing.check()
        return routing.stats().replicas == {"replica": "healthy"}

    return check


def routing_of(engine: PostgresEngine) -> ReadRouting:
    """The engine's read routing (the test fails without one)."""
    assert engine.read_routing is not None
    return engine.read_routing


@pytest.fixture
async def settled(routed: PostgresEngine, pair: ReplicatedPair) -> PostgresEngine:
    """``routed`` once the standby has replayed everything and routing uses it."""
    assert routed.read_routing is not None
    routing_ = routed.read_routing

    async def caught_up() -> bool:
        lsn = await pair.admin(pair.primary, "SELECT pg_current_wal_lsn()::text")
        replayed = await pair.admin(
            pair.standby, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"
        )
        return bool(replayed)

    await eventually(caught_up, "the standby replays the primary's changes")
    # Fixtures share their context with the test: let a window opened by one (the
    # table's creation, say) pass, so each test starts as a context that has not written.
    await asyncio.sleep(routing_.read_your_writes)
    await eventually(replica_healthy(routing_), "routing finds the replica healthy")
    routing_.reset_stats()
    return routed
