"""The matrix: for every wait, every contender's server is started, checked and loaded.

Order: pass > wait (0, 1, 5, 20 ms) > server (contender x event loop, the order rotated
per wait so the machine's drift does not always hit the same contender) > test type. A
server is started once per wait (the wait is a database setting its fresh connections
read), its answers are checked, then wrk loads each endpoint for ``seconds`` (longer for
requests that queue for seconds: ``TestType.window``) after ``warmup`` seconds of the same
load. A server that fails its checks or does not start is reported, not timed. With
``passes`` > 1 the whole matrix runs again (servers in the reverse order) and each cell
keeps its best pass. The waits where the server's CPU is the bound (0 and 1 ms: no
``pool / (statements x wait)`` cap comes near) run at least ``cpu_bound_passes`` times
in a full run: single passes measured Vivace's single query on uvloop at 0.70 of the floor
in one run and 1.08 in another the same day, as other work on the two cores came and went.

Every cell measures its own test on an idle server: before its warm-up and again before its
measured window, the runner polls the app's ``/inflight`` (requests in progress, counted by
the shared app layer) until it reads 0 twice. wrk abandons its requests in flight when it
stops, and the server finishes them: after a 20-query cell at 20 ms, 64 requests of 20
statements each, ~1.3 s of work for a pool of 20. A single request sent after wrk (what
this runner did before) returns as soon as its own one statement got a turn, long before
such leftovers are done when the app queues each statement fairly for the pool; the next
cell's window then shared the pool with them (fortunes at 20 ms right after queries20: the
ORMs at 0.74-0.93 of the floor; alone, or after this wait: 0.99-1.03). Requests/s is
``load.steady_rps``, which does not depend on where in a wave of completions the window
starts or ends.
"""

from __future__ import annotations

import asyncio
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from benchmarks.asgi import database, load, servers
from benchmarks.asgi.apps import CONTENDERS, AppContender
from benchmarks.asgi.apps.common import INFLIGHT_PATH
from benchmarks.asgi.checks import CheckFailed, check_server


@dataclass(frozen=True)
class TestType:
    """One of TechEmpower's database test types: its id, its label, the URL it loads."""

    __test__ = False  # not a pytest test class, whatever its name says
    id: str
    label: str
    path: str
    statements: int  # per request: each waits on the database

    def window(self, plan: Plan, wait: float) -> float:
        """Seconds to measure: at least ``plan.seconds`` and 4 times the expected latency.

        Apps that queue each statement fairly for the pool move all ``connections``
        requests forward in step, so none finishes before all of them have run their
        statements: about ``connections x statements x (wait / pool + CPU per statement)``.
        ``load.steady_rps`` needs 2 such rounds and averages over the rest, so 4 of them
        leave it 3 rounds of spans (0.3 ms of CPU per statement, what a loaded 2-core
        machine gave).

        >>> TESTS_BY_ID["updates20"].window(Plan(), 20), TESTS_BY_ID["db"].window(Plan(), 20)
        (13.0, 2.0)
        """
        per_statement_ms = wait / plan.pool + 0.3
        latency = plan.connections * self.statements * per_statement_ms / 1000
        return float(min(15, max(plan.seconds, round(4 * latency))))


TESTS: tuple[TestType, ...] = (
    TestType("db", "single query", "/db", 1),
    TestType("queries1", "multiple queries, 1", "/queries?queries=1", 1),
    TestType("queries20", "multiple queries, 20", "/queries?queries=20", 20),
    TestType("fortunes", "fortunes", "/fortunes", 1),
    TestType("updates20", "updates, 20", "/updates?queries=20", 40),
)
TESTS_BY_ID = {t.id: t for t in TESTS}


@dataclass
class Plan:
    """What to run; ``quick()`` and ``full()`` are the two presets."""

    waits: tuple[float, ...] = (0, 1, 5, 20)
    loops: tuple[str, ...] = ("asyncio", "uvloop")
    contenders: tuple[AppContender, ...] = CONTENDERS
    tests: tuple[TestType, ...] = TESTS
    seconds: float = 2.0
    warmup: float = 1.0
    connections: int = 64
    pool: int = 20
    #: Each server measured this many times (at different moments); the best pass counts.
    passes: int = 1
    #: At the waits up to ``cpu_bound_wait`` ms, at least this many passes: there the
    #: server's CPU decides the rate and one pass is at the mercy of the machine's noise.
    cpu_bound_passes: int = 2
    cpu_bound_wait: float = 1.0
    quick: bool = False
    database: str = field(default_factory=lambda: f"vivace_asgi_bench_{os.getpid()}")

    @classmethod
    def quick_plan(cls) -> Plan:
        # 2 s measured: a 20-statement request under 64 connections takes ~1 s at first.
        tests = tuple(t for t in TESTS if t.id != "queries1")  # /db's shape, in a list
        return cls(
            waits=(0, 5),
            loops=("uvloop",),
            tests=tests,
            seconds=2.0,
            warmup=1.0,
            cpu_bound_passes=1,
            quick=True,
        )

    def passes_at(self, wait: float) -> int:
        """How many passes measure the cells of ``wait``.

        >>> plan = Plan()
        >>> [plan.passes_at(w) for w in plan.waits], Plan(passes=3).passes_at(20)
        ([2, 2, 1, 1], 3)
        """
        if wait <= self.cpu_bound_wait:
            return max(self.passes, self.cpu_bound_passes)
        return self.passes

    def variants(self) -> list[tuple[AppContender, str]]:
        """(contender, loop) pairs: each async app on each loop, the WSGI app once."""
        pairs: list[tuple[AppContender, str]] = []
        for contender in self.contenders:
            if contender.kind == "wsgi":
                pairs.append((contender, "threads"))
            else:
                pairs.extend((contender, loop) for loop in self.loops)
        return pairs


def variant_name(contender: AppContender, loop: str) -> str:
    return contender.name if loop == "threads" else f"{contender.name}:{loop}"


def server_env(plan: Plan, pg: dict[str, Any]) -> dict[str, str]:
    env = {
        "BENCH_PG_HOST": str(pg["host"]),
        "BENCH_PG_PORT": str(pg["port"]),
        "BENCH_PG_USER": str(pg["user"]),
        "BENCH_PG_DATABASE": plan.database,
        "BENCH_POOL": str(plan.pool),
    }
    if pg.get("password"):
        env["BENCH_PG_PASSWORD"] = str(pg["password"])
    return env


def inflight(port: int) -> int:
    """How many requests the app at ``port`` is working on (its ``/inflight``)."""
    url = f"http://127.0.0.1:{port}{INFLIGHT_PATH}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return int(response.read())


def wait_idle(port: int, timeout: float = 120.0) -> tuple[int, float]:
    """Poll ``/inflight`` until it reads 0 twice in a row; (first count read, seconds waited).

    Twice: a request wrk wrote just before it closed may still sit unread in a socket when
    the first poll is answered. Raises ``RuntimeError`` after ``timeout`` seconds.
    """
    started = time.monotonic()
    first, zeros = -1, 0
    while zeros < 2:
        try:
            count = inflight(port)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise RuntimeError(f"/inflight did not answer: {error}") from error
        first = count if first < 0 else first
        zeros = zeros + 1 if count == 0 else 0
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"still {count} requests in flight after {timeout:g} s")
        time.sleep(0.02 if count == 0 else 0.05)
    return first, round(time.monotonic() - started, 2)


def _measure(plan: Plan, port: int, name: str, wait: float) -> list[dict[str, Any]]:
    """wrk on each test type of the server at ``port``: one cell per test, each on an idle
    server (the previous cell's and the warm-up's leftovers done first: ``wait_idle``)."""
    cells: list[dict[str, Any]] = []
    for test in plan.tests:
        url = f"http://127.0.0.1:{port}{test.path}"
        leftovers = {"before_warmup": wait_idle(port)}
        if plan.warmup > 0:
            load.run(url, plan.warmup, plan.connections)
            leftovers["before_window"] = wait_idle(port)
        result = load.run(url, test.window(plan, wait), plan.connections)
        load1 = round(os.getloadavg()[0], 2)  # how busy the machine was
        cells.append(
            {
                "variant": name,
                "wait": wait,
                "test": test.id,
                **result,
                "load1": load1,
                # (requests in flight when first polled, seconds until idle)
                "leftovers": {k: list(v) for k, v in leftovers.items()},
            }
        )
        errors = f"  errors {result['errors']}" if result["errors"] else ""
        left = "  ".join(
            f"{n} left {where.replace('_', ' ')} ({s:g} s)"
            for where, (n, s) in leftovers.items()
            if n
        )
        print(
            f"   {test.id:<10} {result['rps']:>9,.0f} req/s (counted {result['rps_counted']:,.0f})"
            f"  p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:8.2f} ms"
            f"  (load {load1}){errors}  {left}",
            flush=True,
        )
    return cells


def _start_with_retry(
    contender: AppContender, loop: str, port: int, env: dict[str, str], pool: int
) -> servers.Server:
    try:
        return servers.start(contender, loop, port, env, pool)
    except RuntimeError as error:
        print(f"   did not start ({str(error).splitlines()[0][:200]}); once more", flush=True)
        time.sleep(3)
        return servers.start(contender, loop, port, env, pool)


def best_cells(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (variant, wait, test), the pass with the most requests/s.

    Other processes on the machine only ever slow a server down, so over passes taken at
    different times the fastest is the least disturbed.

    >>> best_cells([{"variant": "a", "wait": 0, "test": "db", "rps": r} for r in (5, 9, 7)])
    [{'variant': 'a', 'wait': 0, 'test': 'db', 'rps': 9}]
    """
    best: dict[tuple[str, float, str], dict[str, Any]] = {}
    for cell in cells:
        key = (cell["variant"], cell["wait"], cell["test"])
        if key not in best or cell["rps"] > best[key]["rps"]:
            best[key] = cell
    return list(best.values())


def run(plan: Plan, pg: dict[str, Any], port: int = 18_730) -> dict[str, Any]:
    """Run ``plan`` against the PostgreSQL server ``pg`` (connect keywords, no database)."""
    load.ensure_wrk()
    started = time.time()
    cells: list[dict[str, Any]] = []
    failed: dict[str, str] = {}
    waits_measured: dict[str, float] = {}
    asyncio.run(database.create(pg, plan.database))
    env = server_env(plan, pg)

    def fetch_rows() -> dict[int, int]:
        return asyncio.run(database.fetch_world(pg, plan.database))

    try:
        variants = plan.variants()
        for pass_ in range(max(plan.passes_at(w) for w in plan.waits)):
            for round_, wait in enumerate(plan.waits):
                if pass_ >= plan.passes_at(wait):
                    continue
                asyncio.run(database.set_wait(pg, plan.database, wait))
                measured = asyncio.run(database.measured_wait_ms(pg, plan.database))
                waits_measured[f"{wait:g}"] = round(measured, 2)
                shift = round_ % len(variants)
                order = variants[shift:] + variants[:shift]
                for contender, loop in order if pass_ % 2 == 0 else order[::-1]:
                    name = variant_name(contender, loop)
                    if name in failed:
                        continue
                    print(f"-- pass {pass_ + 1}, wait {wait:g} ms: {name}", flush=True)
                    try:
                        server = _start_with_retry(contender, loop, port, env, plan.pool)
                    except RuntimeError as error:
                        # Not held against later waits: the server may be short of
                        # connections while other jobs hold them.
                        failed[f"{name}, wait {wait:g} ms"] = str(error)[:2000]
                        print(f"   did not start: {str(error)[:400]}", flush=True)
                        continue
                    try:
                        check_server(port, fetch_rows, full=(round_ == 0 and pass_ == 0))
                        cells.extend(_measure(plan, port, name, wait))
                    except CheckFailed as error:
                        failed[name] = f"wrong answer: {error}"
                        print(f"   check failed: {error}", flush=True)
                    except RuntimeError as error:
                        # wrk failed, or the server never went idle: this server at this
                        # wait is not measured; the rest of the matrix still is.
                        failed[f"{name}, wait {wait:g} ms"] = f"not measured: {error}"[:2000]
                        print(f"   not measured: {str(error)[:400]}", flush=True)
                    finally:
                        server.stop()
    finally:
        asyncio.run(database.drop(pg, plan.database))
    return {
        "meta": {
            "seconds": round(time.time() - started, 1),
            "plan": {
                "waits_ms": list(plan.waits),
                "loops": list(plan.loops),
                "seconds": plan.seconds,
                "warmup": plan.warmup,
                "connections": plan.connections,
                "pool": plan.pool,
                "passes": plan.passes,
                "passes_by_wait": {f"{w:g}": plan.passes_at(w) for w in plan.waits},
                "quick": plan.quick,
            },
            "measured_wait_ms": waits_measured,
        },
        "tests": [{"id": t.id, "label": t.label, "path": t.path} for t in plan.tests],
        "variants": [
            {
                "name": variant_name(c, loop),
                "contender": c.name,
                "loop": loop,
                "description": c.description,
            }
            for c, loop in plan.variants()
        ],
        "cells": best_cells(cells),
        "all_passes": cells,
        "failed": failed,
    }
