"""``python -m benchmarks --scale [--quick]``: the scale curves; writes ``scale.{json,md,png}``.

Full: 1k-1M rows, pool sizes 1-40 (the server's 100 connections are shared), tasks
1-1,000, 2 s a throughput point (about 3 minutes). ``--quick``: up to 100k rows, fewer
points, 0.5 s a point (under a minute); writes ``scale-quick.*``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from typing import Any

import asyncpg

from benchmarks.asgi import command as asgi_command
from benchmarks.scale import pool, report, rows

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pg_server(database: str) -> dict[str, Any]:
    return {**asgi_command.pg_server(), "database": database}


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(**pg_server("postgres"), timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main(args: argparse.Namespace) -> None:
    """Run the curves as ``args`` ask (``quick``, ``out``) and write the outputs."""
    counts = [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    pools = [1, 5, 10, 20, 40] if not args.quick else [1, 10, 40]
    tasks = [1, 10, 100, 1000] if not args.quick else [1, 100, 1000]
    seconds = 0.5 if args.quick else 2.0
    name = f"vivace_scale_{os.getpid()}"
    started, load_start = time.time(), os.getloadavg()
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    config = pg_server(name)
    points: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(
            dir="/dev/shm" if os.path.isdir("/dev/shm") else None
        ) as d:
            sqlite_path = os.path.join(d, "scale.sqlite")
            print(f"seeding {counts[-1]:,} rows per engine ...", flush=True)
            rows.seed_postgres(config, counts[-1])
            rows.seed_sqlite(sqlite_path, counts[-1])
            targets = {"postgres": json.dumps(config), "sqlite": sqlite_path}
            for kind, target in targets.items():
                for mode in ("whole", "batch"):
                    for count in counts:
                        point = rows.measure(kind, target, mode, count)
                        points.append({"engine": kind, "mode": mode, "rows": count, **point})
                        print(
                            f"  {kind:<8} {mode:<5} {count:>9,} rows: "
                            f"{point['seconds'] / count * 1e6:6.2f} µs/row, "
                            f"peak {point['peak_bytes'] / 2**20:7.1f} MiB",
                            flush=True,
                        )
        print("throughput against pool size and tasks ...", flush=True)
        throughput = asyncio.run(pool.curves(config, pools, tasks, seconds))
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    result = {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
            "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}",
            "seconds": round(time.time() - started, 1),
            "loadavg_start": [round(x, 2) for x in load_start],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "quick": args.quick,
            "batch_size": rows.BATCH,
            "point_seconds": seconds,
        },
        "rows": points,
        "throughput": throughput,
    }
    print()
    print(report.markdown(result))
    paths = report.write_outputs(result, args.out, "scale-quick" if args.quick else "scale")
    print(f"wrote {', '.join(os.path.relpath(p, ROOT) for p in paths)}")
