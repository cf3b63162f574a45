"""Automatic read routing on a real primary and standby: where each kind of query goes,
read-your-writes per context, transactions, and that no write ever reaches the standby."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.reliability.harness import PrivateCluster
from tests.replicas.cluster import ReplicatedPair
from tests.replicas.conftest import Item, close, eventually, replica_healthy, routing_of
from vivace.engine import PostgresEngine, ReadRouting
from vivace.query import Placeholder

STANDBY = "SELECT pg_is_in_recovery() AS standby"


async def test_reads_go_to_the_replica_and_writes_to_the_primary(
    settled: PostgresEngine,
) -> None:
    routing = routing_of(settled)
    # Reads of every kind, in a context that has not written.
    assert await Item.raw(STANDBY, read_only=True) == [{"standby": True}]
    assert routing.last_node() == "replica"
    await Item.select(Item.name).where(Item.size == -1)
    assert routing.last_node() == "replica"
    await Item.objects().where(Item.size == -1)
    await Item.objects().get(Item.size == -1)
    await Item.count()
    await Item.exists().where(Item.size == -1)
    frozen = Item.select(Item.name).where(Item.size == Placeholder("size")).freeze()
    assert await frozen.run(size=-1) == []
    async with await Item.select(Item.name).where(Item.size == -1).batch(batch_size=5) as batch:
        assert [rows async for rows in batch] == []
    assert routing.last_node() == "replica"
    stats = routing.stats()
    assert stats.reads == {"primary": 0, "replica": 8}
    assert (stats.writes, stats.fallbacks, stats.retried) == (0, 0, 0)

    # Raw SQL not marked read-only counts as a write: it runs on the primary.
    assert await asyncio.create_task(_raw_in_fresh_context()) == [{"standby": False}]
    # An explicit node is obeyed as in Piccolo.
    assert await Item.raw(STANDBY).run(node="replica") == [{"standby": True}]


async def _raw_in_fresh_context() -> list[dict[str, object]]:
    return await Item.raw(STANDBY)


async def test_locking_reads_go_to_the_primary(settled: PostgresEngine) -> None:
    routing = routing_of(settled)
    async with settled.transaction():
        await Item.select().where(Item.size == -1).lock_rows()
        assert routing.last_node() == "primary"
    # Outside a transaction too (the lock is released at once, but it is still a lock).
    await asyncio.create_task(_locking_select())
    assert routing.stats().retried == 0


async def _locking_select() -> None:
    await Item.objects().where(Item.size == -1).lock_rows()
    assert Item._meta.db.read_routing is not None
    assert Item._meta.db.read_routing.last_node() == "primary"


async def test_a_context_reads_its_own_writes(settled: PostgresEngine) -> None:
    routing = routing_of(settled)
    started = asyncio.Event()
    go_on = asyncio.Event()

    async def bystander() -> str | None:
        # Made before the write: its context has no window, so it reads from the replica.
        started.set()
        await go_on.wait()
        await Item.count()
        return routing.last_node()

    other = asyncio.create_task(bystander())
    await started.wait()
    await Item.insert(Item(name="mine", size=1))
    # Right after writing, this context reads from the primary, and sees its row.
    assert await Item.count().where(Item.name == "mine") == 1
    assert routing.last_node() == "primary"
    go_on.set()
    assert await other == "replica"
    # A task started now inherits the window.
    assert await asyncio.create_task(_count_and_node(routing)) == "primary"
    await asyncio.sleep(routing.read_your_writes + 0.05)
    assert await _count_and_node(routing) == "replica"
    assert routing.stats().pinned >= 2


async def _count_and_node(routing: ReadRouting) -> str | None:
    await Item.count()
    return routing.last_node()


async def test_transactions_run_on_the_primary_and_pin_reads_after_them(
    settled: PostgresEngine,
) -> None:
    routing = routing_of(settled)
    async with settled.transaction():
        await Item.insert(Item(name="in-tx", size=2))
        assert await Item.count().where(Item.name == "in-tx") == 1
        assert routing.last_node() == "primary"
        await asyncio.sleep(routing.read_your_writes + 0.05)  # longer than the window
    # The window starts when the transaction is over, not at its write.
    assert await Item.count().where(Item.name == "in-tx") == 1
    assert routing.last_node() == "primary"
    # A transaction that only read pins nothing.
    await asyncio.sleep(routing.read_your_writes + 0.05)
    async with settled.transaction():
        await Item.count()
    await Item.count()
    assert routing.last_node() == "replica"


async def test_no_write_ever_reaches_the_replica(settled: PostgresEngine) -> None:
    """Every kind of write, concurrently with reads: the standby would refuse any of them
    (read-only transaction), so a single misrouted write fails the test."""
    routing = routing_of(settled)

    async def writer(number: int) -> None:
        row = Item(name=f"w{number}", size=number)
        await row.save()
        row.size = number + 1
        await row.save()
        await Item.update({Item.size: Item.size + 1}).where(Item.id == row.id)
        await Item.objects().get_or_create(Item.name == f"g{number}", {Item.size: 0})
        await Item.raw("UPDATE replica_item SET size = size WHERE id = {}", row.id)
        async with settled.transaction():
            await Item.insert(Item(name=f"t{number}", size=0))
            await Item.select().where(Item.id == row.id).lock_rows()
        await row.remove()
        await Item.delete().where(Item.name.like(f"_{number}"))

    async def reader() -> None:
        for _ in range(10):
            await asyncio.create_task(_count_and_node(routing))

    await asyncio.gather(*(writer(n) for n in range(8)), *(reader() for _ in range(4)))
    stats = routing.stats()
    assert stats.retried == 0  # nothing was refused by the replica and re-run
    assert stats.writes >= 8 * 9
    assert stats.reads["replica"] > 0


async def test_a_write_marked_read_only_by_mistake_still_lands_on_the_primary(
    settled: PostgresEngine,
) -> None:
    routing = routing_of(settled)
    # The replica refuses it (nothing ran there), and it is run once on the primary. (On a
    # starved machine the replica may lag for a moment: then it went to the primary
    # directly; try again once the replica is back.)
    insert = "INSERT INTO replica_item (name, size) VALUES ({}, 0)"
    for attempt in range(5):
        await eventually(replica_healthy(routing), "the replica is usable")
        await Item.raw(insert, f"oops{attempt}", read_only=True)
        if routing.stats().retried:
            break
    assert routing.stats().retried == 1
    assert routing.last_node() == "primary"
    # Refused as a write, so this context reads from the primary next, and sees the row.
    assert await Item.count().where(Item.name.like("oops%")) == attempt + 1
    assert routing.last_node() == "primary"


async def test_routing_is_logged(settled: PostgresEngine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="vivace.engine.routing"):
        await Item.count()
        await Item.raw("SELECT 1 AS one")
    messages = [record.getMessage() for record in caplog.records]
    assert "read on replica 'replica'" in messages
    assert "write on the primary" in messages


async def test_round_robin_over_two_nodes_and_a_node_that_is_no_standby(
    pair: ReplicatedPair, settled: PostgresEngine
) -> None:
    def node(server: PrivateCluster) -> PostgresEngine:
        return PostgresEngine(config=pair.config(server, database="postgres", max_size=2))

    engine = PostgresEngine(
        config=pair.config(pair.primary, database="postgres", max_size=2),
        extra_nodes={"a": node(pair.standby), "b": node(pair.standby), "self": node(pair.primary)},
        read_routing=ReadRouting(policy="round_robin", probe_interval=0.1),
    )
    routing = routing_of(engine)
    Item._meta.db = engine
    try:
        await routing.check()
        await routing.check()  # a second sample of the primary: the standbys are placed
        assert routing.stats().replicas == {"a": "healthy", "b": "healthy", "self": "not a standby"}
        served = [await _count_and_node(routing) for _ in range(4)]
        assert sorted(str(name) for name in served) == ["a", "a", "b", "b"]
        assert served[0] != served[1]
    finally:
        Item._meta.db = settled
        await close(engine)
