"""A writer process for the SQLite concurrency scenario (run by test_concurrency.py).

``python -m tests.reliability.sqlite_writer PATH PROCESS TASKS ITERATIONS MODE`` runs
TASKS tasks, each doing ITERATIONS read-then-write transactions on PATH, and prints one
JSON line: how many committed, the errors by type, and the worst event-loop lag.

MODE is ``default`` (the engine's default transaction), ``deferred`` (BEGIN DEFERRED),
or ``deferred-retry`` (BEGIN DEFERRED inside ``run_in_transaction``).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any

from vivace.engine import SQLiteEngine


async def main(path: str, process: int, tasks: int, iterations: int, mode: str) -> dict[str, Any]:
    engine = SQLiteEngine(path=path, busy_timeout=10.0)
    committed = 0
    errors: Counter[str] = Counter()
    worst_lag = 0.0
    stop = asyncio.Event()

    async def monitor() -> None:
        nonlocal worst_lag
        while not stop.is_set():
            begin = time.perf_counter()
            await asyncio.sleep(0.01)
            worst_lag = max(worst_lag, time.perf_counter() - begin - 0.01)

    async def increment(task: int, step: int) -> None:
        rows = await engine.fetch_sql("SELECT value FROM rel_counter WHERE id = 1")
        await engine.fetch_sql(
            "UPDATE rel_counter SET value = ? WHERE id = 1", [rows[0]["value"] + 1]
        )
        await engine.fetch_sql(
            "INSERT INTO rel_counter_log (process, task, step) VALUES (?, ?, ?)",
            [process, task, step],
        )

    async def writer(task: int) -> None:
        nonlocal committed
        for step in range(iterations):
            try:
                if mode == "deferred-retry":
                    await engine.run_in_transaction(
                        increment, task, step, retries=100, transaction_type="deferred"
                    )
                else:
                    kind = "deferred" if mode == "deferred" else "immediate"
                    options = {} if mode == "default" else {"transaction_type": kind}
                    async with engine.transaction(**options):
                        await increment(task, step)
                committed += 1
            except Exception as error:
                name = type(error).__name__
                if "locked" in str(error):
                    name += " (database is locked)"
                errors[name] += 1

    ticker = asyncio.create_task(monitor())
    await asyncio.gather(*(writer(t) for t in range(tasks)))
    stop.set()
    await ticker
    await engine.close_connection_pool()
    return {"committed": committed, "errors": dict(errors), "worst_lag": worst_lag}


if __name__ == "__main__":
    path, process, tasks, iterations, mode = sys.argv[1:6]
    result = asyncio.run(main(path, int(process), int(tasks), int(iterations), mode))
    print(json.dumps(result))
