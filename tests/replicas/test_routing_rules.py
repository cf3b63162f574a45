"""The routing rules on their own: configuration errors, the lag bound, the policies and
the status changes, driven by a scripted replication probe (no replication needed; the
operations routed here run no SQL, they report the engine they were given)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from vivace.engine import Engine, ReadRouting, SQLiteEngine
from vivace.engine.replicas import LagTracker
from vivace.exceptions import ConfigurationError, ConnectionLost, DataError, OperationalError


class ScriptedProbe:
    """Positions and failures set by the test, per engine."""

    def __init__(self) -> None:
        self.primary: int | Exception = 100
        self.replicas: dict[int, int | Exception | None] = {}
        self.forgotten: list[Engine] = []

    async def primary_position(self, engine: Engine) -> int:
        if isinstance(self.primary, Exception):
            raise self.primary
        return self.primary

    async def replica_position(self, engine: Engine) -> int | None:
        value = self.replicas[id(engine)]
        if isinstance(value, Exception):
            raise value
        return value

    def retry_on_primary(self, error: BaseException) -> bool:
        return getattr(error, "code", None) == "25006"

    async def forget_connections(self, engine: Engine) -> None:
        self.forgotten.append(engine)

    async def close(self) -> None:
        self.closed = True


Setup = tuple[ReadRouting, ScriptedProbe, SQLiteEngine, dict[str, SQLiteEngine]]


def setup(names: tuple[str, ...] = ("r1", "r2"), **options: Any) -> Setup:
    primary = SQLiteEngine(path=":memory:")
    nodes = {name: SQLiteEngine(path=":memory:") for name in names}
    probe = ScriptedProbe()
    for engine in nodes.values():
        probe.replicas[id(engine)] = 100
    options.setdefault("retry_after", 0.05)
    routing = ReadRouting(**options).attach(primary, nodes, probe)
    return routing, probe, primary, nodes


async def node_of(routing: ReadRouting, read: bool = True) -> str | None:
    await routing.run(_report, read)
    return routing.last_node()


async def _report(engine: Engine) -> Engine:
    return engine


def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="policy"):
        ReadRouting(policy="random")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="probe_interval"):
        ReadRouting(probe_interval=0)
    with pytest.raises(ConfigurationError, match="max_lag"):
        ReadRouting(max_lag=-1)
    assert ReadRouting(max_lag=2.0, probe_interval=0.5, probe_timeout=1.0).read_your_writes == 3.5
    primary, replica = SQLiteEngine(path=":memory:"), SQLiteEngine(path=":memory:")
    with pytest.raises(ConfigurationError, match="needs replicas"):
        ReadRouting().attach(primary, {}, ScriptedProbe())
    with pytest.raises(ConfigurationError, match="unknown extra nodes: \\['r9'\\]"):
        ReadRouting(nodes=["r9"]).attach(primary, {"r1": replica}, ScriptedProbe())
    with pytest.raises(ConfigurationError, match="'primary'"):
        ReadRouting().attach(primary, {"primary": replica}, ScriptedProbe())
    routing = ReadRouting().attach(primary, {"r1": replica}, ScriptedProbe())
    with pytest.raises(ConfigurationError, match="another engine"):
        routing.attach(primary, {"r1": replica}, ScriptedProbe())


async def test_an_unattached_routing_refuses_to_run() -> None:
    with pytest.raises(ConfigurationError, match="not attached"):
        await ReadRouting().run(_report, True)
    with pytest.raises(ConfigurationError, match="not attached"):
        await ReadRouting().check()
    await ReadRouting().close()  # nothing to stop
    assert ReadRouting().stats().reads == {"primary": 0}


def test_lag_tracker_bounds_staleness_from_the_primarys_samples() -> None:
    tracker = LagTracker(horizon=1.0)
    tracker.add(10.0, 500)
    tracker.add(10.5, 700)
    assert tracker.staleness(700, now=10.6) == pytest.approx(0.1)
    assert tracker.staleness(650, now=10.6) == pytest.approx(0.6)  # has 500, not 700
    assert tracker.staleness(400, now=10.6) is None  # behind everything known
    tracker.add(12.0, 900)  # older samples beyond the horizon are dropped
    assert tracker.staleness(700, now=12.0) is None


async def test_round_robin_takes_replicas_in_turn() -> None:
    routing, _, _, _ = setup(policy="round_robin")
    assert await node_of(routing) == "primary"  # nothing probed yet: the primary serves
    assert routing.stats().fallbacks == 1
    await routing.check()
    served = [await node_of(routing) for _ in range(4)]
    assert sorted(str(name) for name in served) == ["r1", "r1", "r2", "r2"]
    assert served[0] != served[1]
    assert routing.stats().replicas == {"r1": "healthy", "r2": "healthy"}
    await routing.close()


async def test_least_busy_avoids_a_replica_with_reads_running() -> None:
    routing, _, _, _nodes = setup(policy="least_busy")
    await routing.check()
    release = asyncio.Event()
    seen: list[Engine] = []

    async def slow(engine: Engine) -> None:
        seen.append(engine)
        await release.wait()

    held = asyncio.create_task(routing.run(slow, True))
    await asyncio.sleep(0)
    busy = seen[0]
    others = [await routing.run(_report, True) for _ in range(3)]
    assert busy not in others and len(others) == 3
    release.set()
    await held
    assert routing.stats().reads["r1"] + routing.stats().reads["r2"] == 4
    await routing.close()


async def test_lagging_promoted_and_unreachable_replicas_are_taken_out() -> None:
    routing, probe, _, nodes = setup(max_lag=0.2)
    r1, r2 = nodes["r1"], nodes["r2"]
    await routing.check()
    probe.primary = 200
    probe.replicas[id(r1)] = 150  # has the first sample (100) only: fine for now
    probe.replicas[id(r2)] = None  # not in recovery
    await routing.check()
    assert routing.stats().replicas == {"r1": "healthy", "r2": "not a standby"}
    await asyncio.sleep(0.25)  # the first sample is older than max_lag now
    await routing.check()
    assert routing.stats().replicas["r1"] == "lagging"
    assert await node_of(routing) == "primary"
    probe.replicas[id(r1)] = 50  # behind every sample: unknown, so out
    await routing.check()
    assert routing.stats().replicas["r1"] == "lagging"
    probe.replicas[id(r1)] = 200
    await routing.check()
    assert routing.stats().replicas["r1"] == "healthy"
    assert await node_of(routing) == "r1"
    # Unreachable: down, connections forgotten; not probed again before retry_after.
    probe.replicas[id(r1)] = ConnectionLost("refused")
    await routing.check()
    assert routing.stats().replicas["r1"] == "down"
    assert probe.forgotten == [r1]
    probe.replicas[id(r1)] = 200
    await routing.check()
    assert routing.stats().replicas["r1"] == "down"
    await asyncio.sleep(0.06)
    # Back, but with the primary unreachable its lag is unknown: not used yet.
    probe.primary = OperationalError("primary down")
    await routing.check()
    assert routing.stats().replicas["r1"] == "lagging"
    probe.primary = 200
    await routing.check()
    assert routing.stats().replicas["r1"] == "healthy"
    await routing.close()


async def test_without_max_lag_only_health_counts() -> None:
    routing, probe, _, _nodes = setup(("r1",), max_lag=None)
    probe.primary = OperationalError("never asked")
    await routing.check()
    assert routing.stats().replicas == {"r1": "healthy"}
    await routing.close()


async def test_a_read_failing_on_a_broken_replica_runs_once_on_the_primary(
    caplog: pytest.LogCaptureFixture,
) -> None:
    routing, probe, primary, nodes = setup(("r1",))
    await routing.check()
    calls: list[Engine] = []

    async def breaks_on_replica(engine: Engine) -> str:
        calls.append(engine)
        if engine is nodes["r1"]:
            raise ConnectionLost("reset by peer")
        return "from primary"

    with caplog.at_level(logging.INFO, logger="vivace.engine.routing"):
        assert await routing.run(breaks_on_replica, True) == "from primary"
    assert calls == [nodes["r1"], primary]
    assert routing.stats().retried == 1
    assert routing.stats().replicas == {"r1": "down"}
    assert any("taken out" in r.getMessage() for r in caplog.records)
    assert probe.forgotten == [nodes["r1"]]

    # An error that is the query's own (bad data) is the caller's: no retry.
    await asyncio.sleep(0.06)
    await routing.check()

    async def bad(engine: Engine) -> None:
        raise DataError("value too long")

    with pytest.raises(DataError):
        await routing.run(bad, True)
    assert routing.stats().retried == 1
    # Writes are never retried, whatever happens.
    with pytest.raises(ConnectionLost):
        await routing.run(breaks_on_replica_or_primary, False)
    assert routing.stats().writes == 1
    await routing.close()


async def breaks_on_replica_or_primary(engine: Engine) -> None:
    raise ConnectionLost("gone")


async def test_wrote_starts_the_window_by_hand() -> None:
    routing, _, _, _ = setup(("r1",), read_your_writes=5.0)
    await routing.check()
    assert await node_of(routing) == "r1"
    routing.wrote()
    assert await node_of(routing) == "primary"
    assert routing.stats().pinned == 1
    routing.reset_stats()
    assert routing.stats().reads == {"primary": 0, "r1": 0}
    await routing.close()


async def test_a_read_refused_as_a_write_pins_the_context_to_the_primary() -> None:
    routing, _, _, nodes = setup(("r1",), read_your_writes=5.0)
    await routing.check()

    async def hidden_write(engine: Engine) -> str:
        if engine is nodes["r1"]:
            refused = OperationalError("cannot execute INSERT in a read-only transaction")
            refused.code = "25006"
            raise refused
        return "written"

    assert await routing.run(hidden_write, True) == "written"
    assert routing.stats().replicas == {"r1": "healthy"}  # refusing is no failure
    assert await node_of(routing) == "primary"  # its result is read back from the primary
    await routing.close()
