"""Read routing under load: ``.venv/bin/python -m benchmarks.replicas [--seconds 6]``.

Starts a private primary and a streaming standby on loopback (as ``tests/replicas`` does),
then runs ``--workers`` loops of "requests" against a ``PostgresEngine`` with
``read_routing``. A request is a task of its own (a fresh context, like a web request):
9 in 10 read a row by key, 1 in 10 updates a row and then reads it back (read your writes).

Three phases of ``--seconds`` each: the primary alone (an engine without routing, the
baseline), routed and steady, then routed while the standby is stopped (immediate: its
connections are cut) a third of the way in and started again two thirds of the way in.
For each phase it prints the reads served by the replica and by the primary, the read
latency percentiles, the reads retried on the primary, and the errors callers saw.
Bounded: about ``3 * seconds`` plus the cluster's start-up (5-10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from contextvars import Context
from dataclasses import dataclass, field
from typing import Any

from tests.replicas.cluster import ReplicatedPair
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import PostgresEngine, ReadRouting

ROWS = 1000


class BenchItem(Table, tablename="bench_replica_item"):
    name = Varchar(length=50)
    size = Integer()


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)
    retried: int = 0
    fallbacks: int = 0
    requests: int = 0

    def report(self, seconds: float) -> str:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        reads = sum(self.served.values()) or 1
        replica = self.served.get("replica", 0)
        return (
            f"{self.name:<26} requests {self.requests:>6} ({self.requests / seconds:,.0f}/s)  "
            f"reads: replica {replica} ({100 * replica / reads:.1f}%), "
            f"primary {self.served.get('primary', 0)}  "
            f"p50 {pct(0.50):.2f} ms  p99 {pct(0.99):.2f} ms  max {ordered[-1] * 1000:.1f} ms  "
            f"retried {self.retried}  fallbacks {self.fallbacks}  errors {len(self.errors)}"
            f"  (mean {statistics.fmean(ordered) * 1000:.2f} ms)"
        )


async def request(phase: Phase) -> None:
    key = random.randrange(1, ROWS + 1)
    try:
        if random.random() < 0.1:
            await BenchItem.update({BenchItem.size: BenchItem.size + 1}).where(BenchItem.id == key)
        begin = time.perf_counter()
        row = await BenchItem.select(BenchItem.size).where(BenchItem.id == key).first()
        phase.latencies.append(time.perf_counter() - begin)
        assert row is not None
    except Exception as error:
        phase.errors.append(f"{type(error).__name__}: {error}")
    phase.requests += 1


async def run_phase(
    phase: Phase, engine: PostgresEngine, seconds: float, workers: int, pair: ReplicatedPair | None
) -> None:
    BenchItem._meta.db = engine
    routing = engine.read_routing
    if routing is not None:
        routing.reset_stats()
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        while time.monotonic() < deadline:
            await asyncio.create_task(request(phase), context=Context())

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    if pair is not None:
        await asyncio.sleep(seconds / 3)
        await asyncio.to_thread(pair.standby.stop, "immediate")
        await asyncio.sleep(seconds / 3)
        await asyncio.to_thread(pair.standby.start)
    await asyncio.gather(*tasks)
    if routing is None:
        phase.served = {"primary": len(phase.latencies)}
        return
    stats = routing.stats()
    phase.served, phase.retried, phase.fallbacks = dict(stats.reads), stats.retried, stats.fallbacks


async def main(seconds: float, workers: int) -> list[str]:
    pair = ReplicatedPair().start()
    replica = PostgresEngine(
        config=pair.config(pair.standby, database="postgres", max_size=10),
        acquire_timeout=2.0,
        command_timeout=5.0,
    )
    engine = PostgresEngine(
        config=pair.config(pair.primary, database="postgres", max_size=10),
        extra_nodes={"replica": replica},
        acquire_timeout=5.0,
        command_timeout=5.0,
        read_routing=ReadRouting(max_lag=1.0, probe_interval=0.25, retry_after=1.0),
    )
    # The same primary without routing: the baseline.
    plain = PostgresEngine(config=pair.config(pair.primary, database="postgres", max_size=10))
    BenchItem._meta.db = engine
    lines: list[str] = []
    try:
        await BenchItem.create_table()
        await BenchItem.insert(*(BenchItem(name=f"item {i}", size=0) for i in range(ROWS)))
        await asyncio.sleep(1.0)  # the standby replays the rows
        assert engine.read_routing is not None
        await engine.read_routing.check()
        phases: list[tuple[str, PostgresEngine, ReplicatedPair | None]] = [
            ("primary only, no routing", plain, None),
            ("routed, steady", engine, None),
            ("routed, replica killed", engine, pair),
        ]
        for name, target, killer in phases:
            phase = Phase(name)
            await asyncio.create_task(
                run_phase(phase, target, seconds, workers, killer), context=Context()
            )
            lines.append(phase.report(seconds))
            if phase.errors:
                lines.append(f"    first error: {phase.errors[0]}")
    finally:
        await engine.close_connection_pool()
        await replica.close_connection_pool()
        await plain.close_connection_pool()
        pair.destroy()
    return lines


def cli(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each phase")
    parser.add_argument("--workers", type=int, default=16, help="concurrent request loops")
    options = parser.parse_args(argv)
    for line in asyncio.run(main(options.seconds, options.workers)):
        print(line)


if __name__ == "__main__":
    cli()
