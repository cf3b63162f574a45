"""Piccolo's way, without routing: ``extra_nodes`` and ``run(node="replica")`` end to end
on a real streaming standby (objects, select, count, exists, raw, batch, frozen)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.replicas.cluster import ReplicatedPair
from tests.replicas.conftest import Item, close, engines, eventually
from vivace.engine import PostgresEngine
from vivace.exceptions import ConfigurationError, OperationalError, ProgrammingError
from vivace.query import Placeholder

STANDBY = "SELECT pg_is_in_recovery() AS standby"


@pytest.fixture
async def manual(pair: ReplicatedPair, routed: PostgresEngine) -> AsyncIterator[PostgresEngine]:
    """An engine without read routing, ``Item`` bound to it for the test."""
    engine = engines(pair, read_routing=None)
    Item._meta.db = engine
    try:
        yield engine
    finally:
        Item._meta.db = routed
        await close(engine)


async def test_every_query_kind_runs_on_the_named_node(manual: PostgresEngine) -> None:
    assert manual.read_routing is None
    await Item.delete(force=True)
    await Item.insert(Item(name="on-both", size=7))

    async def replicated() -> bool:
        try:
            return await Item.count().where(Item.name == "on-both").run(node="replica") == 1
        except ProgrammingError:  # the table itself is not replayed yet
            return False

    await eventually(replicated, "the insert reaches the standby")
    assert await Item.raw(STANDBY) == [{"standby": False}]
    assert await Item.raw(STANDBY).run(node="replica") == [{"standby": True}]
    assert await Item.select(Item.name).run(node="replica") == [{"name": "on-both"}]
    bands = await Item.objects().run(node="replica")
    assert [(b.name, b.size) for b in bands] == [("on-both", 7)]
    found = await Item.objects().get(Item.name == "on-both").run(node="replica")
    assert found is not None and found.size == 7
    assert await Item.exists().where(Item.size == 7).run(node="replica") is True
    frozen = Item.select(Item.size).where(Item.name == Placeholder("name")).freeze()
    assert await frozen.run(node="replica", name="on-both") == [{"size": 7}]
    batch = await Item.select(Item.name).batch(batch_size=10, node="replica")
    async with batch:
        assert [rows async for rows in batch] == [[{"name": "on-both"}]]


async def test_a_write_sent_to_the_standby_by_hand_is_refused(manual: PostgresEngine) -> None:
    # What routing exists to prevent: the standby refuses writes (read-only transaction).
    with pytest.raises(OperationalError, match="read-only") as caught:
        await Item.insert(Item(name="nope", size=0)).run(node="replica")
    assert caught.value.code == "25006"
    with pytest.raises(ConfigurationError, match="'elsewhere'"):
        await Item.select().run(node="elsewhere")
    with pytest.raises(KeyError):  # Piccolo's error type too
        await Item.select().run(node="elsewhere")
