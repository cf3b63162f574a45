"""``python -m benchmarks --scale [--quick]``: the scale curves; writes ``scale.{json,md,png}``.

Full: 1k-1M rows on PostgreSQL, MariaDB and SQLite, whole and ``batch()``; throughput on
PostgreSQL and MariaDB against pool sizes 1-50 (200 tasks) and tasks 1-1,000 (a pool of
10), Vivace next to the raw driver, 3 interleaved rounds of 1 s a side a point (4.3
minutes on the 2-core machine). ``--quick``: up to 100k rows, pools 1/10/50, tasks
1/100/1,000, 0.25 s a sample (about a minute); writes ``scale-quick.*``. Each server
engine gets a scratch database, ``vivace_scale_<pid>``, made here and dropped at the end.
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

from benchmarks.mysql_server import execute as mysql_execute
from benchmarks.mysql_server import mysql_config
from benchmarks.pg_server import pg_config
from benchmarks.scale import explain, pool, report, rows
from benchmarks.scale.rows import driver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


async def _pg_admin(sql: str) -> None:
    connection = await driver("asyncpg").connect(**pg_config("postgres"), timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _create_databases(name: str) -> dict[str, str]:
    """Make the scratch databases; {engine: why it is not usable} for those that failed."""
    down: dict[str, str] = {}
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        down["postgres"] = f"{type(error).__name__}: {error}"
    try:
        asyncio.run(
            mysql_execute(
                mysql_config(""),
                f"DROP DATABASE IF EXISTS {name}",
                f"CREATE DATABASE {name} CHARACTER SET utf8mb4",
            )
        )
    except Exception as error:
        down["mysql"] = f"{type(error).__name__}: {error}"
    return down


def _drop_databases(name: str, down: dict[str, str]) -> None:
    if "postgres" not in down:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if "mysql" not in down:
        asyncio.run(mysql_execute(mysql_config(""), f"DROP DATABASE IF EXISTS {name}"))


def _print_point(kind: str, p: dict[str, Any]) -> None:
    where = f"{kind:<8} pool {p['size']:>2}, {p['tasks']:>4} tasks"
    if "skipped" in p:
        print(f"  {where}: skipped ({p['skipped']})", flush=True)
        return
    f, v = p["floor"], p["vivace"]
    print(
        f"  {where}: floor {f['qps']:8,.0f} q/s (cpu {f['cpu']:.2f}), vivace "
        f"{v['qps']:8,.0f} q/s (cpu {v['cpu']:.2f}), ratio {p['ratio']:.2f}",
        flush=True,
    )


def main(args: argparse.Namespace) -> None:
    """Run the curves as ``args`` ask (``quick``, ``out``) and write the outputs."""
    quick = bool(args.quick)
    counts = [1_000, 10_000, 100_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    pools = [1, 10, 50] if quick else [1, 2, 5, 10, 20, 50]
    tasks = [1, 100, 1000] if quick else [1, 10, 100, 1000]
    seconds = 0.25 if quick else 1.0
    name = f"vivace_scale_{os.getpid()}"
    started, load_start = time.time(), os.getloadavg()
    down = _create_databases(name)
    configs = {"postgres": pg_config(name), "mysql": mysql_config(name)}
    points: list[dict[str, Any]] = []
    throughput: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(
            dir="/dev/shm" if os.path.isdir("/dev/shm") else None
        ) as d:
            sqlite_path = os.path.join(d, "scale.sqlite")
            print(f"seeding {counts[-1]:,} rows per engine ...", flush=True)
            targets: dict[str, str] = {}
            if "postgres" not in down:
                rows.seed_postgres(configs["postgres"], counts[-1])
                targets["postgres"] = json.dumps(configs["postgres"])
            if "mysql" not in down:
                rows.seed_mysql(configs["mysql"], counts[-1])
                targets["mysql"] = json.dumps(configs["mysql"])
            rows.seed_sqlite(sqlite_path, counts[-1])
            targets["sqlite"] = sqlite_path
            for kind in rows.ENGINES:
                if kind not in targets:
                    print(f"  {kind}: skipped ({down[kind]})", flush=True)
                    continue
                for mode in ("whole", "batch"):
                    for count in counts:
                        point = rows.measure(kind, targets[kind], mode, count)
                        points.append({"engine": kind, "mode": mode, "rows": count, **point})
                        print(
                            f"  {kind:<8} {mode:<5} {count:>9,} rows: "
                            f"{point['seconds'] / count * 1e6:6.2f} µs/row, "
                            f"peak {point['peak_bytes'] / 2**20:7.1f} MiB",
                            flush=True,
                        )
        print("throughput against pool size and tasks ...", flush=True)
        for kind in ("postgres", "mysql"):
            if kind in down:
                throughput[kind] = {"skipped": down[kind]}
                continue

            def progress(p: dict[str, Any], kind: str = kind) -> None:
                _print_point(kind, p)

            throughput[kind] = asyncio.run(
                pool.curves(kind, configs[kind], pools, tasks, seconds, progress)
            )
    finally:
        _drop_databases(name, down)
    result: dict[str, Any] = {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
            "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}",
            "cores": os.cpu_count() or 1,
            "seconds": round(time.time() - started, 1),
            "loadavg_start": [round(x, 2) for x in load_start],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "quick": quick,
            "batch_size": rows.BATCH,
            "point_seconds": seconds,
            "rounds": pool.ROUNDS,
            "pool_tasks": pool.POOL_TASKS,
            "tasks_pool": pool.TASKS_POOL,
        },
        "rows": points,
        "throughput": throughput,
    }
    result["notes"] = explain.notes(result, pool.TASKS_POOL)
    print()
    print(report.markdown(result))
    paths = report.write_outputs(result, args.out, "scale-quick" if quick else "scale")
    print(f"wrote {', '.join(os.path.relpath(p, ROOT) for p in paths)}")
