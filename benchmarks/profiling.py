"""``python -m benchmarks --profile OP [--backend sqlite|mysql]``: where Vivace spends an operation.

Sets up Vivace alone on freshly seeded tables, runs the operation untimed to warm up, then
runs it under cProfile for about two seconds and prints the top entries by own time and by
cumulative time.
"""

from __future__ import annotations

import cProfile
import inspect
import io
import os
import pstats
import shutil
import tempfile
import time
from typing import Any

from benchmarks.contenders import Context
from benchmarks.contenders.vivace_orm import Vivace
from benchmarks.harness import Phase, Settings, call
from benchmarks.workload import ALL_OPS_BY_ID, CONCURRENT_TASKS, POOL_SIZE, Inspector

SECONDS = 2.0
TOP = 22


async def profile(
    backend: str,
    op_id: str,
    pg_config: dict[str, Any],
    mysql_config: dict[str, Any] | None = None,
) -> None:
    op = ALL_OPS_BY_ID[op_id]
    folder = tempfile.mkdtemp(prefix="vivace-profile-")
    tables = Vivace.table_names()
    path = os.path.join(folder, "vivace.sqlite")
    inspector = Inspector(backend, tables, pg_config, path, mysql_config)
    await inspector.open()
    await inspector.create_and_seed()
    context = Context(backend, dict(pg_config), path, tables, POOL_SIZE, dict(mysql_config or {}))
    contender = Vivace(context)
    await contender.setup()
    phase = Phase(Settings(backend=backend, loop="asyncio", pg_config=pg_config))
    phase.inspectors[contender.name] = inspector
    try:
        if op.kind == "throughput":
            await phase.concurrent(contender, op, CONCURRENT_TASKS, 5)
            runs, calls = 0, 0
            profiler = cProfile.Profile()
            t0 = time.perf_counter()
            profiler.enable()
            while time.perf_counter() - t0 < SECONDS:
                await phase.concurrent(contender, op, CONCURRENT_TASKS, 10)
                runs += 1
            profiler.disable()
            calls = runs * CONCURRENT_TASKS * 10
        else:
            fn = getattr(contender, op_id)
            await call(fn, 0)
            await inspector.cleanup()
            per_call = await phase.timed(contender, op, 20) / 20
            reps = max(1, int(0.3 / per_call))  # a steadier look, still without the profiler
            per_call = min(per_call, await phase.timed(contender, op, reps) / reps)
            calls = max(1, int(SECONDS / per_call))
            profiler = cProfile.Profile()
            if op.kind == "bulk" or not inspect.iscoroutinefunction(fn):
                profiler.enable()
                await phase.timed(contender, op, calls)
                profiler.disable()
            else:
                profiler.enable()
                for i in range(calls):
                    await fn(i)
                profiler.disable()
            await inspector.cleanup()
            print(f"{op_id} on {backend}: {per_call * 1e6:.1f} µs per call without the profiler")
        print(f"{calls} calls under cProfile\n")
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(key).print_stats(TOP)
            text = out.getvalue()
            start = text.find("   ncalls")
            print(f"-- top {TOP} by {key} --")
            print(text[start:].rstrip() + "\n")
    finally:
        await contender.teardown()
        await inspector.close()
        shutil.rmtree(folder, ignore_errors=True)
